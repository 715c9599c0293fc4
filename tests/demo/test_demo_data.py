"""`invoicetron demo-data` builds data that the app itself would have built, figure for figure."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import Sum
from django.test import Client as DjangoClient

from invoicetron.accounts.models import User
from invoicetron.api.tokens import create_token
from invoicetron.billing import money, services
from invoicetron.billing.models import (
    AuditEvent,
    CreditNote,
    Invoice,
    NumberCounter,
    Payment,
)
from invoicetron.billing.numbering import period_key
from invoicetron.billing.services.drafts import compute_draft_totals, money_line
from invoicetron.billing.services.issuing import SNAPSHOT_VERSION
from invoicetron.billing.services.settlement import settlement_status
from invoicetron.demo import build
from invoicetron.demo.load import Summary, generate
from tests.fixtures import factories

CLIENTS, INVOICES = 6, 150


@pytest.fixture
def demo(owner: User) -> Summary:
    return generate(CLIENTS, INVOICES, seed=7, report=lambda message: None)


def shape(value: Any) -> Any:
    """The keys of nested dicts (the first list item stands for the list), without the values."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    return None


def first_with_a_taxed_first_line(documents: Any) -> Any:
    """The first document whose first line is taxed and which has no allowances or charges: a
    partial credit note whose lines miss its share by a cent records that cent as one, and
    those keys are written only when a document has them (the real one here has none)."""
    return next(
        (
            doc
            for doc in documents.order_by("pk")[:200]
            if doc.snapshot["lines"][0]["taxes"] and "adjustments" not in doc.snapshot["totals"]
        ),
        None,
    )


def test_the_generator_writes_what_it_says_with_every_document_kind(demo: Summary) -> None:
    assert (demo.clients, demo.invoices) == (CLIENTS, INVOICES)
    assert Invoice.objects.count() == INVOICES
    assert Payment.objects.count() == demo.payments > 0
    assert CreditNote.objects.count() == demo.credit_notes > 0
    assert len(set(Invoice.objects.values_list("currency", flat=True))) > 1
    statuses = set(Invoice.objects.values_list("status", flat=True))
    assert {"paid", "partially_paid", "credited"} <= statuses
    dates = Invoice.objects.values_list("issue_date", flat=True)
    assert (max(dates) - min(dates)).days > 600, "two years of dates"


def test_stored_totals_are_exactly_what_money_computes_from_the_stored_lines(
    demo: Summary,
) -> None:
    for invoice in Invoice.objects.prefetch_related("lines__taxes"):
        lines = list(invoice.lines.all())
        assert len(lines) >= 2 and any(line.taxes.all() for line in lines)
        computed = compute_draft_totals(invoice, [money_line(line) for line in lines])
        assert money.totals_from_json(invoice.snapshot["totals"]) == computed
        assert (invoice.net_total, invoice.tax_total, invoice.total) == (
            computed.net_total,
            computed.tax_total,
            computed.total,
        )
        rate = invoice.exchange_rate
        assert rate == 1 if invoice.currency == "EUR" else rate > 0


def test_balances_and_statuses_follow_the_payments_and_credit_notes(demo: Summary) -> None:
    paid = dict(
        Payment.objects.values("invoice").annotate(s=Sum("amount")).values_list("invoice", "s")
    )
    credited = dict(
        CreditNote.objects.values("invoice").annotate(s=Sum("total")).values_list("invoice", "s")
    )
    for invoice in Invoice.objects.all():
        assert invoice.amount_paid == paid.get(invoice.pk, 0)
        assert invoice.amount_credited == credited.get(invoice.pk, 0)
        assert invoice.balance_due == invoice.total - invoice.amount_paid - invoice.amount_credited
        assert invoice.balance_due >= 0
        assert invoice.status == settlement_status(invoice)
        assert money.fits_minor_unit(invoice.amount_paid, invoice.currency)


