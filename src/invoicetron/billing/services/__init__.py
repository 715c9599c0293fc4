"""Billing behaviour: plain functions that views, the API and commands call. Each is atomic.

Every function that changes data takes `by=` (the acting user, or None for the system), writes one
audit event with the old and new values, and raises `django.core.exceptions.ValidationError` keyed
by field name when the input is refused (nothing is written then). Line errors are keyed like a
Django formset with prefix "lines": `lines-0-quantity`, `lines-2-unit_price`. Amounts are
`Decimal` (strings accepted; floats refused) and the server computes every total (money.py).

Invoices (drafts → issued → sent → partially paid → paid, or credited):
- `create_draft(*, client, by, lines=[LineData…], currency=None, series=None, issue_date=None,
  due_date=None, prices_include_tax=False, discount_type="percent", discount_value=0, notes="",
  terms="", buyer_reference=None, order_reference="", adjustments=[]) -> Invoice` — currency
  defaults to the client's, then the base currency; buyer_reference to the client's.
  `adjustments`: document allowances and charges (`billing.adjustments` says their shape; one
  naming a `tax_rate` applies to that rate's lines only, the others are spread over every rate).
- `update_draft(invoice, *, by, lines=None, **fields) -> Invoice` — any of `DRAFT_FIELDS`;
  `lines` (when given) replaces all lines. ImmutableDocument (a ValidationError) once issued.
- `delete_draft(invoice, *, by)` — drafts only; an issued invoice is never deleted.
- `duplicate_invoice(invoice, *, by) -> Invoice` — a new draft like any invoice (no number, no
  dates); `preview.preview_totals(lines, currency, …)` — a draft's totals while it is typed.
- `draft_lines(invoice) -> [LineData]`, `validate_line(line, currency) -> LineData` (for forms);
  both from `billing.lines`, the lines every document shares (checks, forms, display rows).
- `issue_invoice(invoice, *, by, issue_date=None, exchange_rate=None) -> Invoice` — takes the
  next number of the invoice's series (gapless, locked counter), sets the due date from the
  payment terms, records the exchange rate (when currency ≠ base currency: the one given, else
  the rate table's on the issue date or the latest before it, else refused), freezes the
  snapshot (business, client, lines, taxes, totals) and makes the invoice immutable.
- `mark_sent(invoice, *, by) -> Invoice`.
- `invoice_totals(invoice) -> money.Totals` — the frozen figures of an issued invoice, or a
  draft's figures computed now. `Invoice.is_overdue(today)` and `Invoice.objects.overdue(today)`
  derive overdue; never stored.
Payments, refunds and client credit (a ledger per client and currency, `CreditEntry`):
- `record_payment(invoice, *, amount, by, date=None, method="bank_transfer", reference="",
  notes="", keep_excess_as_credit=False) -> Payment` — refused above the balance due (field
  "amount") unless `keep_excess_as_credit`: the excess then becomes client credit. The client
  and invoice rows are locked (`lock_client_and_invoice`) so concurrent changes queue.
- `delete_payment(payment, *, by)` — audited with the payment's values; refused while it has
  refunds or while the credit it left is spent.
- `record_refund(payment, *, amount, by, date=None, method=…, reference="", notes="") -> Refund`
  — never more than is left of the payment; the invoice's balance is due again.
- `refund_credit(client, *, currency, amount, by, …) -> Refund`, `delete_refund(refund, *, by)`.
- `apply_credit(invoice, *, by, amount=None, date=None) -> CreditEntry` — settles like a payment
  ("Applied credit"); `remove_applied_credit(entry, *, by)`; `credit_balances(client)`,
  `credit_ledger(client)`, `credit_targets(client, currency)`.
Credit notes:
- `create_credit_note(invoice, *, by, lines=None | [CreditLine(invoice_line_id, quantity)],
  reason="", issue_date=None) -> CreditNote` — whole invoice or some lines/quantities; own series;
  reduces the balance due; refused for a draft or an invoice with nothing owed or paid
  (`Invoice.credit_refusal()` says why); beyond the balance due the surplus is client credit.
- `remaining_quantities(invoice) -> {invoice_line_id: quantity not yet credited}`.
Simple records (BusinessProfile, Client, Contact, Product, TaxRate, NumberSeries):
- `save_record(instance, *, by, m2m=None) -> instance` — full_clean, save, audit create/change;
  keeps exactly one primary contact per client and one default series per kind.
- `delete_client(client, *, by) -> bool` — deletes a client without documents, else archives it.
- `delete_contact(contact, *, by)`, `delete_record(product | tax_rate | series, *, by)`;
  `deletion_refusal(product | tax_rate | series) -> str | None` says beforehand why not.
Exchange rates (`services.rates`, the table a foreign-currency document's rate defaults to):
- `table_rate(currency, day, base=None)`, `save_rate(rate, *, by)`, `delete_rate(rate, *, by)`,
  `import_rates(data, *, by, filename="") -> RateImport` (an ECB reference-rate file, all or
  nothing, idempotent); `rates_matching(base, …)` and `rates_csv(rates)` for lists and exports.
Numbering and trail:
- `default_series(kind) -> NumberSeries` (created on first use), `business_today()`.
- `events_for_invoice(invoice_id)` — the invoice's audit trail (itself, payments, credit notes).
PDF: `invoicetron.billing.pdf.render_invoice_pdf(invoice)`, `render_credit_note_pdf(note)`,
`render_document_pdf(snapshot, template=…, title=…)` for any document with a snapshot.
"""

