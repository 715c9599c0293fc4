"""Writing the demo data: the business's settings through the ORM, the bulk with COPY.

Everything happens in one transaction. The number counters are locked (SELECT … FOR UPDATE) like
the issuing service locks them, the generated numbers continue each counter, and the counters are
moved past them, so invoices issued afterwards continue the series without a gap. Invoices are
written as drafts, their lines added, and only then issued by an UPDATE: the database triggers
that freeze issued invoices stay on and are obeyed.
"""

from __future__ import annotations

import datetime
import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, transaction

from invoicetron.accounts.models import User
from invoicetron.billing.models import (
    BusinessProfile,
    DocumentKind,
    NumberCounter,
    NumberSeries,
    TaxRate,
)
from invoicetron.billing.numbering import format_number, period_key
from invoicetron.billing.services import business_today, default_series
from invoicetron.billing.services.issuing import ADDRESS_FIELDS, business_snapshot
from invoicetron.demo import build, catalog, rows
from invoicetron.demo.rows import reserve_ids

Report = Callable[[str], None]
CHUNK = 5000


@dataclass(frozen=True)
class Summary:
    clients: int
    invoices: int
    lines: int
    payments: int
    credit_notes: int
    seconds: float


class Counters:
    """The locked counters of one series: hands out the next numbers, then saves them."""

    def __init__(self, series: NumberSeries) -> None:
        self.series = series
        self.values: dict[str, int] = {}

    def lock(self, periods: Iterable[str]) -> None:
        NumberCounter.objects.bulk_create(
            [NumberCounter(series=self.series, period=p) for p in sorted(set(periods))],
            ignore_conflicts=True,
        )
        locked = NumberCounter.objects.select_for_update().filter(series=self.series)
        for counter in locked:  # numbers already handed out here stay handed out
            self.values.setdefault(counter.period, counter.last_value)

    def take(self, day: datetime.date) -> tuple[str, int, datetime.date]:
        period = period_key(self.series.reset, day)
        if period not in self.values:
            self.lock([period])
        self.values[period] += 1
        value = self.values[period]
        return format_number(self.series.pattern, day, value), value, day

    def save(self) -> None:
        for period, value in self.values.items():
            NumberCounter.objects.filter(series=self.series, period=period).update(last_value=value)


def ensure_business() -> BusinessProfile:
    profile = BusinessProfile.load()
    if not profile.name:
        profile.name = "Demo Design Studio"
        profile.address = "1 Rue de la Paix\n75002 Paris\nFrance"
        profile.tax_id = "FR12345678901"
        profile.email = "billing@demo.example"
        profile.payment_instructions = "IBAN FR76 3000 6000 0112 3456 7890 189"
        profile.save()
    return profile


def ensure_tax_rates() -> None:
    for name, rate in catalog.TAX_RATES:
        TaxRate.objects.get_or_create(name=name, rate=rate)


def tax_ids() -> dict[tuple[str, Decimal], int]:
    return {(tax.name, tax.rate): tax.pk for tax in TaxRate.objects.all()}


def make_clients(count: int, rng: random.Random, base: str) -> list[build.DemoClient]:
    ids = reserve_ids("billing_client", count)
    currencies = [c for c in catalog.CURRENCY_RATES if base in catalog.CURRENCY_RATES] or [base]
    weights = catalog.CURRENCY_WEIGHTS[: len(currencies)]
    clients = []
    for index, client_id in enumerate(ids):
        name = (
            f"{rng.choice(catalog.NAME_STARTS)} {rng.choice(catalog.NAME_MIDDLES)} "
            f"{rng.choice(catalog.NAME_ENDS)}"
        )
        if index >= len(catalog.NAME_STARTS):
            name = f"{name} ({index + 1})"
        currency = rng.choices(currencies, weights)[0]
        contact = f"{rng.choice(catalog.PEOPLE)} {rng.choice(catalog.SURNAMES)}"
        email = f"billing{index + 1}@client{client_id}.example"
        address = (
            f"{rng.randint(1, 200)} {rng.choice(catalog.STREETS)}\n{rng.choice(catalog.CITIES)}"
        )
        snapshot = {
            "id": client_id,
            "name": name,
            "billing_address": address,
            **dict.fromkeys(ADDRESS_FIELDS, ""),
            "tax_id": f"TX{client_id:08d}",
            "contact_name": contact,
            "contact_email": email,
        }
        terms = rng.choice(catalog.PAYMENT_TERMS)
        clients.append(build.DemoClient(client_id, name, currency, terms, snapshot))
    return clients


