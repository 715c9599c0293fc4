from django.apps import AppConfig


class QuotesConfig(AppConfig):
    name = "invoicetron.quotes"
    label = "quotes"
    verbose_name = "Quotes"

    def ready(self) -> None:
        from invoicetron.quotes.registration import register_quotes

        register_quotes()  # in billing's registry of document types: emails, links, the portal
