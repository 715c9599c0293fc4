from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from invoicetron.web import navigation


class AutomationConfig(AppConfig):
    name = "invoicetron.automation"
    label = "automation"
    verbose_name = "Automation"

    def ready(self) -> None:
        # Billing events become webhook deliveries in the transaction that caused them.
        from invoicetron.automation import events

        events.connect()
        navigation.add_section(
            _("Recurring"), "automation:recurring", order=40, paths=("/recurring/",)
        )
        navigation.add_settings_tab("reminders", _("Reminders"), "automation:reminders", order=50)
        navigation.add_settings_tab("webhooks", _("Webhooks"), "automation:webhooks", order=60)
