from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from invoicetron.web import navigation


class QuotesConfig(AppConfig):
    name = "invoicetron.quotes"
    label = "quotes"
    verbose_name = "Quotes"

    def ready(self) -> None:
        from invoicetron.quotes.registration import register_quotes

        register_quotes()  # in billing's registry of document types: emails, links, the portal
        navigation.add_section(_("Quotes"), "quotes:list", order=30, paths=("/quotes/",))
