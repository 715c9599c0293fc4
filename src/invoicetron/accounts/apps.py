from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "invoicetron.accounts"
    label = "accounts"
    verbose_name = "Accounts"
