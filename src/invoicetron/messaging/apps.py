from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "invoicetron.messaging"
    label = "messaging"
    verbose_name = "Messaging"