def plan_invoices(
    count: int,
    clients: Sequence[build.DemoClient],
    counters: Counters,
    today: datetime.date,
    rng: random.Random,
) -> list[build.Plan]:
    """Dates over the last two years, in date order, numbered from the locked counters."""
    days = sorted(today - datetime.timedelta(days=rng.randrange(730)) for _ in range(count))
    counters.lock(period_key(counters.series.reset, day) for day in days)
    ids = reserve_ids("billing_invoice", count)
    plans = []
    for invoice_id, day in zip(ids, days, strict=True):
        number, sequence, _ = counters.take(day)
        plans.append(build.Plan(invoice_id, rng.choice(clients), day, sequence, number))
    return plans


def generate(
    clients: int,
    invoices: int,
    *,
    seed: int = 1,
    report: Report = print,
    today: datetime.date | None = None,
) -> Summary:
    """Add `clients` clients and `invoices` issued invoices (with payments and credit notes)."""
    started = time.monotonic()
    rng = random.Random(seed)  # noqa: S311 - demo data, not cryptography
    totals: dict[str, int] = defaultdict(int)
    with transaction.atomic():
        profile = ensure_business()
        ensure_tax_rates()
        today = today or business_today(profile)
        owner = User.objects.filter(is_owner=True).order_by("pk").first()
        context = rows.Context(
            owner_id=owner.pk if owner else None,
            owner_label=owner.email if owner else "system",
            tax_ids=tax_ids(),
            series_id=default_series(DocumentKind.INVOICE).pk,
            credit_series_id=default_series(DocumentKind.CREDIT_NOTE).pk,
        )
        people = make_clients(clients, rng, profile.base_currency)
        rows.write_clients(people, today, rng)
        report(f"{len(people)} clients written")
        invoice_numbers = Counters(NumberSeries.objects.get(pk=context.series_id))
        credit_numbers = Counters(NumberSeries.objects.get(pk=context.credit_series_id))
        credit_numbers.lock([])
        plans = plan_invoices(invoices, people, invoice_numbers, today, rng) if people else []
        business = {
            "base_currency": profile.base_currency,
            "terms": profile.default_payment_terms_days,
            "snapshot": business_snapshot(profile),
        }
        for chunk in build.chunks(plans, CHUNK):
            built = build_chunk(chunk, business, today, credit_numbers, profile, rng)
            for name, count in rows.write_invoices(built, context).items():
                totals[name] += count
            report(f"{totals['invoices']} of {len(plans)} invoices written")
        invoice_numbers.save()
        credit_numbers.save()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh statistics, as autovacuum would give a little later
    return Summary(
        clients=len(people),
        invoices=totals["invoices"],
        lines=totals["lines"],
        payments=totals["payments"],
        credit_notes=totals["credit_notes"],
        seconds=round(time.monotonic() - started, 1),
    )


def build_chunk(
    chunk: Sequence[build.Plan],
    business: dict[str, Any],
    today: datetime.date,
    credit_numbers: Counters,
    profile: BusinessProfile,
    rng: random.Random,
) -> list[build.DemoInvoice]:
    built = [build.build_invoice(plan, business, rng) for plan in chunk]
    line_ids = iter(reserve_ids("billing_invoiceline", sum(len(i.lines) for i in built)))
    for invoice in built:
        for line in invoice.lines:
            line.id = next(line_ids)
        invoice.snapshot = build.invoice_snapshot(invoice, business["snapshot"])
        build.credit_and_collect(invoice, today, credit_numbers.take, profile, rng)
    return built
