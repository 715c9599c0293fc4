from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from invoicetron.web import navigation


class WebConfig(AppConfig):
    name = "invoicetron.web"
    label = "web"

    def ready(self) -> None:
        # The kit's own link; the apps add theirs (see web.navigation).
        navigation.add_section(_("Home"), "web:home", order=0)
