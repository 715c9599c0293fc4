from typing import cast

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
        # The labels are lazy: each request shows them in its language. The registry annotates
        # them `str`, which a lazy string renders as.
        invoices, credit_notes, clients = _("Invoices"), _("Credit notes"), _("Clients")
        products, settings = _("Products"), _("Settings")
        navigation.add_section(
            cast(str, invoices), "billing:invoices", order=10, paths=("/invoices/",)
        )
        navigation.add_section(
            cast(str, credit_notes), "billing:credit_notes", order=20, paths=("/credit-notes/",)
        )
        navigation.add_section(
            cast(str, clients), "billing:clients", order=50, paths=("/clients/",)
        )
        navigation.add_section(
            cast(str, products), "billing:products", order=60, paths=("/products/",)
        )
        navigation.add_section(
            cast(str, settings),
            "billing:settings",
            order=90,
            paths=("/settings/",),
            owners_only=True,
        )
        business, tax_rates, series = _("Business"), _("Tax rates"), _("Number series")
        navigation.add_settings_tab("business", cast(str, business), "billing:settings", order=10)
        navigation.add_settings_tab("taxes", cast(str, tax_rates), "billing:tax_rates", order=20)
        navigation.add_settings_tab("series", cast(str, series), "billing:series", order=30)
