from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from invoicetron.web import navigation


class MessagingConfig(AppConfig):
    name = "invoicetron.messaging"
    label = "messaging"
    verbose_name = "Messaging"

    def ready(self) -> None:
        from invoicetron.billing.caching import register_companion
        from invoicetron.messaging import caching  # its models are loaded only now

        navigation.add_settings_tab("emails", _("Emails"), "messaging:templates", order=40)
        # The invoice page reads the email panel's marker with billing's, in one query.
        register_companion(caching.COMPANION, caching.FUNCTION)
