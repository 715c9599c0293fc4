from django.apps import AppConfig


class EInvoicingConfig(AppConfig):
    name = "invoicetron.einvoicing"
    label = "einvoicing"
    verbose_name = "E-invoicing"
