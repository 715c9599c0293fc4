"""The billing pages (mounted at the site root by invoicetron.urls)."""

from django.urls import path

from invoicetron.billing.views import (
    actions,
    clients,
    credit_notes,
    drafts,
    invoices,
    live,
    products,
    rates,
    refunds,
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
    path("payments/<int:pk>/delete/", actions.delete_payment, name="payment_delete"),
    path("payments/<int:pk>/refund/", refunds.refund_payment, name="payment_refund"),
    path("refunds/<int:pk>/delete/", refunds.delete_refund, name="refund_delete"),
    path("applied-credit/<int:pk>/remove/", refunds.remove_applied_credit, name="credit_remove"),
    path(
        "clients/<int:pk>/credit/<str:currency>/apply/", refunds.apply_credit, name="credit_apply"
    ),
    path(
        "clients/<int:pk>/credit/<str:currency>/refund/",
        refunds.refund_credit,
        name="credit_refund",
    ),
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
    path("settings/exchange-rates/", rates.rate_list, name="rates"),
    path("settings/exchange-rates/new/", rates.rate_form, name="rate_new"),
    path("settings/exchange-rates/import/", rates.rate_import, name="rate_import"),
    path("settings/exchange-rates/export.csv", rates.rate_export, name="rate_export"),
    path("settings/exchange-rates/<int:pk>/", rates.rate_form, name="rate_edit"),
    path("settings/exchange-rates/<int:pk>/delete/", rates.rate_delete, name="rate_delete"),
    path("settings/<str:kind>/<int:pk>/delete/", settings.delete_setting, name="setting_delete"),
]
