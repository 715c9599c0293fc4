from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "invoicetron.billing"
    label = "billing"
    verbose_name = "Billing"
