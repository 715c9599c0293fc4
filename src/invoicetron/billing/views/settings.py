"""The owner's settings: business profile (and its logo), tax rates and number series."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Model, ProtectedError
from django.forms import ModelForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from invoicetron.accounts.acting import acting_user
from invoicetron.billing import services
from invoicetron.billing.forms.setup import BusinessProfileForm, NumberSeriesForm, TaxRateForm
from invoicetron.billing.models import BusinessProfile, NumberSeries, TaxRate
from invoicetron.web.errors import place_errors
from invoicetron.web.lists import paginate
from invoicetron.web.permissions import member_required, owner_required

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _save_form(request: HttpRequest, form: ModelForm[Any]) -> tuple[Model | None, list[str]]:
    """Save a valid ModelForm through the audited service: (record, []) or (None, errors)."""
    if request.method != "POST" or not form.is_valid():
        return None, []
    try:
        return services.save_record(form.save(commit=False), by=acting_user(request)), []
    except ValidationError as error:
        return None, place_errors(error, form)


def _form_page(
    request: HttpRequest, template: str, form: ModelForm[Any], errors: list[str], **extra: Any
) -> HttpResponse:
    status = 400 if request.method == "POST" else 200
    return render(request, template, {"form": form, "errors": errors, **extra}, status=status)


@owner_required
def business(request: HttpRequest) -> HttpResponse:
    profile = BusinessProfile.load()
    form = BusinessProfileForm(request.POST or None, request.FILES or None, instance=profile)
    saved, errors = _save_form(request, form)
    if saved is not None:
        messages.success(request, _("The business profile is saved."))
        return redirect("billing:settings")
    return _form_page(request, "billing/settings/business.html", form, errors, profile=profile)


@member_required
def logo(request: HttpRequest) -> HttpResponse:
    """The logo, straight from the database (pods keep no files)."""
    profile = (
        BusinessProfile.objects.only("logo", "logo_content_type").filter(singleton=True).first()
    )
    if profile is None or not profile.logo:
        raise Http404
    response = HttpResponse(bytes(profile.logo), content_type=profile.logo_content_type)
    response["Cache-Control"] = "private, max-age=300"
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    return response


@owner_required
def tax_rates(request: HttpRequest) -> HttpResponse:
    page = paginate(request, TaxRate.objects.all())
    return render(request, "billing/settings/tax_rates.html", {"page": page})


# (form, title, title of a new one, list page) of the records edited on one shared form page.
RECORD_FORMS: dict[type[Model], tuple[type[ModelForm[Any]], StrOrPromise, StrOrPromise, str]] = {
    TaxRate: (
        TaxRateForm,
        gettext_lazy("Tax rate"),
        gettext_lazy("New tax rate"),
        "billing:tax_rates",
    ),
    NumberSeries: (
        NumberSeriesForm,
        gettext_lazy("Number series"),
        gettext_lazy("New number series"),
        "billing:series",
    ),
}


def _record_form(request: HttpRequest, model: type[Model], pk: int | None) -> HttpResponse:
    form_class, title, new_title, back = RECORD_FORMS[model]
    record = get_object_or_404(model, pk=pk) if pk else None
    form = form_class(request.POST or None, instance=record)
    saved, errors = _save_form(request, form)
    if saved is not None:
        messages.success(request, _("%(kind)s %(name)s is saved.") % {"kind": title, "name": saved})
        return redirect(back)
    context = {"title": title, "new_title": new_title, "back": back, "record": record}
    return _form_page(request, "billing/settings/record_form.html", form, errors, **context)


@owner_required
def tax_rate_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    return _record_form(request, TaxRate, pk)


@owner_required
def series_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, NumberSeries.objects.all())
    return render(request, "billing/settings/series.html", {"page": page})


@owner_required
def series_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    return _record_form(request, NumberSeries, pk)


# The settings records deleted through one confirmation page: URL kind → (model, label, list page).
DELETABLE: dict[str, tuple[type[TaxRate] | type[NumberSeries], StrOrPromise, str]] = {
    "tax-rates": (TaxRate, gettext_lazy("tax rate"), "billing:tax_rates"),
    "series": (NumberSeries, gettext_lazy("number series"), "billing:series"),
}


@owner_required
def delete_setting(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """GET asks (saying beforehand when the record is in use); POST deletes, or says why not."""
    if kind not in DELETABLE:
        raise Http404
    model, label, back = DELETABLE[kind]
    record = cast(TaxRate | NumberSeries, get_object_or_404(model, pk=pk))  # one of DELETABLE's
    if request.method != "POST":
        context = {
            "record": record,
            "label": label,
            "back": back,
            "refusal": services.deletion_refusal(record),
        }
        return render(request, "billing/settings/delete.html", context)
    try:
        services.delete_record(record, by=acting_user(request))
    except (ValidationError, ProtectedError) as error:
        in_use = _("It is in use.")
        reason = " ".join(error.messages) if isinstance(error, ValidationError) else in_use
        messages.error(
            request,
            _("%(name)s cannot be deleted: %(reason)s") % {"name": record, "reason": reason},
        )
    else:
        messages.success(request, _("%(name)s is deleted.") % {"name": record})
    return redirect(back)
