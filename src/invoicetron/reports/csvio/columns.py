"""The columns of each CSV export; the importer maps files onto the same names."""

from __future__ import annotations

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
    "name": "Name",
    "email": "Contact email",
    "contact_name": "Contact name",
    "phone": "Contact phone",
    "billing_address": "Billing address",
    "tax_id": "Tax ID (VAT number)",
    "currency": "Currency",
    "payment_terms_days": "Payment terms (days)",
    "notes": "Notes",
    "archived": "Archived (yes/no)",
    "description": "Description",
    "unit": "Unit (hour, day…)",
    "unit_price": "Unit price",
    "taxes": "Taxes (e.g. VAT 20)",
    "number": "Invoice number",
    "series": "Number series",
    "status": "Status",
    "kind": "Kind (standard/deposit)",
    "client": "Client name",
    "exchange_rate": "Exchange rate",
    "issue_date": "Issue date",
    "due_date": "Due date",
    "prices_include_tax": "Prices include tax (yes/no)",
    "discount_type": "Discount type (percent/amount)",
    "discount_value": "Discount",
    "terms": "Terms",
    "net_total": "Net total (checked)",
    "tax_total": "Tax total (checked)",
    "total": "Total (checked)",
    "amount_paid": "Amount paid",
    "amount_credited": "Amount credited",
    "balance_due": "Balance due (checked)",
    "paid_date": "Paid on",
    "line_description": "Line: description",
    "line_quantity": "Line: quantity",
    "line_unit": "Line: unit",
    "line_unit_price": "Line: unit price",
    "line_discount_type": "Line: discount type",
    "line_discount_value": "Line: discount",
    "line_taxes": "Line: taxes",
}


def label(field: str) -> str:
    return LABELS.get(field, field.replace("_", " ").capitalize())
