"""One demo invoice, built in memory: lines, figures, snapshot, payments and credit notes.

Pure Python over `billing.money`, so that every stored figure is exactly what the services would
compute. The rows are then written by `demo.load` with COPY.
"""

from __future__ import annotations

import datetime
import functools
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace
from typing import Any, cast

from invoicetron.billing import locales, money
from invoicetron.billing.models import Invoice, InvoiceKind, InvoiceStatus
from invoicetron.billing.services import credit_notes as credit_service
from invoicetron.billing.services.settlement import settlement_status
from invoicetron.demo import catalog

QUANTITY, PRICE, RATE = Decimal("0.001"), Decimal("0.0001"), Decimal("0.001")
USUAL_BASKETS, USUAL_BASKET_SHARE = 3, 0.85  # what clients buy again and again
SNAPSHOT_VERSION = 1  # billing.services.issuing.SNAPSHOT_VERSION; the consistency test checks it


@dataclass(frozen=True)
class DemoClient:
    id: int
    name: str
    currency: str
    terms: int | None
    snapshot: dict[str, Any]


@dataclass(frozen=True)
class Plan:
    """What is decided for every invoice before any is built: who, when, which number."""

    id: int
    client: DemoClient
    issue_date: datetime.date
    sequence: int
    number: str


@dataclass
class DemoLine:
    id: int
    position: int
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    taxes: tuple[tuple[str, Decimal], ...]
    discount_value: Decimal = Decimal(0)  # percent

    def money_line(self, quantity: Decimal | None = None) -> money.Line:
        return money.Line(
            quantity=self.quantity if quantity is None else quantity,
            unit_price=self.unit_price,
            taxes=tuple(money.Tax(name, rate) for name, rate in self.taxes),
            discount=money.Discount(money.DiscountKind.PERCENT, self.discount_value),
        )

    def snapshot(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "position": self.position,
            "description": self.description,
            "quantity": str(self.quantity),
            "unit": self.unit,
            "unit_code": "",
            "unit_price": str(self.unit_price),
            "base_quantity": "1.000",
            "adjustments": [],
            "discount_type": "percent",
            "discount_value": str(self.discount_value),
            "taxes": [
                {
                    "name": name,
                    "rate": str(rate),
                    "category": "S",
                    "exemption_reason_code": "",
                    "exemption_reason": "",
                }
                for name, rate in self.taxes
            ],
        }


@dataclass
class DemoPayment:
    date: datetime.date
    amount: Decimal
    method: str
    reference: str
    balance_after: Decimal
    status_after: str
    id: int = 0  # given when written


@dataclass
class DemoCredit:
    date: datetime.date
    number: str
    sequence: int
    reason: str
    totals: money.Totals
    lines: list[tuple[DemoLine, Decimal, Decimal]]  # (invoice line, quantity, amount)
    snapshot: dict[str, Any]
    id: int = 0  # given when written


@dataclass
class DemoInvoice:
    plan: Plan
    currency: str
    exchange_rate: Decimal
    due_date: datetime.date
    prices_include_tax: bool
    discount_value: Decimal  # percent of the subtotal
    lines: list[DemoLine]
    totals: money.Totals
    snapshot: dict[str, Any] = field(default_factory=dict)
    sent_at: datetime.datetime | None = None
    payments: list[DemoPayment] = field(default_factory=list)
    credit: DemoCredit | None = None
    amount_paid: Decimal = Decimal(0)
    amount_credited: Decimal = Decimal(0)
    balance_due: Decimal = Decimal(0)
    status: str = InvoiceStatus.ISSUED


def moment(day: datetime.date, rng: random.Random) -> datetime.datetime:
    """A time during office hours on `day`, in UTC."""
    seconds = rng.randrange(8 * 3600, 18 * 3600)
    start = datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC)
    return start + datetime.timedelta(seconds=seconds)


def exchange_rate(currency: str, base: str, day: datetime.date) -> Decimal:
    """A rate that drifts a little from day to day, the same for every invoice of that day."""
    if currency == base:
        return Decimal(1)
    reference = catalog.CURRENCY_RATES[currency] / catalog.CURRENCY_RATES[base]
    day_random = random.Random(f"{currency}{day}")  # noqa: S311 - demo data, not cryptography
    wobble = Decimal(day_random.uniform(-0.03, 0.03)).quantize(PRICE)
    return (reference * (1 + wobble)).quantize(Decimal("0.000001")).normalize()


def basket_random(plan: Plan, rng: random.Random) -> random.Random:
    """Most invoices repeat one of the client's usual baskets (recurring work); some are new."""
    if rng.random() < USUAL_BASKET_SHARE:
        return random.Random(f"{plan.client.id}-{rng.randrange(USUAL_BASKETS)}")  # noqa: S311
    return rng


