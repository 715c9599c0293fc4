from django.apps import AppConfig


class AutomationConfig(AppConfig):
    name = "invoicetron.automation"
    label = "automation"
    verbose_name = "Automation"
