from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "invoicetron.web"
    label = "web"