def test_crediting_the_rest_with_the_real_service_clears_a_partly_credited_invoice(
    demo: Summary, owner: User
) -> None:
    candidates = Invoice.objects.filter(amount_credited__gt=0, amount_paid=0, balance_due__gt=0)
    invoice = candidates.first()
    assert invoice is not None, "the seed gives a partly credited, unpaid invoice"
    services.create_credit_note(invoice, by=owner)
    invoice.refresh_from_db()
    assert invoice.balance_due == 0 and invoice.status == "credited"
    notes = CreditNote.objects.filter(invoice=invoice).aggregate(s=Sum("total"))["s"]
    # Each note rounds its own tax (money rule 8): two notes may be a cent from the invoice,
    # and that cent is the rounding that closed it.
    assert notes == invoice.amount_credited
    assert invoice.total - notes + invoice.credit_rounding == invoice.balance_due == 0
    assert abs(invoice.credit_rounding) <= Decimal("0.01")


def test_numbers_are_gapless_and_the_counters_continue_after_them(
    demo: Summary, owner: User
) -> None:
    by_period: dict[tuple[int, str], list[int]] = defaultdict(list)
    for series_id, reset, day, sequence in Invoice.objects.values_list(
        "series_id", "series__reset", "issue_date", "sequence"
    ):
        by_period[(series_id, period_key(reset, day))].append(sequence)
    for (series_id, period), sequences in by_period.items():
        assert sorted(sequences) == list(range(1, len(sequences) + 1))
        counter = NumberCounter.objects.get(series_id=series_id, period=period)
        assert counter.last_value == len(sequences)
    notes: dict[str, list[int]] = defaultdict(list)
    for reset, day, sequence in CreditNote.objects.values_list(
        "series__reset", "issue_date", "sequence"
    ):
        notes[period_key(reset, day)].append(sequence)
    for sequences in notes.values():
        assert sorted(sequences) == list(range(1, len(sequences) + 1))

    today = services.business_today()
    before = len(by_period.get((Invoice.objects.first().series_id, f"{today:%Y}"), []))  # type: ignore[union-attr]
    issued = services.issue_invoice(factories.draft(owner), by=owner, issue_date=today)
    assert issued.sequence == before + 1


def test_snapshots_have_the_shape_the_issuing_service_freezes(demo: Summary, owner: User) -> None:
    real = services.issue_invoice(factories.draft(owner), by=owner)
    real_note = services.create_credit_note(real, by=owner)
    # shape() reads each list's first item, so compare documents whose first line is taxed.
    generated = first_with_a_taxed_first_line(Invoice.objects.exclude(pk=real.pk))
    assert generated is not None and generated.snapshot["version"] == SNAPSHOT_VERSION
    assert build.SNAPSHOT_VERSION == SNAPSHOT_VERSION
    assert shape(generated.snapshot) == shape(real.snapshot)
    generated_note = first_with_a_taxed_first_line(CreditNote.objects.exclude(pk=real_note.pk))
    assert generated_note is not None
    assert shape(generated_note.snapshot) == shape(real_note.snapshot)
    assert AuditEvent.objects.filter(invoice_id=generated.pk, action="issue").count() == 1


def test_the_pages_the_pdf_and_the_api_serve_the_generated_data(
    demo: Summary, owner: User, client: DjangoClient
) -> None:
    client.force_login(owner)
    invoice = Invoice.objects.filter(credit_notes__isnull=False, payments__isnull=False).first()
    assert invoice is not None
    listing = client.get("/invoices/")
    page = client.get(f"/invoices/{invoice.pk}/")
    pdf = client.get(f"/invoices/{invoice.pk}/pdf/")
    dashboard = client.get("/dashboard/")
    assert listing.status_code == page.status_code == dashboard.status_code == 200
    assert invoice.number in page.content.decode()
    assert money.format_amount(invoice.total, invoice.currency) in page.content.decode()
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    secret = create_token(owner, "demo check", read_only=True).secret
    api = client.get("/api/v1/invoices", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.status_code == 200 and api.json()["count"] == INVOICES


def test_the_same_seed_gives_the_same_figures(owner: User) -> None:
    day = datetime.date(2026, 3, 15)
    first = generate(2, 20, seed=3, report=lambda message: None, today=day)
    totals = list(Invoice.objects.order_by("pk").values_list("total", flat=True))
    assert first.invoices == 20 and sum(totals, Decimal(0)) > 0
    assert list(Invoice.objects.order_by("pk").values_list("issue_date", flat=True))[-1] <= day
