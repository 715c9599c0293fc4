"""Deposit (advance payment) invoices and the final invoices that deduct them (money rule 13).

- `create_deposit_invoice(source, *, by, percent=None, amount=None) -> Invoice` — a draft
  deposit invoice (kind "deposit") asking for `percent` of the source's total or `amount` of it,
  one line per tax set of the source, split in proportion (`money.deposit_amounts`). Refused above
  what the source still leaves after its other deposits. Quotes call it with their `DepositSource`.
- `deposit_for_draft(draft, *, by, percent=None, amount=None) -> Invoice` — "Deposit invoice for
  this order": a deposit of an invoice draft (the order), linked to it, so that the draft, issued
  later, is the final invoice deducting it.
- `deduct_deposits(final, deposits, *, by)` — link issued deposit invoices of the same client and
  currency to a final invoice draft; `deduct_order_deposits(final, *, by)` links those naming the
  draft's order reference (BT-13). A deposit is deducted once (a one-to-one row). The final
  invoice is issued only once each deposit it deducts is paid (`deduction_refusal`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from invoicetron.accounts.models import User
from invoicetron.billing import money
from invoicetron.billing.adjustments import document_adjustments
from invoicetron.billing.language import shown_amount
from invoicetron.billing.lines import LineData, document_lines, money_line
from invoicetron.billing.models import (
    AuditAction,
    DepositDeduction,
    Invoice,
    InvoiceKind,
    TaxRate,
)
from invoicetron.billing.services.audit import record
from invoicetron.billing.services.deducting import deductions_of
from invoicetron.billing.services.drafts import (
    create_draft,
    document_discount,
    refresh_figures,
)
from invoicetron.billing.validation import checked_amount, checked_number


@dataclass(frozen=True)
class DepositSource:
    """What a deposit is asked of: a quote or an order's invoice draft, as its lines and terms."""

    client: object
    currency: str
    lines: Sequence[LineData]
    label: str  # "quote Q-0001", "order PO-7": the deposit line says what it is a part of
    prices_include_tax: bool = False
    discount: money.Discount = money.NO_DISCOUNT
    adjustments: Sequence[money.Adjustment] = ()
    asked_before: Decimal = money.ZERO  # Σ totals of the source's earlier deposits
    order_reference: str = ""
    buyer_reference: str | None = None
    notes: str = ""
    terms: str = ""


def _checked_share(
    percent: Decimal | str | None, amount: Decimal | str | None, currency: str
) -> tuple[Decimal | None, Decimal | None]:
    if (percent in (None, "")) == (amount in (None, "")):
        raise ValidationError({"percent": _("Give either a percent or an amount.")})
    if percent not in (None, ""):
        value = checked_number(percent, "percent", places=4, label=_("Percent"))
        if not 0 < value <= 100:
            raise ValidationError({"percent": _("The percent must be above 0 and at most 100.")})
        return value, None
    value = checked_amount(amount, "amount", currency)
    if value <= 0:
        raise ValidationError({"amount": _("The amount must be above zero.")})
    return None, value


@transaction.atomic
def create_deposit_invoice(
    source: DepositSource,
    *,
    by: User | None,
    percent: Decimal | str | None = None,
    amount: Decimal | str | None = None,
) -> Invoice:
    """A draft deposit invoice for part of `source` (see the module docstring)."""
    percent_value, amount_value = _checked_share(percent, amount, source.currency)
    money_lines = [money_line(line) for line in source.lines]
    whole = money.compute_totals(
        money_lines,
        source.currency,
        prices_include_tax=source.prices_include_tax,
        discount=source.discount,
        adjustments=source.adjustments,
    )
    left = whole.total - source.asked_before
    if amount_value is not None and amount_value > left:
        raise ValidationError(
            {
                "amount": _("The deposit is above what %(source)s leaves to ask: at most %(left)s.")
                % {"source": source.label, "left": shown_amount(left, source.currency)}
            }
        )
    try:
        shares = money.deposit_amounts(
            money_lines,
            source.currency,
            percent=percent_value,
            amount=amount_value,
            prices_include_tax=source.prices_include_tax,
            discount=source.discount,
            adjustments=source.adjustments,
        )
    except money.MoneyError as error:
        raise ValidationError({"amount": str(error)}) from error
    rates = _tax_rates_by_set(source.lines)
    lines = [_deposit_line(source, rates[key], share, percent_value) for key, share in shares]
    deposit = create_draft(
        client=source.client,  # type: ignore[arg-type]
        by=by,
        lines=lines,
        currency=source.currency,
        prices_include_tax=source.prices_include_tax,
        order_reference=source.order_reference,
        buyer_reference=source.buyer_reference,
        notes=source.notes,
        terms=source.terms,
        kind=InvoiceKind.DEPOSIT,
    )
    if deposit.total > left:
        raise ValidationError(
            {
                "percent": _(
                    "The deposit (%(deposit)s) is above what %(source)s leaves to ask: "
                    "at most %(left)s."
                )
                % {
                    "deposit": shown_amount(deposit.total, source.currency),
                    "source": source.label,
                    "left": shown_amount(left, source.currency),
                }
            }
        )
    return deposit


