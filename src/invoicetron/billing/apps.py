from typing import cast

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from invoicetron.web import navigation


class BillingConfig(AppConfig):
    name = "invoicetron.billing"
    label = "billing"
    verbose_name = "Billing"

    def ready(self) -> None:
        from invoicetron.billing.document_types import register_billing_documents

        register_billing_documents()
        navigation.add_section("Invoices", "billing:invoices", order=10, paths=("/invoices/",))
        navigation.add_section(
            "Credit notes", "billing:credit_notes", order=20, paths=("/credit-notes/",)
        )
        navigation.add_section("Clients", "billing:clients", order=50, paths=("/clients/",))
        navigation.add_section("Products", "billing:products", order=60, paths=("/products/",))
        navigation.add_section(
            "Settings", "billing:settings", order=90, paths=("/settings/",), owners_only=True
        )
        navigation.add_settings_tab("business", "Business", "billing:settings", order=10)
        navigation.add_settings_tab("taxes", "Tax rates", "billing:tax_rates", order=20)
        navigation.add_settings_tab("series", "Number series", "billing:series", order=30)
        navigation.add_settings_tab(
            "rates", cast(str, _("Exchange rates")), "billing:rates", order=35
        )