def random_lines(currency: str, rng: random.Random) -> list[DemoLine]:
    lines = []
    for position in range(1, rng.randint(2, 5) + 1):
        description, unit, price = rng.choice(catalog.ITEMS)
        if unit in ("hour", "word", "piece"):
            quantity = Decimal(rng.choice((1, 2, 4, 8, 12, 16, 40, 250, 1000))).quantize(QUANTITY)
        else:
            quantity = Decimal(rng.choice(("1", "1", "2", "3", "0.5", "1.25"))).quantize(QUANTITY)
        if currency == "JPY":
            price = (price * 150).quantize(Decimal(1))
        discount = Decimal(rng.choice((0, 0, 0, 0, 5, 10, 12.5))).quantize(PRICE)
        lines.append(
            DemoLine(
                id=0,  # given once the chunk's line count is known
                position=position,
                description=description,
                quantity=quantity,
                unit=unit,
                unit_price=price.quantize(PRICE),
                taxes=tuple(sorted((n, r.quantize(RATE)) for n, r in rng.choice(catalog.TAX_SETS))),
                discount_value=discount,
            )
        )
    return lines


@functools.lru_cache(maxsize=50_000)
def totals_of(
    lines: tuple[money.Line, ...], currency: str, include: bool, discount: money.Discount
) -> money.Totals:
    """money.compute_totals, remembered: repeated baskets cost one computation."""
    return money.compute_totals(lines, currency, prices_include_tax=include, discount=discount)


def build_invoice(plan: Plan, business: Mapping[str, Any], rng: random.Random) -> DemoInvoice:
    """The issued invoice's lines and figures (money.compute_totals); ids and snapshot follow."""
    currency = plan.client.currency
    basket = basket_random(plan, rng)
    lines = random_lines(currency, basket)
    include = random.Random(plan.client.id).random() < 0.15  # noqa: S311 - the client's habit
    discount = Decimal(basket.choice((0, 0, 0, 0, 0, 3, 5))).quantize(PRICE)
    totals = totals_of(
        tuple(line.money_line() for line in lines),
        currency,
        include,
        money.Discount(money.DiscountKind.PERCENT, discount),
    )
    terms = plan.client.terms if plan.client.terms is not None else business["terms"]
    return DemoInvoice(
        plan=plan,
        currency=currency,
        exchange_rate=exchange_rate(currency, business["base_currency"], plan.issue_date),
        due_date=plan.issue_date + datetime.timedelta(days=terms),
        prices_include_tax=include,
        discount_value=discount,
        lines=lines,
        totals=totals,
        balance_due=totals.total,
    )


def invoice_snapshot(invoice: DemoInvoice, business: Mapping[str, Any]) -> dict[str, Any]:
    """The same document `billing.services.issuing.build_snapshot` freezes at issue."""
    plan = invoice.plan
    # Demo clients have no language of their own: their documents speak the business's.
    speaks = locales.for_client(None, business.get("locale", ""))
    return {
        "version": SNAPSHOT_VERSION,
        "language": speaks.language,
        "locale": speaks.locale,
        "number": plan.number,
        "issue_date": plan.issue_date.isoformat(),
        "due_date": invoice.due_date.isoformat(),
        "currency": invoice.currency,
        "minor_unit": money.minor_unit(invoice.currency),
        "exchange_rate": str(invoice.exchange_rate),
        "prices_include_tax": invoice.prices_include_tax,
        "discount_type": "percent",
        "discount_value": str(invoice.discount_value),
        "notes": "",
        "terms": "",
        "buyer_reference": "",
        "order_reference": "",
        "adjustments": [],
        "kind": InvoiceKind.STANDARD,
        "business": dict(business),
        "client": plan.client.snapshot,
        "lines": [line.snapshot() for line in invoice.lines],
        "totals": money.totals_to_json(invoice.totals),
    }


def as_invoice(invoice: DemoInvoice) -> Invoice:
    """An unsaved stand-in carrying what the credit-note and settlement rules read."""
    return cast(
        Invoice,
        SimpleNamespace(
            snapshot=invoice.snapshot,
            number=invoice.plan.number,
            currency=invoice.currency,
            prices_include_tax=invoice.prices_include_tax,
            balance_due=invoice.balance_due,
            amount_paid=invoice.amount_paid,
            sent_at=invoice.sent_at,
        ),
    )


