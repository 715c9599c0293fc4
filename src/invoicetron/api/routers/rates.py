"""/api/v1/exchange-rates: the rate table a foreign-currency invoice's rate defaults to.

A rate is how many units of the base currency one unit of `currency` is worth, on `date`. An
invoice issued without `exchange_rate` takes the table's rate on its issue date, else the latest
before it. `POST /import` takes the ECB's reference-rate file (multipart, field `file`).
"""

from __future__ import annotations

import datetime
from dataclasses import asdict
from typing import Any, Literal

from django.http import HttpRequest, StreamingHttpResponse
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from invoicetron.api.errors import ApiError
from invoicetron.api.fields import (
    COMMON_ERRORS,
    CurrencyCode,
    Date,
    DecimalString,
    Id,
    Input,
    error_responses,
    plain,
)
from invoicetron.api.pagination import Page, PageParams, paginate
from invoicetron.api.routers.common import acting_owner, get_or_404
from invoicetron.billing import services
from invoicetron.billing.models import BusinessProfile, ExchangeRate
from invoicetron.billing.rate_files import MAX_FILE_BYTES, too_large
from invoicetron.web.downloads import content_disposition

router = Router(tags=["Exchange rates"])
ERRORS = error_responses(*COMMON_ERRORS, 404)
Source = Literal["manual", "import"]


class RateIn(Input):
    currency: CurrencyCode = Field(examples=["USD"])
    date: Date
    rate: DecimalString = Field(
        examples=["0.92"], description="Base-currency units one unit of `currency` is worth."
    )


class RateOut(Schema):
    id: int
    currency: str
    base_currency: str
    date: datetime.date
    rate: str
    source: Source
    updated_at: datetime.datetime


class RateFilters(PageParams):
    currency: CurrencyCode | None = None
    source: Source | None = None
    date_from: Date | None = Field(None, description="Rates on or after this date.")
    date_to: Date | None = Field(None, description="Rates on or before this date.")


class ExportFilters(Input):
    currency: CurrencyCode | None = None
    source: Source | None = None
    date_from: Date | None = None
    date_to: Date | None = None


class ImportOut(Schema):
    created: int
    updated: int
    unchanged: int
    kept_manual: int = Field(description="Rates entered by hand on the file's days: kept.")
    currencies: list[str]
    unknown_columns: list[str] = Field(description="Columns left out: codes no longer in use.")
    days_without_base: int
    first_day: datetime.date
    last_day: datetime.date


def rate_out(rate: ExchangeRate) -> RateOut:
    return RateOut(
        id=rate.pk,
        currency=rate.currency,
        base_currency=rate.base_currency,
        date=rate.date,
        rate=plain(rate.rate) or "0",
        source=rate.source,  # type: ignore[arg-type]
        updated_at=rate.updated_at,
    )


def _filters(filters: ExportFilters | RateFilters) -> dict[str, Any]:
    return {
        "currency": filters.currency or "",
        "source": filters.source or "",
        "date_from": filters.date_from,
        "date_to": filters.date_to,
    }


@router.get("", response={200: Page[RateOut], **ERRORS})
def list_rates(request: HttpRequest, filters: Query[RateFilters]) -> dict[str, Any]:
    """The rates against the business's current base currency."""
    base = BusinessProfile.load().base_currency
    return paginate(services.rates_matching(base, **_filters(filters)), filters, rate_out)


CSV_FILE = {
    "responses": {
        200: {
            "description": "The rates as CSV: currency, base_currency, date, rate, source.",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        }
    }
}


@router.get("/export.csv", response=ERRORS, openapi_extra=CSV_FILE)
def export_rates(request: HttpRequest, filters: Query[ExportFilters]) -> StreamingHttpResponse:
    """The rates as CSV: currency, base_currency, date, rate, source."""
    base = BusinessProfile.load().base_currency
    rates = services.rates_matching(base, **_filters(filters))
    response = StreamingHttpResponse(
        services.rates_csv(rates), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = content_disposition("exchange-rates.csv")
    return response


@router.post("", response={201: RateOut, **ERRORS})
def create_rate(request: HttpRequest, payload: RateIn) -> Status:
    rate = ExchangeRate(currency=payload.currency, date=payload.date, rate=payload.rate)
    saved = services.save_rate(rate, by=acting_owner(request))
    return Status(201, rate_out(saved))


# Before /{id}, whose path would take "import" for an id (and answer 405).
@router.post("/import", response={200: ImportOut, **error_responses(*COMMON_ERRORS, 413)})
def import_rates(request: HttpRequest, file: File[UploadedFile]) -> ImportOut:
    """Import the ECB's eurofxref.csv or eurofxref-hist.csv (or its ZIP), at most 5 MB: all or
    nothing (a 422 lists each bad row), again without changing anything."""
    owner = acting_owner(request)
    data = bytes(file.read(MAX_FILE_BYTES + 1))
    if len(data) > MAX_FILE_BYTES:
        raise ApiError(413, too_large(), code="payload_too_large")
    result = services.import_rates(data, by=owner, filename=str(file.name or ""))
    return ImportOut(**asdict(result))


@router.get("/{id}", response={200: RateOut, **ERRORS})
def get_rate(request: HttpRequest, id: Id) -> RateOut:
    return rate_out(get_or_404(ExchangeRate, id, "exchange rate"))


@router.delete("/{id}", response={204: None, **ERRORS})
def delete_rate(request: HttpRequest, id: Id) -> Status:
    """Issued invoices keep the rate they were issued with."""
    services.delete_rate(get_or_404(ExchangeRate, id, "exchange rate"), by=acting_owner(request))
    return Status(204, None)
