from django.apps import AppConfig


class HealthConfig(AppConfig):
    name = "invoicetron.health"
    label = "health"