def credit(
    invoice: DemoInvoice,
    requested: Mapping[int, Decimal],
    numbering: tuple[str, int, datetime.date],
    reason: str,
    profile: Any,
) -> DemoCredit:
    """A credit note computed by the credit-note service's own rule (money rule 8)."""
    number, sequence, day = numbering
    stand_in = as_invoice(invoice)
    remaining = {line.id: line.quantity for line in invoice.lines}
    by_id = {line.id: line for line in invoice.lines}
    totals = credit_service.credit_figures(stand_in, remaining, requested)
    rows = {line.id: line.snapshot() for line in invoice.lines}
    snapshot = credit_service.credit_note_snapshot(
        stand_in, number, day, reason, requested, rows, totals, profile
    )
    lines = [
        (by_id[key], quantity, figures.amount)
        for (key, quantity), figures in zip(requested.items(), totals.lines, strict=True)
    ]
    return DemoCredit(day, number, sequence, reason, totals, lines, snapshot)


def settle(invoice: DemoInvoice) -> None:
    """Balance and status from the payments and the credit, as billing's settle() derives them."""
    invoice.amount_paid = sum((p.amount for p in invoice.payments), Decimal(0))
    invoice.amount_credited = invoice.credit.totals.total if invoice.credit else Decimal(0)
    invoice.balance_due = invoice.totals.total - invoice.amount_paid - invoice.amount_credited
    if invoice.totals.total > 0:
        invoice.status = settlement_status(as_invoice(invoice))
    else:
        invoice.status = InvoiceStatus.PAID


def pay(invoice: DemoInvoice, amount: Decimal, day: datetime.date, rng: random.Random) -> None:
    method = rng.choice(catalog.PAYMENT_METHODS)
    reference = f"{invoice.plan.number} / {rng.randrange(10**6, 10**7)}"
    invoice.payments.append(DemoPayment(day, amount, method, reference, Decimal(0), ""))
    settle(invoice)
    invoice.payments[-1].balance_after = invoice.balance_due
    invoice.payments[-1].status_after = invoice.status


def part_of(amount: Decimal, currency: str, rng: random.Random) -> Decimal:
    """A share of `amount` between 20 % and 80 %, in whole minor units (never 0, never all)."""
    share = money.round_to_minor_unit(amount * Decimal(rng.uniform(0.2, 0.8)), currency)
    return min(max(share, money.quantum(currency)), amount - money.quantum(currency))


def days_after(
    start: datetime.date, today: datetime.date, most: int, rng: random.Random
) -> datetime.date:
    return min(today, start + datetime.timedelta(days=rng.randint(0, most)))


def choose_credit(invoice: DemoInvoice, rng: random.Random) -> dict[int, Decimal] | None:
    """About 8 % of invoices are credited: half of them entirely, half one line in part."""
    roll = rng.random()
    if roll >= 0.08:
        return None
    if roll < 0.04:
        return {line.id: line.quantity for line in invoice.lines}
    line = rng.choice(invoice.lines)
    quantity = (line.quantity / 2).quantize(QUANTITY) or line.quantity
    return {line.id: quantity}


def collect(invoice: DemoInvoice, today: datetime.date, rng: random.Random) -> None:
    """Payments: most old invoices are paid (some in two parts), recent ones less often."""
    if invoice.balance_due <= 0:
        return
    mature = invoice.due_date < today - datetime.timedelta(days=30)
    roll = rng.random()
    paid_in_full, in_two, partial = (0.82, 0.15, 0.06) if mature else (0.35, 0.1, 0.15)
    issue = invoice.plan.issue_date
    if roll < paid_in_full + partial:
        first = days_after(issue, today, 45, rng)
        if roll < paid_in_full and rng.random() >= in_two:
            pay(invoice, invoice.balance_due, first, rng)
            return
        pay(invoice, part_of(invoice.balance_due, invoice.currency, rng), first, rng)
        if roll < paid_in_full:
            pay(invoice, invoice.balance_due, days_after(first, today, 30, rng), rng)


def credit_and_collect(
    invoice: DemoInvoice,
    today: datetime.date,
    take_credit_number: Any,
    profile: Any,
    rng: random.Random,
) -> None:
    """Optional credit note first (it never exceeds the balance then), then the payments."""
    invoice.sent_at = moment(invoice.plan.issue_date, rng) if rng.random() < 0.9 else None
    settle(invoice)
    requested = choose_credit(invoice, rng)
    if requested:
        day = days_after(invoice.plan.issue_date, today, 20, rng)
        reason = rng.choice(catalog.CREDIT_REASONS)
        invoice.credit = credit(invoice, requested, take_credit_number(day), reason, profile)
        settle(invoice)
    collect(invoice, today, rng)


def chunks(items: Sequence[Plan], size: int) -> list[Sequence[Plan]]:
    return [items[start : start + size] for start in range(0, len(items), size)]