def _tax_rates_by_set(
    lines: Iterable[LineData],
) -> dict[tuple[money.Tax, ...], tuple[TaxRate, ...]]:
    """Each money tax set of `lines` with the tax rates (records) that make it."""
    rates: dict[tuple[money.Tax, ...], tuple[TaxRate, ...]] = {}
    for line in lines:
        key = money.tax_set(money_line(line).taxes)
        rates.setdefault(key, tuple(line.taxes))
    return rates


def _deposit_line(
    source: DepositSource, taxes: Sequence[TaxRate], amount: Decimal, percent: Decimal | None
) -> LineData:
    rates = ", ".join(f"{tax.name} {tax.rate.normalize():f} %" for tax in taxes)
    if percent is not None:
        text = _("Deposit of %(percent)s %% of %(source)s") % {
            "percent": f"{percent.normalize():f}",
            "source": source.label,
        }
    else:
        text = _("Deposit on %(source)s") % {"source": source.label}
    return LineData(
        description=f"{text} ({rates})" if rates else text,
        quantity=Decimal(1),
        unit_price=amount,
        taxes=tuple(taxes),
    )


def deposits_asked(final: Invoice) -> Decimal:
    """Σ totals of the deposits linked to a final invoice draft."""
    return final.deductions.aggregate(total=Sum("deposit__total"))["total"] or money.ZERO


@transaction.atomic
def deposit_for_draft(
    draft: Invoice,
    *,
    by: User | None,
    percent: Decimal | str | None = None,
    amount: Decimal | str | None = None,
) -> Invoice:
    """A deposit invoice for the order `draft` is (its lines, discount and allowances), linked
    to it: issued later, the draft is the final invoice that deducts it."""
    locked = Invoice.objects.select_for_update().select_related("client").get(pk=draft.pk)
    _check_final(locked)
    lines = document_lines(locked)
    reference = locked.order_reference
    label = _("order %(reference)s") % {"reference": reference} if reference else _("this order")
    deposit = create_deposit_invoice(
        DepositSource(
            client=locked.client,
            currency=locked.currency,
            lines=lines,
            label=str(label),
            prices_include_tax=locked.prices_include_tax,
            discount=document_discount(locked),
            adjustments=document_adjustments(
                locked.adjustments or [], [money_line(line) for line in lines]
            ),
            asked_before=deposits_asked(locked),
            order_reference=reference,
            buyer_reference=locked.buyer_reference,
            terms=locked.terms,
        ),
        by=by,
        percent=percent,
        amount=amount,
    )
    _link(locked, [deposit], by=by)
    return deposit


def _check_final(final: Invoice) -> None:
    if not final.is_draft:
        raise ValidationError(_("Only a draft can become a final invoice deducting deposits."))
    if final.is_deposit:
        raise ValidationError(_("A deposit invoice does not deduct other deposits."))


def deposit_refusal(final: Invoice, deposit: Invoice) -> str | None:
    """Why `deposit` cannot be linked to `final`; None when it can."""
    if not deposit.is_deposit:
        return _("Invoice %(number)s is not a deposit invoice.") % {"number": deposit}
    if deposit.client_id != final.client_id:
        return _("Deposit invoice %(number)s is for another client.") % {"number": deposit}
    if deposit.currency != final.currency:
        return _("Deposit invoice %(number)s is in another currency (%(currency)s).") % {
            "number": deposit,
            "currency": deposit.currency,
        }
    if DepositDeduction.objects.filter(deposit=deposit).exclude(final=final).exists():
        return _("Deposit invoice %(number)s is already deducted on another invoice.") % {
            "number": deposit
        }
    return None


@transaction.atomic
def deduct_deposits(final: Invoice, deposits: Sequence[Invoice], *, by: User | None) -> Invoice:
    """Link `deposits` to the final invoice draft `final`; ValidationError (key "deposits") when
    one cannot be (another client or currency, deducted elsewhere, not a deposit)."""
    locked = Invoice.objects.select_for_update().get(pk=final.pk)
    _check_final(locked)
    _link(locked, deposits, by=by)
    return locked


def _link(final: Invoice, deposits: Sequence[Invoice], *, by: User | None) -> None:
    known = {link.deposit_id for link in deductions_of(final)}
    position = len(known)
    for deposit in (
        Invoice.objects.select_for_update()
        .filter(pk__in=[d.pk for d in deposits])
        .order_by("issue_date", "id")
    ):
        refusal = deposit_refusal(final, deposit)
        if refusal:
            raise ValidationError({"deposits": refusal})
        if deposit.pk in known:
            continue
        position += 1
        DepositDeduction.objects.create(final=final, deposit=deposit, position=position)
        record(
            AuditAction.CHANGE,
            final,
            by=by,
            new={"deducts_deposit": deposit.pk},
            invoice_id=final.pk,
        )
    refresh_figures(final)


@transaction.atomic
def deduct_order_deposits(final: Invoice, *, by: User | None) -> list[Invoice]:
    """Link the issued deposit invoices of `final`'s client and currency that name its order
    reference and are not deducted yet; the deposits linked."""
    if not final.order_reference:
        raise ValidationError(
            {"order_reference": _("Enter the order reference the deposit invoices name.")}
        )
    found = list(
        Invoice.objects.filter(
            kind=InvoiceKind.DEPOSIT,
            client_id=final.client_id,
            currency=final.currency,
            order_reference=final.order_reference,
            deducted_on__isnull=True,
        )
        .exclude(number="")
        .exclude(pk=final.pk)
    )
    deduct_deposits(final, found, by=by)
    return found
