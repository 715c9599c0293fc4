"""The e-invoice downloads of an issued invoice or credit note (mounted at the site root)."""

from django.urls import path

from invoicetron.einvoicing import views
from invoicetron.einvoicing.files import Format

app_name = "einvoicing"

urlpatterns = [
    path(f"{kind}/<int:pk>/{format}/", view, {"format": format}, name=f"{name}_{format}")
    for kind, name, view in (
        ("invoices", "invoice", views.invoice_file),
        ("credit-notes", "credit_note", views.credit_note_file),
    )
    for format in Format
]
