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
# Invoice fields repeated on every line row of the same invoice.
INVOICE_HEADER_COLUMNS = tuple(c for c in INVOICE_COLUMNS if not c.startswith("line_"))
