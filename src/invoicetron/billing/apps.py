from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from invoicetron.web import navigation


class BillingConfig(AppConfig):
    name = "invoicetron.billing"
    label = "billing"
    verbose_name = _("Billing")

    def ready(self) -> None:
        from invoicetron.billing.document_types import register_billing_documents

        register_billing_documents()
        from invoicetron.billing.language import connect_business_language

        connect_business_language()  # a saved profile drops the kept default language
        navigation.add_section(_("Invoices"), "billing:invoices", order=10, paths=("/invoices/",))
        navigation.add_section(
            _("Credit notes"), "billing:credit_notes", order=20, paths=("/credit-notes/",)
        )
        navigation.add_section(_("Clients"), "billing:clients", order=50, paths=("/clients/",))
        navigation.add_section(_("Products"), "billing:products", order=60, paths=("/products/",))
        navigation.add_section(
            _("Settings"), "billing:settings", order=90, paths=("/settings/",), owners_only=True
        )
        navigation.add_settings_tab("business", _("Business"), "billing:settings", order=10)
        navigation.add_settings_tab("taxes", _("Tax rates"), "billing:tax_rates", order=20)
        navigation.add_settings_tab("series", _("Number series"), "billing:series", order=30)
        navigation.add_settings_tab("rates", _("Exchange rates"), "billing:rates", order=35)
