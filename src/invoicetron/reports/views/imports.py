"""The import steps after the upload: column matching, then the dry run and the commit as jobs.

The job's page (`import_status`) refreshes itself while the worker runs the step and says how
far it is; then it shows the dry run's result with the import button, or the import's result.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, ngettext_lazy, pgettext
from django.views.decorators.http import require_POST

from invoicetron.reports import jobs
from invoicetron.reports.csvio.reader import FileRefused, ParsedFile, parse
from invoicetron.reports.forms import MappingForm
from invoicetron.reports.importers.runner import KINDS, mapping_problems
from invoicetron.reports.importers.values import Existing
from invoicetron.reports.models import ImportRun, ImportState
from invoicetron.web.permissions import member_required

REFRESH_SECONDS = 2


def _run(request: HttpRequest, pk: int) -> ImportRun:
    return get_object_or_404(ImportRun, pk=pk, created_by=request.user)


def _parsed(run: ImportRun) -> ParsedFile:
    try:
        return parse(bytes(run.content))
    except FileRefused as error:  # it parsed at upload time; an imported run has no file left
        raise Http404(_("This import's file is no longer here: upload it again.")) from error


@member_required
def import_mapping(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    if run.running or run.state == ImportState.IMPORTED:
        return redirect("reports:import_status", run.pk)
    parsed = _parsed(run)
    label, fields, required, _importer = KINDS[run.kind]
    options = run.import_options()
    initial = {f"map_{name}": column for name, column in run.mapping.items()}
    initial |= {
        "date_format": options.date_format,
        "decimal_comma": "1" if options.decimal_comma else "0",
        "existing": options.existing,
    }
    form = MappingForm(
        request.POST or None,
        initial=initial,
        fields=fields,
        required=required,
        header=parsed.header,
    )
    if request.method == "POST" and form.is_valid():
        problems = mapping_problems(run.kind, form.mapping(), parsed.header)
        for problem in problems:
            form.add_error(None, problem)
        if not problems:
            run.mapping = form.mapping()
            run.set_options(form.options())
            run.save(update_fields=["mapping", "options"])
            jobs.start(run, commit=False)
            return redirect("reports:import_status", run.pk)
    context = {
        "run": run,
        "parsed": parsed,
        "form": form,
        "label": label,
        "sample": parsed.rows[:3],
    }
    return render(request, "reports/import_mapping.html", context)


# What a run counts, by the (English, plural) kind its result names; "count" picks the form.
COUNTED = {
    "clients": ngettext_lazy("%(shown)s client", "%(shown)s clients", "count"),
    "products": ngettext_lazy("%(shown)s product", "%(shown)s products", "count"),
    "invoices": ngettext_lazy("%(shown)s invoice", "%(shown)s invoices", "count"),
    "tax rates": ngettext_lazy("%(shown)s tax rate", "%(shown)s tax rates", "count"),
    "rows": ngettext_lazy("%(shown)s row", "%(shown)s rows", "count"),
    "errors": ngettext_lazy("%(shown)s error", "%(shown)s errors", "count"),
}


def _count(number: int, kind: str) -> str:
    """`1 client`, `2 clients`, `1 tax rate`, in the page's language."""
    shown = number_format(number, force_grouping=True)
    if kind not in COUNTED:  # a kind named nowhere above: every kind's name is a plural in s
        return f"{shown} {kind[:-1] if number == 1 else kind}"
    return str(COUNTED[kind] % {"count": number, "shown": shown})


def _lines(result: dict[str, Any], *, done: bool) -> list[str]:
    """What the run did (or a commit would do), one sentence per kind of change."""
    lines = []
    for kind, number in result.get("updated", {}).items():
        things = _count(number, kind)
        if done:
            lines.append(_("%(things)s updated") % {"things": things})
        else:
            lines.append(_("%(things)s will be updated") % {"things": things})
    for kind, number in result.get("skipped", {}).items():
        things = _count(number, kind)
        if done:
            skipped = ngettext(
                "%(things)s already exists and was skipped",
                "%(things)s already exist and were skipped",
                number,
            )
        else:
            skipped = ngettext(
                "%(things)s already exists and will be skipped",
                "%(things)s already exist and will be skipped",
                number,
            )
        lines.append(skipped % {"things": things})
    return lines


@member_required
def import_status(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    if run.state == ImportState.MAPPING:
        return redirect("reports:import_mapping", run.pk)
    result = run.result or {}
    created = [_count(n, kind) for kind, n in result.get("created", {}).items()]
    to_create = [
        ngettext("%(things)s will be created", "%(things)s will be created", n)
        % {"things": _count(n, kind)}
        for kind, n in result.get("created", {}).items()
    ]
    rows = run.errors.get("rows", 0)
    context = {
        "run": run,
        "label": KINDS[run.kind][0],
        "refresh": REFRESH_SECONDS if run.running else None,
        "step": pgettext("a step of an import", "Import")
        if run.state == ImportState.IMPORTING
        else _("Dry run"),
        "committing": run.state == ImportState.IMPORTING,
        "progress": _("%(done)s of %(total)s rows")
        % {
            "done": number_format(run.rows_done, force_grouping=True),
            "total": number_format(run.rows_total, force_grouping=True),
        },
        "created": created,
        "to_create": to_create,
        "changes": _lines(result, done=run.state == ImportState.IMPORTED),
        "refused": result.get("refused", ""),
        "rows_with_errors": ngettext("%(shown)s row has errors", "%(shown)s rows have errors", rows)
        % {"shown": number_format(rows, force_grouping=True)},
        "error_total": _count(run.errors.get("total", 0), "errors"),
        "more_rows": number_format(run.errors["more_rows"], force_grouping=True)
        if run.errors.get("more_rows")
        else "",
        "invoices_kept": run.kind == "invoices"
        and run.import_options().existing == Existing.UPDATE,
        "can_commit": run.state == ImportState.CHECKED and not rows and "refused" not in result,
    }
    return render(request, "reports/import_status.html", context)


@member_required
@require_POST
def import_commit(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    clean = run.state == ImportState.CHECKED and not run.errors.get("total")
    if not clean or "refused" in run.result or not jobs.start(run, commit=True):
        messages.error(request, _("Only a dry run without errors can be imported."))
    return redirect("reports:import_status", run.pk)
