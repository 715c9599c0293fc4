from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "invoicetron.portal"
    label = "portal"
    verbose_name = "Public links"
