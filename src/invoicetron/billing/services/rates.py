"""The exchange-rate table: saving, deleting, importing, and the default rate of a document.

- `table_rate(currency, day, base=None) -> ExchangeRate | None` — the rate on `day`, else the
  latest before it, recorded against `base` (the business's base currency by default).
- `save_rate(rate, *, by) -> ExchangeRate` — validates (ISO currency, not the base currency,
  above zero, 10 decimals), records it against the business's base currency, audits it; a rate
  saved by hand is `manual` (an import never overwrites it).
- `delete_rate(rate, *, by)` — audited. Issued invoices keep the rate they were issued with.
- `rates_matching(base, *, currency="", source="", date_from=None, date_to=None)` — the table's
  rates against `base`, newest first; `rates_csv(rates)` — them as CSV lines, read in chunks.
- `import_rates(data, *, by, filename="") -> RateImport` — a file of daily reference rates in the
  ECB's layout (see billing/rate_files.py), converted to the table's convention for the
  business's base currency. All or nothing: a file with any bad row raises `RateFileRefused`
  (a ValidationError keyed `file`, one message per problem) and writes nothing. Importing the
  same file again changes nothing; a later file updates the imported rates it covers; rates
  entered by hand are kept.
"""

from __future__ import annotations

import csv
import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from invoicetron.accounts.models import User
from invoicetron.billing.models import AuditAction, AuditEvent, BusinessProfile, ExchangeRate
from invoicetron.billing.models.rates import RateSource
from invoicetron.billing.money import RATE_PLACES
from invoicetron.billing.rate_files import derived_rates, read_reference_file
from invoicetron.billing.services.audit import field_values, json_value, record
from invoicetron.billing.services.records import save_record
from invoicetron.billing.validation import checked_number

BATCH = 2000
CSV_COLUMNS = ("currency", "base_currency", "date", "rate", "source")
SKIPPED = ("created_at", "updated_at")  # as save_record audits a record


def table_rate(currency: str, day: datetime.date, base: str | None = None) -> ExchangeRate | None:
    base = base or BusinessProfile.load().base_currency
    if currency == base:
        return None
    return ExchangeRate.objects.on_or_before(currency, day, base)


