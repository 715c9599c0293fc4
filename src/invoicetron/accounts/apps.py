from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from invoicetron.web import navigation


class AccountsConfig(AppConfig):
    name = "invoicetron.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        navigation.add_settings_tab("users", _("Users"), "users:list", order=70)
