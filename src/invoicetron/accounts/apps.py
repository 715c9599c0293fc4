from django.apps import AppConfig

from invoicetron.web import navigation


class AccountsConfig(AppConfig):
    name = "invoicetron.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        navigation.add_settings_tab("users", "Users", "users:list", order=70)
