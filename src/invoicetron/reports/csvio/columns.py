"""The columns of each CSV export; the importer maps files onto the same names."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

CLIENT_COLUMNS = (
    "name",
    "email",
    "contact_name",
    "phone",
    "billing_address",
    "tax_id",
    "currency",
    "payment_terms_days",
    "notes",
    "archived",
    "language",
)
PRODUCT_COLUMNS = ("name", "description", "unit", "unit_price", "taxes", "archived")
INVOICE_COLUMNS = (
    "number",
    "series",
    "status",
    "kind",
    "client",
    "currency",
    "exchange_rate",
    "issue_date",
    "due_date",
    "prices_include_tax",
    "discount_type",
    "discount_value",
    "notes",
    "terms",
    "net_total",
    "tax_total",
    "total",
    "amount_paid",
    "amount_credited",
    "balance_due",
    "paid_date",
    "deducts",
    "line_description",
    "line_quantity",
    "line_unit",
    "line_unit_price",
    "line_discount_type",
    "line_discount_value",
    "line_taxes",
)
PAYMENT_COLUMNS = (
    "date",
    "invoice_number",
    "client",
    "amount",
    "currency",
    "exchange_rate",
    "base_amount",
    "base_currency",
    "method",
    "reference",
    "notes",
)
# Refunds: of a payment (invoice_number set) or of client credit (refund_of "client_credit").
REFUND_COLUMNS = (
    "date",
    "refund_of",
    "invoice_number",
    "client",
    "amount",
    "currency",
    "exchange_rate",
    "base_amount",
    "base_currency",
    "method",
    "reference",
    "notes",
)
# The client-credit ledger: one row per movement, signed (+ onto the credit, - off it).
CLIENT_CREDIT_COLUMNS = (
    "date",
    "client",
    "kind",
    "amount",
    "currency",
    "invoice_number",
    "credit_note_number",
)
# Invoice fields repeated on every line row of the same invoice.
INVOICE_HEADER_COLUMNS = tuple(c for c in INVOICE_COLUMNS if not c.startswith("line_"))

# What the import's column matching calls each field (the exports keep the plain names above).
LABELS = {
    "name": _("Name"),
    "email": _("Contact email"),
    "contact_name": _("Contact name"),
    "phone": _("Contact phone"),
    "billing_address": _("Billing address"),
    "tax_id": _("Tax ID (VAT number)"),
    "currency": _("Currency"),
    "payment_terms_days": _("Payment terms (days)"),
    "notes": _("Notes"),
    "archived": _("Archived (yes/no)"),
    "description": _("Description"),
    "unit": _("Unit (hour, day…)"),
    "unit_price": _("Unit price"),
    "taxes": _("Taxes (e.g. VAT 20)"),
    "number": _("Invoice number"),
    "series": _("Number series"),
    "status": _("Status"),
    "kind": _("Kind (standard/deposit)"),
    "client": _("Client name"),
    "language": _("Document language (en, de, fr, es; empty: the business's)"),
    "exchange_rate": _("Exchange rate"),
    "issue_date": _("Issue date"),
    "due_date": _("Due date"),
    "prices_include_tax": _("Prices include tax (yes/no)"),
    "discount_type": _("Discount type (percent/amount)"),
    "discount_value": _("Discount"),
    "terms": _("Terms"),
    "net_total": _("Net total (checked)"),
    "tax_total": _("Tax total (checked)"),
    "total": _("Total (checked)"),
    "amount_paid": _("Amount paid"),
    "amount_credited": _("Amount credited"),
    "balance_due": _("Balance due (checked)"),
    "paid_date": _("Paid on"),
    "deducts": _("Deposit invoices deducted (numbers, separated by ;)"),
    "line_description": _("Line: description"),
    "line_quantity": _("Line: quantity"),
    "line_unit": _("Line: unit"),
    "line_unit_price": _("Line: unit price"),
    "line_discount_type": _("Line: discount type"),
    "line_discount_value": _("Line: discount"),
    "line_taxes": _("Line: taxes"),
}


def label(field: str) -> str:
    """The field's name in the active language."""
    return str(LABELS[field]) if field in LABELS else field.replace("_", " ").capitalize()
