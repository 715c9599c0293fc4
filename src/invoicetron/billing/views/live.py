"""Live totals: the draft forms post their fields as the user types, and get the totals block."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from invoicetron.billing.forms.adjustments import AdjustmentFormSet, tax_choices
from invoicetron.billing.forms.invoices import TotalsForm
from invoicetron.billing.lines import LineData, LineFormSet, TaxOptions
from invoicetron.billing.models import document_currency
from invoicetron.billing.services.preview import preview_totals
from invoicetron.web.permissions import member_required

# The tax ids a request may name: more than any real form sends, few enough to look up at once.
MAX_TAX_IDS = 1000


@require_POST
@member_required
def draft_totals(request: HttpRequest) -> HttpResponse:
    """The totals block of the invoice, quote and recurring forms (htmx); never writes."""
    header = TotalsForm(request.POST)
    header.is_valid()  # invalid fields are left out of cleaned_data and fall back below
    data = header.cleaned_data
    client = data.get("client")
    currency = document_currency(client, data.get("currency"))
    posted_taxes = [
        value
        for key in request.POST
        if key.endswith("-taxes")
        for value in request.POST.getlist(key)
        if value.isdigit()
    ]
    tax_options = TaxOptions.load(also=[int(pk) for pk in posted_taxes[:MAX_TAX_IDS]])
    # Django caps the forms at the formset's absolute_max (200), whatever TOTAL_FORMS says.
    formset = LineFormSet(request.POST, prefix="lines", form_kwargs={"tax_options": tax_options})
    lines: list[tuple[int, LineData | str]] = []
    for number, form in enumerate(formset.forms, start=1):
        if not form.is_valid():
            refusals = [message for errors in form.errors.values() for message in errors]
            lines.append((number, str(refusals[0]) if refusals else "not counted yet."))
        elif not form.cleaned_data.get("DELETE") and not form.is_blank:
            lines.append((number, form.line_data({})))
    adjustments, refused = posted_adjustments(request, currency)
    preview = preview_totals(
        lines,
        currency,
        prices_include_tax=bool(data.get("prices_include_tax")),
        discount_type=data.get("discount_type") or "percent",
        # A value the form refused (too long) is still named, not silently dropped.
        discount_value="refused" if "discount_value" in header.errors else data["discount_value"],
        adjustments=adjustments,
    )
    if refused:
        preview.problems.append(refused)
    amounts = dict(
        zip(preview.counted, preview.totals.lines if preview.totals else (), strict=True)
    )
    line_amounts = [
        (form.prefix, amounts.get(number)) for number, form in enumerate(formset.forms, start=1)
    ]
    context = {"preview": preview, "line_amounts": line_amounts}
    return render(request, "billing/_live_totals.html", context)


def posted_adjustments(request: HttpRequest, currency: str) -> tuple[list[dict[str, Any]], str]:
    """The invoice form's allowance and charge rows as entries, and why they are left out (the
    rows' own messages show when the draft is saved). The quote and recurring forms have none."""
    if "adjustments-TOTAL_FORMS" not in request.POST:
        return [], ""
    rows = AdjustmentFormSet(
        request.POST, prefix="adjustments", form_kwargs={"tax_choices": tax_choices([])}
    )
    try:
        entries = rows.entries(currency)
    except ValidationError:
        entries = []
    if any(form.errors for form in rows.forms) or rows.non_form_errors():
        return [], _(
            "Allowances and charges: not counted until the rows marked on saving are fixed."
        )
    return entries, ""
