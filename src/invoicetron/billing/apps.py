from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "invoicetron.billing"
    label = "billing"
    verbose_name = "Billing"

    def ready(self) -> None:
        from invoicetron.billing.document_types import register_billing_documents

        register_billing_documents()
