"""/api/v1/number-series: how documents are numbered (`INV-{YYYY}-{SEQ:4}`)."""

from __future__ import annotations

import datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from pydantic import StringConstraints

from invoicetron.api.fields import COMMON_ERRORS, Id, Input, error_responses
from invoicetron.api.pagination import Page, PageParams, paginate
from invoicetron.api.routers.common import acting_owner, delete_or_conflict, get_or_404, save
from invoicetron.billing.models import NumberSeries

router = Router(tags=["Number series"])
ERRORS = error_responses(*COMMON_ERRORS, 404)
Name = Annotated[str, StringConstraints(min_length=1, max_length=64)]
Pattern = Annotated[
    str,
    StringConstraints(min_length=1, max_length=64),
    Field(
        examples=["INV-{YYYY}-{SEQ:4}"],
        description="Tokens: {YYYY}, {YY}, {MM}, and exactly one {SEQ} or {SEQ:n} (padding); "
        "besides them letters, digits, spaces and - _ . / # ( ) + , only. Unique per kind; "
        "fixed once the series has issued numbers (create a new series instead).",
    ),
]
Kind = Literal["invoice", "credit_note", "quote"]
ResetPeriod = Literal["never", "yearly", "monthly"]


class SeriesIn(Input):
    name: Name = Field(examples=["Invoices"])
    kind: Kind
    pattern: Pattern
    reset: ResetPeriod = "yearly"
    is_default: bool = False


class SeriesPatch(Input):
    name: Name | None = None
    pattern: Pattern | None = None
    reset: ResetPeriod | None = None
    is_default: bool | None = None


class SeriesOut(Schema):
    id: int
    name: str
    kind: Kind
    pattern: str
    reset: ResetPeriod
    is_default: bool
    created_at: datetime.datetime


class SeriesFilters(PageParams):
    kind: Kind | None = None


def series_out(series: NumberSeries) -> SeriesOut:
    return SeriesOut(
        id=series.pk,
        name=series.name,
        kind=series.kind,  # type: ignore[arg-type]
        pattern=series.pattern,
        reset=series.reset,  # type: ignore[arg-type]
        is_default=series.is_default,
        created_at=series.created_at,
    )


@router.get("", response={200: Page[SeriesOut], **ERRORS})
def list_series(request: HttpRequest, filters: Query[SeriesFilters]) -> dict[str, Any]:
    found = NumberSeries.objects.all()
    if filters.kind is not None:
        found = found.filter(kind=filters.kind)
    return paginate(found, filters, series_out)


@router.post("", response={201: SeriesOut, **ERRORS})
def create_series(request: HttpRequest, payload: SeriesIn) -> Status:
    series = save(NumberSeries(), payload.model_dump(), by=acting_owner(request))
    return Status(201, series_out(series))


@router.get("/{id}", response={200: SeriesOut, **ERRORS})
def get_series(request: HttpRequest, id: Id) -> SeriesOut:
    return series_out(get_or_404(NumberSeries, id, "number series"))


@router.patch("/{id}", response={200: SeriesOut, **ERRORS})
def update_series(request: HttpRequest, id: Id, payload: SeriesPatch) -> SeriesOut:
    series = get_or_404(NumberSeries, id, "number series")
    values = payload.model_dump(exclude_unset=True, exclude_none=True)
    return series_out(save(series, values, by=acting_owner(request)))


@router.delete("/{id}", response={204: None, **error_responses(*COMMON_ERRORS, 404, 409)})
def delete_series(request: HttpRequest, id: Id) -> Status:
    """Delete a series without numbered documents; one with documents is refused (409)."""
    delete_or_conflict(get_or_404(NumberSeries, id, "number series"), by=acting_owner(request))
    return Status(204, None)
