"""The billing pages (mounted at the site root by invoicetron.urls)."""

from django.urls import path

from invoicetron.billing.views import (
    actions,
    clients,
    credit_notes,
    deposits,
    drafts,
    invoices,
    live,
    products,
    settings,
)

app_name = "billing"

urlpatterns = [
    path("invoices/", invoices.invoice_list, name="invoices"),
    path("invoices/new/", drafts.create, name="invoice_new"),
    path("invoices/new-line/", drafts.line_row, name="line_row"),
    path("invoices/totals/", live.draft_totals, name="draft_totals"),
    path("invoices/<int:pk>/", invoices.invoice_detail, name="invoice"),
    path("invoices/<int:pk>/edit/", drafts.edit, name="invoice_edit"),
    path("invoices/<int:pk>/delete/", actions.delete_draft, name="invoice_delete"),
    path("invoices/<int:pk>/issue/", actions.issue, name="invoice_issue"),
    path("invoices/<int:pk>/sent/", actions.mark_sent, name="invoice_sent"),
    path("invoices/<int:pk>/payments/", actions.record_payment, name="invoice_pay"),
    path("invoices/<int:pk>/credit/", actions.credit_note, name="invoice_credit"),
    path("invoices/<int:pk>/duplicate/", actions.duplicate, name="invoice_duplicate"),
    path("invoices/<int:pk>/pdf/", invoices.invoice_pdf, name="invoice_pdf"),
    path("invoices/<int:pk>/deposit/", deposits.order_deposit, name="invoice_deposit"),
    path("invoices/<int:pk>/deduct-order/", deposits.deduct_order, name="invoice_deduct_order"),
    path("payments/<int:pk>/delete/", actions.delete_payment, name="payment_delete"),
    path("credit-notes/", credit_notes.credit_note_list, name="credit_notes"),
    path("credit-notes/<int:pk>/pdf/", invoices.credit_note_pdf, name="credit_note_pdf"),
    path("clients/", clients.client_list, name="clients"),
    path("clients/new/", clients.create, name="client_new"),
    path("clients/<int:pk>/", clients.client_detail, name="client"),
    path("clients/<int:pk>/edit/", clients.edit, name="client_edit"),
    path("clients/<int:pk>/archive/", clients.archive, name="client_archive"),
    path("clients/<int:pk>/restore/", clients.restore, name="client_restore"),
    path("products/", products.product_list, name="products"),
    path("products/new/", products.create, name="product_new"),
    path("products/<int:pk>/edit/", products.edit, name="product_edit"),
    path("products/<int:pk>/archive/", products.archive, name="product_archive"),
    path("settings/", settings.business, name="settings"),
    path("settings/logo/", settings.logo, name="logo"),
    path("settings/tax-rates/", settings.tax_rates, name="tax_rates"),
    path("settings/tax-rates/new/", settings.tax_rate_form, name="tax_rate_new"),
    path("settings/tax-rates/<int:pk>/", settings.tax_rate_form, name="tax_rate_edit"),
    path("settings/series/", settings.series_list, name="series"),
    path("settings/series/new/", settings.series_form, name="series_new"),
    path("settings/series/<int:pk>/", settings.series_form, name="series_edit"),
    path("settings/<str:kind>/<int:pk>/delete/", settings.delete_setting, name="setting_delete"),
]
