"""Helpers every resource router uses: the acting user, lookups, saving simple records."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from invoicetron.accounts.models import User
from invoicetron.api.auth import caller
from invoicetron.api.errors import ApiError
from invoicetron.billing import services
from invoicetron.billing.models import TaxRate
from invoicetron.web.permissions import can_manage_business

M = TypeVar("M", bound=Model)


def acting_user(request: HttpRequest) -> User:
    return caller(request).user


def acting_owner(request: HttpRequest) -> User:
    """The acting user, who must be an owner: the API grants no more than the pages do."""
    user = acting_user(request)
    if not can_manage_business(user):
        raise ApiError(
            403,
            "Only an owner can change the business profile, tax rates and number series.",
            code="owner_only",
        )
    return user


def get_or_404(source: type[M] | QuerySet[M], pk: int, what: str) -> M:
    rows = source if isinstance(source, QuerySet) else source._default_manager.all()
    found = rows.filter(pk=pk).first()
    if found is None:
        raise ApiError(404, f"No {what} with id {pk}.")
    return found


def referenced(model: type[M], pk: int | None, field: str, what: str) -> M | None:
    """An object named by id in a request body: a missing one is a 422 on that field."""
    if pk is None:
        return None
    found = model._default_manager.filter(pk=pk).first()
    if found is None:
        raise ApiError(
            422, f"No {what} with id {pk}.", fields=[(field, f"No {what} with id {pk}.")]
        )
    return found


def tax_rates(ids: Iterable[int], field: str) -> list[TaxRate]:
    wanted = list(dict.fromkeys(ids))
    found = {tax.pk: tax for tax in TaxRate.objects.filter(pk__in=wanted)}
    missing = [pk for pk in wanted if pk not in found]
    if missing:
        message = f"No tax rate with id {', '.join(map(str, missing))}."
        raise ApiError(422, message, fields=[(field, message)])
    return [found[pk] for pk in wanted]


def save(
    instance: Any,
    values: Mapping[str, Any],
    *,
    by: User,
    m2m: Mapping[str, Iterable[Model]] | None = None,
) -> Any:
    """Set `values` on a simple record and save it through the audited service."""
    for name, value in values.items():
        setattr(instance, name, value)
    return services.save_record(instance, by=by, m2m=m2m)


def delete_or_conflict(instance: Any, *, by: User) -> None:
    """Delete a product, tax rate or series; one still in use is a 409."""
    try:
        services.delete_record(instance, by=by)
    except ValidationError as error:
        raise ApiError(409, " ".join(error.messages), code="in_use") from error
