from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "invoicetron.api"
    label = "api"
    verbose_name = "REST API"