from invoicetron.billing.lines import LineData, validate_line
from invoicetron.billing.models import business_today
from invoicetron.billing.services.audit import events_for_invoice
from invoicetron.billing.services.client_credit import (
    apply_credit,
    credit_balances,
    credit_ledger,
    credit_targets,
    remove_applied_credit,
)
from invoicetron.billing.services.credit_notes import (
    CreditLine,
    create_credit_note,
    remaining_quantities,
)
from invoicetron.billing.services.drafts import (
    DRAFT_FIELDS,
    create_draft,
    delete_draft,
    draft_lines,
    duplicate_invoice,
    invoice_totals,
    update_draft,
)
from invoicetron.billing.services.issuing import issue_invoice, mark_sent
from invoicetron.billing.services.numbering import default_series
from invoicetron.billing.services.payments import delete_payment, record_payment
from invoicetron.billing.services.rates import (
    RateImport,
    delete_rate,
    import_rates,
    rates_csv,
    rates_matching,
    save_rate,
    table_rate,
)
from invoicetron.billing.services.records import (
    delete_client,
    delete_contact,
    delete_record,
    deletion_refusal,
    save_record,
)
from invoicetron.billing.services.refunds import (
    delete_refund,
    record_refund,
    refund_credit,
    refundable_amount,
)

__all__ = [
    "DRAFT_FIELDS",
    "CreditLine",
    "LineData",
    "RateImport",
    "apply_credit",
    "business_today",
    "create_credit_note",
    "create_draft",
    "credit_balances",
    "credit_ledger",
    "credit_targets",
    "default_series",
    "delete_client",
    "delete_contact",
    "delete_draft",
    "delete_payment",
    "delete_rate",
    "delete_record",
    "delete_refund",
    "deletion_refusal",
    "draft_lines",
    "duplicate_invoice",
    "events_for_invoice",
    "import_rates",
    "invoice_totals",
    "issue_invoice",
    "mark_sent",
    "rates_csv",
    "rates_matching",
    "record_payment",
    "record_refund",
    "refund_credit",
    "refundable_amount",
    "remaining_quantities",
    "remove_applied_credit",
    "save_rate",
    "save_record",
    "table_rate",
    "update_draft",
    "validate_line",
]
