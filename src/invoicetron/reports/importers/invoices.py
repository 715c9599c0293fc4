"""Importing invoices: line rows grouped by invoice number, issued with their own numbers.

Each invoice is created as a draft and issued through the billing services (so every amount is
recomputed by the money rules and every write is audited); see numbers.py for how the numbers are
kept. Totals given in the file are checked against the computed ones, to the cent.

`kind` keeps a deposit invoice a deposit invoice; `deducts` names the deposit invoices a final
invoice deducts (in Invoicetron already, or earlier in the file: they are imported in number
order), linked before it is issued so that its totals are the ones exported.

The amount paid (what the export calls amount_paid: payments less refunds, plus client credit
applied, less what a payment left as credit) becomes one payment dated paid_date, else the issue
date: each invoice's balance due and status come back to the cent, but not the separate payments,
refunds and credit movements (their exports are records for the books). Credit notes are not
imported.
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from invoicetron.billing import services
from invoicetron.billing.formatting import plain
from invoicetron.billing.models import (
    BusinessProfile,
    Client,
    DocumentKind,
    Invoice,
    InvoiceKind,
    InvoiceStatus,
    NumberSeries,
    document_currency,
)
from invoicetron.billing.money import MoneyError, check_currency
from invoicetron.billing.numbering import period_key
from invoicetron.billing.services.deposits import deduct_deposits
from invoicetron.reports.csvio.columns import INVOICE_HEADER_COLUMNS
from invoicetron.reports.importers.base import Context, savepoint
from invoicetron.reports.importers.numbers import (
    counter_values,
    jump_problem,
    prepare_counter,
    sequence_of,
)
from invoicetron.reports.importers.values import CellError, Cells, Existing, Row

IMPORTABLE = {
    InvoiceStatus.DRAFT,
    InvoiceStatus.ISSUED,
    InvoiceStatus.SENT,
    InvoiceStatus.PARTIALLY_PAID,
    InvoiceStatus.PAID,
}
CHECKED_TOTALS = ("net_total", "tax_total", "total", "balance_due")
MOST_DEDUCTED = 100  # deposit invoices one final invoice names (as the API allows)


@dataclass
class Planned:
    number: str
    rows: list[Row]
    status: str = InvoiceStatus.ISSUED
    kind: str = InvoiceKind.STANDARD
    deducts: list[str] = field(default_factory=list)  # numbers of deposit invoices
    client: Client | None = None
    series: NumberSeries | None = None
    sequence: int = 0
    fields: dict[str, object] = field(default_factory=dict)
    lines: list[services.LineData] = field(default_factory=list)
    exchange_rate: Decimal | None = None
    amount_paid: Decimal | None = None
    paid_date: datetime.date | None = None

    @property
    def first(self) -> Row:
        return self.rows[0]


class InvoiceImport:
    def __init__(self, ctx: Context, rows: Sequence[Row]) -> None:
        self.ctx = ctx
        self.rows = rows
        self.profile = BusinessProfile.load()
        self.clients = self._clients()
        self.series = self._series()
        self.failed: set[str] = set()

    # -- lookups (one query each, whatever the file's size) ------------------------------------

    def _clients(self) -> dict[str, list[Client]]:
        names = {row.text("client") for row in self.rows}
        found: dict[str, list[Client]] = {}
        for client in Client.objects.filter(name__in=names):
            found.setdefault(client.name, []).append(client)
        return found

    def _series(self) -> dict[str, NumberSeries]:
        default = services.default_series(DocumentKind.INVOICE)  # created on first use
        rows = NumberSeries.objects.filter(kind=DocumentKind.INVOICE)
        return {"": default} | {series.name: series for series in rows}

    # -- checking ------------------------------------------------------------------------------

    def fail(self, planned: Planned, row: Row, name: str, message: str) -> None:
        self.failed.add(planned.number)
        self.ctx.error(row.number, name, message)

    def group(self) -> list[Planned]:
        groups: dict[str, Planned] = {}
        for row in self.rows:
            try:
                number = row.text("number", limit=64)
            except CellError as error:
                self.ctx.cell_error(row, error)
                continue
            if not number:
                self.ctx.error(row.number, "number", "Each row needs its invoice's number.")
                continue
            groups.setdefault(number, Planned(number, [])).rows.append(row)
        return list(groups.values())

    def check(self, planned: Planned) -> None:
        """Check every cell of the invoice's rows, reporting all the errors of each row."""
        cells = Cells(planned.first)
        self._check_header(planned, cells)
        for error in cells.errors:
            self.fail(planned, planned.first, error.field, error.message)
        self._check_repeats(planned)
        for row in planned.rows:
            line_cells = Cells(row)
            line = self._line(line_cells)
            for error in line_cells.errors:
                self.fail(planned, row, error.field, error.message)
            if line is not None and not line_cells.errors:
                planned.lines.append(line)
        if not planned.lines and planned.number not in self.failed:
            self.fail(planned, planned.first, "line_description", "The invoice has no lines.")

    def _check_header(self, planned: Planned, cells: Cells) -> None:
        row = planned.first
        status = row.text("status").lower().replace(" ", "_").replace("-", "_") or "issued"
        if status not in IMPORTABLE:
            cells.errors.append(
                CellError(
                    "status",
                    "Credited invoices are not imported: import the invoice, then issue its "
                    "credit note here."
                    if status == InvoiceStatus.CREDITED
                    else f"Unknown status “{status[:40]}”.",
                )
            )
        if (cells.decimal("amount_credited") or 0) > 0:
            cells.errors.append(
                CellError(
                    "amount_credited",
                    _(
                        "Credit notes are not imported: import the invoice as it was before its "
                        "credit note (amount credited empty or 0, the balance due it had), then "
                        "issue the credit note here."
                    ),
                )
            )
        planned.status = status
        planned.kind = self._kind(row, cells)
        planned.deducts = self._deducts(planned, cells)
        planned.client = cells.read(lambda: self._client(row), None)
        planned.series = cells.read(lambda: self._series_of(row), None)
        currency = document_currency(planned.client, row.text("currency"), profile=self.profile)
        try:
            currency = check_currency(currency)
        except MoneyError as error:
            cells.errors.append(CellError("currency", str(error)))
        issue_date = cells.date("issue_date")
        if issue_date is None and status != InvoiceStatus.DRAFT and row.text("issue_date") == "":
            cells.errors.append(CellError("issue_date", "An issued invoice needs its issue date."))
        planned.fields = {
            "client": planned.client,
            "series": planned.series,
            "currency": currency,
            "issue_date": issue_date,
            "due_date": cells.date("due_date"),
            "prices_include_tax": cells.flag("prices_include_tax"),
            "discount_type": row.text("discount_type").lower() or "percent",
            "discount_value": cells.decimal("discount_value", default=Decimal(0)),
            "notes": row.text("notes"),
            "terms": row.text("terms"),
        }
        planned.exchange_rate = cells.decimal("exchange_rate")
        planned.amount_paid = cells.decimal("amount_paid")
        planned.paid_date = cells.date("paid_date")
        if status != InvoiceStatus.DRAFT and issue_date is not None and planned.series:
            cells.read(lambda: self._check_number(planned, issue_date), None)

    def _kind(self, row: Row, cells: Cells) -> str:
        kind = row.text("kind").lower() or InvoiceKind.STANDARD
        if kind not in InvoiceKind.values:
            cells.errors.append(
                CellError(
                    "kind",
                    _("Unknown kind “%(kind)s”: standard or deposit.") % {"kind": kind[:40]},
                )
            )
        return kind

    def _deducts(self, planned: Planned, cells: Cells) -> list[str]:
        numbers = [n.strip() for n in planned.first.text("deducts").split(";") if n.strip()]
        if not numbers:
            return []
        if planned.kind == InvoiceKind.DEPOSIT:
            cells.errors.append(
                CellError("deducts", _("A deposit invoice does not deduct other deposits."))
            )
        elif len(numbers) > MOST_DEDUCTED or len(set(numbers)) != len(numbers):
            cells.errors.append(
                CellError(
                    "deducts",
                    _("Name each deposit invoice once, at most %(most)d.")
                    % {"most": MOST_DEDUCTED},
                )
            )
        return numbers

    def _client(self, row: Row) -> Client:
        name = row.required("client")
        matches = self.clients.get(name, [])
        if not matches:
            raise CellError("client", f"No client named “{name[:80]}”: import the clients first.")
        if len(matches) > 1:
            raise CellError("client", f"{len(matches)} clients are named “{name[:80]}”.")
        return matches[0]

    def _series_of(self, row: Row) -> NumberSeries:
        name = row.text("series")
        if name not in self.series:
            raise CellError("series", f"No invoice number series named “{name[:80]}”.")
        return self.series[name]

    def _check_number(self, planned: Planned, issue_date: datetime.date) -> None:
        series = planned.series
        assert series is not None
        sequence = sequence_of(series, planned.number, issue_date)
        if sequence is None:
            raise CellError(
                "number",
                f"{planned.number} is not a number the series “{series.name}” "
                f"({series.pattern}) gives on {issue_date.isoformat()}: choose or create a "
                "series whose pattern gives it.",
            )
        planned.sequence = sequence

    def _check_repeats(self, planned: Planned) -> None:
        """Invoice fields repeated on later line rows must agree with the first row."""
        first = planned.first
        for row in planned.rows[1:]:
            for name in INVOICE_HEADER_COLUMNS:
                value = row.text(name)
                if value and value != first.text(name):
                    self.fail(
                        planned, row, name, f"Differs from row {first.number} of this invoice."
                    )

    def _line(self, cells: Cells) -> services.LineData | None:
        row = cells.row
        description = row.text("line_description")
        quantity = cells.decimal("line_quantity")
        price = cells.decimal("line_unit_price")
        if not description and quantity is None and price is None and not cells.errors:
            return None
        if not description:
            cells.errors.append(CellError("line_description", "Describe what the line bills."))
        unit = cells.text("line_unit", limit=32)
        taxes = cells.taxes("line_taxes")
        discount = cells.decimal("line_discount_value", default=Decimal(0)) or Decimal(0)
        if cells.errors:
            return None
        return services.LineData(
            description=description,
            quantity=Decimal(1) if quantity is None else quantity,
            unit_price=price if price is not None else Decimal(0),
            unit=unit,
            taxes=self.ctx.tax_rates(taxes),
            discount_type=row.text("line_discount_type").lower() or "percent",
            discount_value=discount,
        )

    def check_counters(self, planned: list[Planned]) -> None:
        """Imported numbers must be new, above the counters already used, and not far above them.

        Each number is checked against the highest number before it in its series and period
        (the counter, or a lower number of the same file), so a typing mistake such as
        INV-2026-2147483647 cannot exhaust a series or skip a million numbers."""
        issued = [p for p in planned if p.status != InvoiceStatus.DRAFT and p.sequence]
        series_ids = {p.series.pk for p in issued if p.series}
        counters = counter_values(series_ids)
        # Legal numbers are unique across all series of invoices.
        taken = set(
            Invoice.objects.filter(number__in=[p.number for p in issued]).values_list(
                "number", flat=True
            )
        )
        for item in sorted(issued, key=_numbering_order):
            assert item.series is not None
            period = period_key(item.series.reset, item.fields["issue_date"])  # type: ignore[arg-type]
            last = counters.get((item.series.pk, period), 0)
            if item.number in taken:
                self.fail(item, item.first, "number", f"Invoice {item.number} already exists.")
            elif item.sequence <= last:
                self.fail(
                    item,
                    item.first,
                    "number",
                    f"{item.number} is at or below the last number used in the series "
                    f"“{item.series.name}” ({last}); only later numbers can be imported.",
                )
            elif (problem := jump_problem(item.series, item.sequence, last)) is not None:
                self.fail(item, item.first, "number", f"{item.number} {problem}")
            else:
                counters[(item.series.pk, period)] = item.sequence

    # -- writing -------------------------------------------------------------------------------

    def apply(self, planned: Planned) -> None:
        def report(name: str, message: str) -> None:
            self.fail(planned, planned.first, _column_of(name), message)

        with savepoint(report):
            invoice = services.create_draft(
                by=self.ctx.by,
                lines=planned.lines,
                kind=planned.kind,
                **planned.fields,  # type: ignore[arg-type]
            )
            if planned.deducts:
                self._deduct(planned, invoice)
            if planned.status != InvoiceStatus.DRAFT:
                invoice = self._issue(planned, invoice)
            self._check_totals(planned, invoice)
            if planned.number in self.failed:
                raise _Abandon
            self.ctx.outcome.add("invoices", _description(planned, invoice))

    def _deduct(self, planned: Planned, invoice: Invoice) -> None:
        """Link the deposit invoices the row names; the final invoice is issued with them."""
        deposits = {
            deposit.number: deposit
            for deposit in Invoice.objects.filter(
                number__in=planned.deducts, kind=InvoiceKind.DEPOSIT
            )
        }
        missing = [number for number in planned.deducts if number not in deposits]
        if missing:
            # Raised (not reported) so that the savepoint rolls the draft back.
            raise ValidationError(
                {
                    "deposits": _(
                        "No deposit invoice %(numbers)s: import the deposit invoices first (in "
                        "this file, with kind “deposit” and a lower number), or leave them out "
                        "of “deducts”."
                    )
                    % {"numbers": ", ".join(missing)[:200]}
                }
            )
        deduct_deposits(invoice, [deposits[n] for n in planned.deducts], by=self.ctx.by)

    def _issue(self, planned: Planned, invoice: Invoice) -> Invoice:
        assert planned.series is not None
        issue_date = planned.fields["issue_date"]
        prepare_counter(planned.series, issue_date, planned.sequence)  # type: ignore[arg-type]
        invoice = services.issue_invoice(
            invoice,
            by=self.ctx.by,
            issue_date=issue_date,  # type: ignore[arg-type]
            exchange_rate=planned.exchange_rate,
        )
        if planned.status == InvoiceStatus.SENT:
            invoice = services.mark_sent(invoice, by=self.ctx.by)
        paid = planned.amount_paid
        if paid is None and planned.status == InvoiceStatus.PAID:
            paid = invoice.balance_due
        if paid:
            services.record_payment(
                invoice,
                amount=paid,
                by=self.ctx.by,
                reference="Imported",
                date=planned.paid_date or invoice.issue_date,
            )
            invoice.refresh_from_db()
        if invoice.status != planned.status:
            self.fail(
                planned,
                planned.first,
                "status",
                f"With the amounts given the invoice would be “{invoice.get_status_display()}”, "
                f"not “{planned.status}”.",
            )
        return invoice

    def _check_totals(self, planned: Planned, invoice: Invoice) -> None:
        for name in CHECKED_TOTALS:
            expected = planned.first.decimal(name)
            actual = getattr(invoice, name)
            if expected is not None and expected != actual:
                self.fail(
                    planned,
                    planned.first,
                    name,
                    f"The file says {expected}; the invoice's lines give {plain(actual)}.",
                )


