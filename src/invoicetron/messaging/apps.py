from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from invoicetron.web import navigation


class MessagingConfig(AppConfig):
    name = "invoicetron.messaging"
    label = "messaging"
    verbose_name = "Messaging"

    def ready(self) -> None:
        navigation.add_settings_tab("emails", _("Emails"), "messaging:templates", order=40)
