from django.apps import AppConfig


class QuotesConfig(AppConfig):
    name = "invoicetron.quotes"
    label = "quotes"
    verbose_name = "Quotes"

    def ready(self) -> None:
        from invoicetron.quotes import documents

        documents.register()
