from django.apps import AppConfig


class AutomationConfig(AppConfig):
    name = "invoicetron.automation"
    label = "automation"
    verbose_name = "Automation"

    def ready(self) -> None:
        # Billing events become webhook deliveries in the transaction that caused them.
        from invoicetron.automation import events

        events.connect()
