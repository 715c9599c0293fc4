from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "invoicetron.reports"
    label = "reports"
    verbose_name = "Dashboard, reports and CSV import/export"
