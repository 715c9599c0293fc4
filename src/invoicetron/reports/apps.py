from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from invoicetron.web import navigation


class ReportsConfig(AppConfig):
    name = "invoicetron.reports"
    label = "reports"
    verbose_name = "Dashboard, reports and CSV import/export"

    def ready(self) -> None:
        navigation.add_section(
            _("Reports"), "reports:index", order=70, paths=("/reports/", "/data/")
        )
