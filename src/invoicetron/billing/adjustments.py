"""Allowances and charges as people enter them, on a line or on a document: checked, converted.

An entry (stored as JSON on InvoiceLine/QuoteLine.adjustments and Invoice.adjustments) is
    {"charge": false, "reason": "Loyalty", "reason_code": "95", "kind": "percent", "value": "5"}
and, on a document, also "tax_rate": the id of one tax rate of its lines (the allowance or charge
belongs to that VAT category and rate, EN 16931 BT-95/BT-102), or null (spread over every rate
in proportion, like the document discount).

- `checked_line_adjustments(entries, currency)` and
  `checked_document_adjustments(entries, currency, line_taxes)` — the entries normalised (value
  as a string, codes upper case), or ValidationError keyed `adjustments-N-field` (a line's are
  then prefixed `lines-M-`).
- `money_adjustment(entry, taxes=None)` — one entry as `money.Adjustment`;
  `document_adjustments(entries, lines)` — a document's checked entries for `money`, each naming
  a tax rate in the tax set of the `money.Line`s carrying it.
The money engine computes them (rules 10 and 11 in billing/money); nothing here adds money up.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from invoicetron.billing import money
from invoicetron.billing.einvoice_codes import ALLOWANCE_REASON_CODES, CHARGE_REASON_CODES
from invoicetron.billing.models import TaxRate
from invoicetron.billing.validation import checked_amount, checked_number, merge, plain_id

# More would be a data-entry mistake; EN 16931 sets no limit.
MAX_ADJUSTMENTS = 20
MAX_REASON = 200
LINE_KEYS = frozenset({"charge", "reason", "reason_code", "kind", "value"})
DOCUMENT_KEYS = LINE_KEYS | {"tax_rate"}
KINDS = tuple(kind.value for kind in money.DiscountKind)


def checked_line_adjustments(entries: Any, currency: str) -> list[dict[str, Any]]:
    """A line's allowances and charges (BG-27/BG-28), normalised, or ValidationError."""
    return _checked(entries, currency, LINE_KEYS, line_taxes=None)


def checked_document_adjustments(
    entries: Any, currency: str, line_taxes: Sequence[Sequence[TaxRate]]
) -> list[dict[str, Any]]:
    """A document's allowances and charges (BG-20/BG-21), normalised, or ValidationError.

    `line_taxes`: the tax rates of each of the document's lines. An entry's `tax_rate` must be
    one of them, carried by its lines with the same other taxes (one tax set, rule 11)."""
    return _checked(entries, currency, DOCUMENT_KEYS, line_taxes=line_taxes)


def money_adjustment(
    entry: Mapping[str, Any], taxes: tuple[money.Tax, ...] | None = None
) -> money.Adjustment:
    """A checked entry as the money engine takes it; `taxes`: a document entry's tax set."""
    return money.Adjustment(
        charge=bool(entry.get("charge")),
        kind=money.DiscountKind(entry.get("kind", money.DiscountKind.AMOUNT)),
        value=Decimal(str(entry.get("value", "0"))),
        taxes=taxes,
    )


def document_adjustments(
    entries: Sequence[Mapping[str, Any]], lines: Sequence[money.Line]
) -> tuple[money.Adjustment, ...]:
    """A document's checked allowances and charges for `money`: one naming a tax rate belongs to
    the tax set of the lines carrying it (checked on entry), the others are spread."""
    ids = {entry["tax_rate"] for entry in entries if entry.get("tax_rate")}
    rates = TaxRate.objects.in_bulk(ids) if ids else {}
    result = []
    for entry in entries:
        rate = rates.get(entry.get("tax_rate") or 0)
        taxes = None
        if rate is not None:
            tax = money.Tax(rate.name, rate.rate)
            sets = (money.tax_set(line.taxes) for line in lines if tax in line.taxes)
            taxes = next(sets, (tax,))
        result.append(money_adjustment(entry, taxes))
    return tuple(result)


def _checked(
    entries: Any,
    currency: str,
    keys: frozenset[str],
    line_taxes: Sequence[Sequence[TaxRate]] | None,
) -> list[dict[str, Any]]:
    if entries in (None, ""):
        return []
    if not isinstance(entries, list | tuple):
        raise ValidationError({"adjustments": _("Give the allowances and charges as a list.")})
    if len(entries) > MAX_ADJUSTMENTS:
        raise ValidationError(
            {
                "adjustments": _("At most %(count)s allowances and charges are allowed.")
                % {"count": MAX_ADJUSTMENTS}
            }
        )
    cleaned, errors = [], []
    for index, entry in enumerate(entries):
        try:
            cleaned.append(_entry(entry, currency, keys, line_taxes))
        except ValidationError as error:
            errors.append(_indexed(error, index))
    if errors:
        raise merge(errors)
    return cleaned


def _indexed(error: ValidationError, index: int) -> ValidationError:
    return ValidationError(
        {f"adjustments-{index}-{key}": value for key, value in error.update_error_dict({}).items()}
    )