def rates_matching(
    base: str,
    *,
    currency: str = "",
    source: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[ExchangeRate]:
    rates = ExchangeRate.objects.for_base(base)
    if currency:
        rates = rates.filter(currency=currency)
    if source:
        rates = rates.filter(source=source)
    if date_from:
        rates = rates.filter(date__gte=date_from)
    if date_to:
        rates = rates.filter(date__lte=date_to)
    return rates.order_by("-date", "currency", "id")


class _Echo:
    """A file that hands back what is written: csv.writer's lines, one at a time."""

    def write(self, value: str) -> str:
        return value


def rates_csv(rates: QuerySet[ExchangeRate]) -> Iterator[str]:
    """The rates as CSV lines (header first), read 2,000 rows at a time: a long history never
    sits in memory whole. Codes, dates and numbers only, so no cell can start a formula."""
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    for currency, base, day, rate, source in rates.values_list(*CSV_COLUMNS).iterator(BATCH):
        yield writer.writerow(
            [currency, base, day.isoformat(), format(rate.normalize(), "f"), source]
        )


@transaction.atomic
def save_rate(rate: ExchangeRate, *, by: User | None) -> ExchangeRate:
    if rate.pk is None:
        rate.base_currency = BusinessProfile.load().base_currency
    rate.source = RateSource.MANUAL
    rate.rate = checked_number(rate.rate, "rate", places=RATE_PLACES, minimum=None)
    # The model's own checks and the clash below first, in words: save_record's full_clean
    # would also name the violated constraints.
    rate.full_clean(validate_unique=False, validate_constraints=False)
    clash = ExchangeRate.objects.filter(
        base_currency=rate.base_currency, currency=rate.currency, date=rate.date
    ).exclude(pk=rate.pk)
    if clash.exists():
        raise ValidationError(
            {
                "date": _(
                    "There is already a %(currency)s rate on %(date)s: change that one instead."
                )
                % {"currency": rate.currency, "date": rate.date}
            }
        )
    return save_record(rate, by=by)


@transaction.atomic
def delete_rate(rate: ExchangeRate, *, by: User | None) -> None:
    record(AuditAction.DELETE, rate, by=by, old=field_values(rate, skip=SKIPPED))
    rate.delete()


@dataclass
class RateImport:
    """What an import did; `dates` is the first and last day of the file."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept_manual: int = 0
    currencies: list[str] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    days_without_base: int = 0
    first_day: datetime.date | None = None
    last_day: datetime.date | None = None

    def as_json(self) -> dict[str, object]:
        return {key: json_value(value) for key, value in self.__dict__.items()}


@transaction.atomic
def import_rates(data: bytes, *, by: User | None, filename: str = "") -> RateImport:
    quotes = read_reference_file(data)
    # The profile row is locked: two imports at once run one after the other.
    profile = BusinessProfile.objects.select_for_update().get(pk=BusinessProfile.load().pk)
    base = profile.base_currency
    derived = derived_rates(quotes, base)
    days = sorted(quotes.days)
    result = RateImport(
        currencies=sorted({currency for currency, _day, _rate in derived.rates}),
        unknown_columns=quotes.unknown_columns,
        days_without_base=len(derived.days_without_base),
        first_day=days[0],
        last_day=days[-1],
    )
    counts = _write_rates(derived.rates, base)
    result.created, result.updated, result.kept_manual = counts
    result.unchanged = len(derived.rates) - sum(counts)
    _record_import(result, by=by, filename=filename, base=base)
    return result


# The ECB's history is some 200,000 rates: COPY them into a temporary table and upsert in one
# statement (the ORM's bulk_create took ten times as long, too long for a page's request). A rate
# entered by hand is never overwritten (the WHERE of DO UPDATE); an unchanged one is not touched.
STAGE = """
CREATE TEMPORARY TABLE billing_rate_import (currency text, date date, rate numeric(20, 10))
ON COMMIT DROP
"""
UPSERT = """
WITH written AS (
    INSERT INTO billing_exchangerate
        (currency, base_currency, date, rate, source, created_at, updated_at)
    SELECT currency, %(base)s, date, rate, %(imported)s, now(), now() FROM billing_rate_import
    ON CONFLICT (base_currency, currency, date) DO UPDATE
        SET rate = EXCLUDED.rate, updated_at = now()
        WHERE billing_exchangerate.source = %(imported)s
          AND billing_exchangerate.rate <> EXCLUDED.rate
    RETURNING xmax = 0 AS inserted
)
SELECT
    (SELECT count(*) FROM written WHERE inserted),
    (SELECT count(*) FROM written WHERE NOT inserted),
    (SELECT count(*) FROM billing_rate_import AS i JOIN billing_exchangerate AS r
        ON r.base_currency = %(base)s AND r.currency = i.currency AND r.date = i.date
        WHERE r.source = %(manual)s)
"""


def _write_rates(
    rates: list[tuple[str, datetime.date, Decimal]], base: str
) -> tuple[int, int, int]:
    """(created, updated, kept because entered by hand)."""
    with connection.cursor() as cursor:
        cursor.execute(STAGE)
        with cursor.copy("COPY billing_rate_import (currency, date, rate) FROM STDIN") as stream:
            for start in range(0, len(rates), BATCH):
                rows = rates[start : start + BATCH]
                stream.write("".join(f"{c}\t{d.isoformat()}\t{r}\n" for c, d, r in rows))
        cursor.execute(
            UPSERT,
            {"base": base, "imported": RateSource.IMPORT, "manual": RateSource.MANUAL},
        )
        created, updated, kept = cursor.fetchone()
        cursor.execute("DROP TABLE billing_rate_import")  # ON COMMIT would be late in a test's
    return int(created), int(updated), int(kept)


def _record_import(result: RateImport, *, by: User | None, filename: str, base: str) -> None:
    """One audit event for the whole file: a rate-by-rate trail of an import of 25 years of
    history would be hundreds of thousands of events saying the same thing."""
    AuditEvent.objects.create(
        actor=by,
        actor_label=by.email if by is not None else "system",
        action=AuditAction.CREATE,
        object_type=ExchangeRate._meta.label_lower,
        object_id="import",
        object_repr=f"Exchange rates imported from {filename or 'a file'}"[:200],
        new_values={"base_currency": base, **result.as_json()},
    )
