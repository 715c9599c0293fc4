from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "invoicetron.messaging"
    label = "messaging"
    verbose_name = "Messaging"

    def ready(self) -> None:
        from invoicetron.messaging import documents

        documents.register_billing_documents()