def _entry(
    entry: Any,
    currency: str,
    keys: frozenset[str],
    line_taxes: Sequence[Sequence[TaxRate]] | None,
) -> dict[str, Any]:
    if not isinstance(entry, Mapping):
        raise ValidationError(
            {"__all__": _("Give each allowance or charge as an object with kind and value.")}
        )
    unknown = sorted(set(entry) - keys)
    if unknown:
        raise ValidationError(
            {"__all__": _("Unknown fields: %(names)s.") % {"names": ", ".join(map(str, unknown))}}
        )
    errors: list[ValidationError] = []
    charge = entry.get("charge", False)
    if not isinstance(charge, bool):
        errors.append(
            ValidationError({"charge": _("Say true (a charge) or false (an allowance).")})
        )
        charge = False
    what = "charge" if charge else "allowance"
    kind = entry.get("kind", money.DiscountKind.AMOUNT)
    value: Decimal | None = None
    if kind not in KINDS:
        errors.append(ValidationError({"kind": _("Choose percent or amount.")}))
    else:
        try:
            value = _value(kind, entry.get("value"), currency, what)
        except ValidationError as error:
            errors.append(error)
    reason, reason_code = _text(entry, "reason", errors), _text(entry, "reason_code", errors)
    reason_code = reason_code.upper()
    codes = CHARGE_REASON_CODES if charge else ALLOWANCE_REASON_CODES
    if reason_code and reason_code not in codes:
        message = (
            _(
                "“%(code)s” is not a charge reason code of UNCL 7161 (e.g. FC freight, "
                "ABL packaging)."
            )
            if charge
            else _(
                "“%(code)s” is not an allowance reason code of UNCL 5189 (e.g. 95 discount, "
                "100 special rebate)."
            )
        )
        errors.append(ValidationError({"reason_code": message % {"code": reason_code}}))
    if not reason and not reason_code:
        # EN 16931 BR-33/BR-38 (document) and BR-41/BR-42 (line): a reason, as text or code.
        message = (
            _("Say why: give the charge a reason or a code.")
            if charge
            else _("Say why: give the allowance a reason or a code.")
        )
        errors.append(ValidationError({"reason": message}))
    result: dict[str, Any] = {
        "charge": charge,
        "reason": reason,
        "reason_code": reason_code,
        "kind": kind,
        "value": str(value) if value is not None else "",
    }
    if line_taxes is not None:
        try:
            result["tax_rate"] = _tax_rate(entry.get("tax_rate"), line_taxes)
        except ValidationError as error:
            errors.append(error)
    if errors:
        raise merge(errors)
    return result


def _value(kind: str, value: Any, currency: str, what: str) -> Decimal:
    charge = what == "charge"
    if value in (None, ""):
        raise ValidationError(
            {
                "value": _("Enter the charge's amount or percent.")
                if charge
                else _("Enter the allowance's amount or percent.")
            }
        )
    if kind == money.DiscountKind.AMOUNT:
        label = _("Charge") if charge else _("Allowance")
        number = checked_amount(value, "value", currency, label=label)
    else:
        label = _("The charge percent") if charge else _("The allowance percent")
        number = checked_number(value, "value", places=4, label=label)
        if number > 100:
            raise ValidationError(
                {
                    "value": _("A charge percent cannot exceed 100.")
                    if charge
                    else _("An allowance percent cannot exceed 100.")
                }
            )
    if number == 0:
        raise ValidationError(
            {
                "value": _("A charge of 0 changes nothing: remove it.")
                if charge
                else _("An allowance of 0 changes nothing: remove it.")
            }
        )
    return number


def _text(entry: Mapping[str, Any], key: str, errors: list[ValidationError]) -> str:
    value = entry.get(key, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        errors.append(ValidationError({key: _("Enter text.")}))
        return ""
    value = value.strip()
    if len(value) > MAX_REASON:
        errors.append(
            ValidationError({key: _("At most %(count)s characters.") % {"count": MAX_REASON}})
        )
    if "\x00" in value:
        errors.append(ValidationError({key: _("Remove the NUL character: text cannot hold it.")}))
    return value


def _tax_rate(value: Any, line_taxes: Sequence[Sequence[TaxRate]]) -> int | None:
    if value in (None, ""):
        return None
    pk = plain_id(value)
    if pk is None:
        raise ValidationError({"tax_rate": _("Give a tax rate id, or nothing to spread it.")})
    sets = {
        frozenset(tax.pk for tax in taxes) for taxes in line_taxes if pk in {t.pk for t in taxes}
    }
    if not sets:
        known = TaxRate.objects.filter(pk=pk).first()
        name = (
            _("%(rate)s (tax rate %(id)s)") % {"rate": known, "id": pk}
            if known
            else _("the tax rate with id %(id)s") % {"id": pk}
        )
        raise ValidationError(
            {
                "tax_rate": _(
                    "No line carries %(name)s: choose a rate the invoice's lines use, "
                    "or none to spread it over every rate."
                )
                % {"name": name}
            }
        )
    if len(sets) > 1:
        raise ValidationError(
            {
                "tax_rate": _(
                    "The lines carry the tax rate with id %(id)s with different other "
                    "taxes, so it names no single tax set: spread it over every rate instead."
                )
                % {"id": pk}
            }
        )
    return pk