class _Abandon(Exception):
    """Roll back one invoice whose checks failed after it was written."""


def _description(planned: Planned, invoice: Invoice) -> str:
    """What the run's outcome lists for an imported invoice."""
    text = f"Invoice {planned.number} ({invoice.status})"
    if planned.kind == InvoiceKind.DEPOSIT:
        text += ", " + _("deposit invoice")
    if planned.deducts:
        text += ", " + _("deducts %(numbers)s") % {"numbers": ", ".join(planned.deducts)}
    return text


def _column_of(name: str) -> str:
    """A service's error key (`lines-2-quantity`, `discount_value`) as an import field."""
    if name == "deposits":
        return "deducts"
    if name.startswith("lines-"):
        return "line_" + name.rsplit("-", 1)[-1]
    return name or "number"


def _numbering_order(item: Planned) -> tuple[bool, int, str, int]:
    if item.status == InvoiceStatus.DRAFT or item.series is None:
        return (False, 0, "", 0)
    period = period_key(item.series.reset, item.fields["issue_date"])  # type: ignore[arg-type]
    return (True, item.series.pk, period, item.sequence)


def _leave_existing(ctx: Context, planned: list[Planned]) -> list[Planned]:
    """Without the invoices whose numbers exist, when the run skips (or updates) existing ones.

    Issued invoices never change, so "update" leaves an existing invoice as it is, like "skip".
    """
    if not planned or planned[0].first.options.existing == Existing.REFUSE:
        return planned
    numbers = {item.number for item in planned}
    existing = set(Invoice.objects.filter(number__in=numbers).values_list("number", flat=True))
    for item in planned:
        if item.number in existing:
            ctx.outcome.skip("invoices")
            ctx.progress_by(len(item.rows))
    return [item for item in planned if item.number not in existing]


def import_invoices(ctx: Context, rows: Sequence[Row]) -> None:
    job = InvoiceImport(ctx, rows)
    planned = _leave_existing(ctx, job.group())
    for item in planned:
        job.check(item)
    job.check_counters([p for p in planned if p.number not in job.failed])
    valid = [p for p in planned if p.number not in job.failed]
    # Drafts first, then issued invoices in number order, so that each counter only moves up.
    valid.sort(key=_numbering_order)
    ctx.progress_by(sum(len(item.rows) for item in planned if item.number in job.failed))
    for item in valid:
        with contextlib.suppress(_Abandon):  # its errors are reported; go on with the others
            job.apply(item)
        ctx.progress_by(len(item.rows))
