from django.apps import AppConfig

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
            "Recurring", "automation:recurring", order=40, paths=("/recurring/",)
        )
        navigation.add_settings_tab("reminders", "Reminders", "automation:reminders", order=50)
        navigation.add_settings_tab("webhooks", "Webhooks", "automation:webhooks", order=60)
