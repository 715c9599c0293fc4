from django.urls import path

from invoicetron.reports.views import dashboard, imports, reports, transfer

app_name = "reports"

urlpatterns = [
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("reports/", reports.index, name="index"),
    path("reports/sales/", reports.sales, name="sales"),
    path("reports/tax/", reports.tax, name="tax"),
    path("reports/aging/", reports.aging, name="aging"),
    path("reports/payments/", reports.payments, name="payments"),
    path("data/", transfer.data, name="data"),
    path("data/export/<slug:kind>.csv", transfer.export_csv, name="export"),
    path("data/import/<int:pk>/", imports.import_status, name="import_status"),
    path("data/import/<int:pk>/columns/", imports.import_mapping, name="import_mapping"),
    path("data/import/<int:pk>/commit/", imports.import_commit, name="import_commit"),
]
