"""The import steps after the upload: column matching, then the dry run and the commit as jobs.

The job's page (`import_status`) refreshes itself while the worker runs the step and says how
far it is; then it shows the dry run's result with the import button, or the import's result.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
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
        raise Http404("This import's file is no longer here: upload it again.") from error


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


def _count(number: int, kind: str) -> str:
    """`1 client`, `2 clients`, `1 tax rate` (every kind's name is a plural ending in s)."""
    return f"{number:,} {kind[:-1] if number == 1 else kind}"


def _lines(result: dict[str, Any], *, done: bool) -> list[str]:
    """What the run did (or a commit would do), one sentence per kind of change."""
    lines = []
    for kind, number in result.get("updated", {}).items():
        lines.append(f"{_count(number, kind)} {'updated' if done else 'will be updated'}")
    for kind, number in result.get("skipped", {}).items():
        exist, were = ("already exists", "was") if number == 1 else ("already exist", "were")
        skipped = f"{were} skipped" if done else "will be skipped"
        lines.append(f"{_count(number, kind)} {exist} and {skipped}")
    return lines


@member_required
def import_status(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    if run.state == ImportState.MAPPING:
        return redirect("reports:import_mapping", run.pk)
    result = run.result or {}
    created = [_count(n, kind) for kind, n in result.get("created", {}).items()]
    rows = run.errors.get("rows", 0)
    context = {
        "run": run,
        "label": KINDS[run.kind][0],
        "refresh": REFRESH_SECONDS if run.running else None,
        "step": "Import" if run.state == ImportState.IMPORTING else "Dry run",
        "progress": f"{run.rows_done:,} of {run.rows_total:,} rows",
        "created": created,
        "changes": _lines(result, done=run.state == ImportState.IMPORTED),
        "refused": result.get("refused", ""),
        "rows_with_errors": f"{_count(rows, 'rows')} {'has' if rows == 1 else 'have'} errors",
        "error_total": _count(run.errors.get("total", 0), "errors"),
        "more_rows": f"{run.errors.get('more_rows', 0):,}" if run.errors.get("more_rows") else "",
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
        messages.error(request, "Only a dry run without errors can be imported.")
    return redirect("reports:import_status", run.pk)
