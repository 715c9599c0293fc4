"""CSV export, and the import steps: upload → column mapping → dry run → commit."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from invoicetron.accounts.models import User
from invoicetron.reports.csvio import exports
from invoicetron.reports.csvio.columns import (
    CLIENT_COLUMNS,
    INVOICE_COLUMNS,
    PAYMENT_COLUMNS,
    PRODUCT_COLUMNS,
)
from invoicetron.reports.csvio.reader import MAX_FILE_BYTES, FileRefused, ParsedFile, parse
from invoicetron.reports.csvio.writer import csv_response
from invoicetron.reports.forms import MappingForm, UploadForm
from invoicetron.reports.importers.runner import KINDS, guess_mapping, mapping_problems, run_import
from invoicetron.reports.importers.values import Options
from invoicetron.reports.models import ImportUpload

EXPORTS = {
    "clients": (CLIENT_COLUMNS, exports.client_rows),
    "products": (PRODUCT_COLUMNS, exports.product_rows),
    "invoices": (INVOICE_COLUMNS, exports.invoice_rows),
    "payments": (PAYMENT_COLUMNS, exports.payment_rows),
}
STALE_AFTER = datetime.timedelta(days=1)


def _user(request: HttpRequest) -> User:
    """The signed-in user (every view here requires one)."""
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


@login_required
def export_csv(request: HttpRequest, kind: str) -> HttpResponseBase:
    if kind not in EXPORTS:
        raise Http404("No such export.")
    columns, rows = EXPORTS[kind]
    return csv_response(request, f"{kind}.csv", columns, rows())


@login_required
def data(request: HttpRequest) -> HttpResponse:
    """Exports, and the first import step (upload)."""
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            form.add_error("file", f"The file is larger than {MAX_FILE_BYTES // 1048576} MB.")
        else:
            content = upload.read(MAX_FILE_BYTES + 1)
            try:
                parsed = parse(content)
            except FileRefused as error:
                form.add_error("file", str(error))
            else:
                return _store(request, form.cleaned_data["kind"], upload.name, content, parsed)
    return render(
        request, "reports/data.html", {"form": form, "exports": list(EXPORTS), "kinds": KINDS}
    )


def _store(
    request: HttpRequest, kind: str, name: str, content: bytes, parsed: ParsedFile
) -> HttpResponseRedirect:
    ImportUpload.objects.filter(created_at__lt=timezone.now() - STALE_AFTER).delete()
    upload = ImportUpload.objects.create(
        kind=kind,
        filename=name[:255],
        content=content,
        created_by=_user(request),
        mapping=guess_mapping(kind, parsed.header),
    )
    return redirect("reports:import_mapping", upload.pk)


def _upload(request: HttpRequest, pk: int) -> tuple[ImportUpload, ParsedFile]:
    upload = get_object_or_404(ImportUpload, pk=pk, created_by=request.user)
    try:
        return upload, parse(bytes(upload.content))
    except FileRefused as error:  # pragma: no cover - it parsed at upload time
        raise Http404(str(error)) from error


@login_required
def import_mapping(request: HttpRequest, pk: int) -> HttpResponse:
    upload, parsed = _upload(request, pk)
    label, fields, required, _importer = KINDS[upload.kind]
    initial = {f"map_{name}": column for name, column in upload.mapping.items()}
    initial |= {
        "date_format": upload.options.get("date_format", "%Y-%m-%d"),
        "decimal_comma": "1" if upload.options.get("decimal_comma") else "0",
    }
    form = MappingForm(request.POST or None, initial=initial, fields=fields, header=parsed.header)
    if request.method == "POST" and form.is_valid():
        problems = mapping_problems(upload.kind, form.mapping(), parsed.header)
        for problem in problems:
            form.add_error(None, problem)
        if not problems:
            options = form.options()
            upload.mapping = form.mapping()
            upload.options = {
                "decimal_comma": options.decimal_comma,
                "date_format": options.date_format,
            }
            upload.save(update_fields=["mapping", "options"])
            return redirect("reports:import_preview", upload.pk)
    sample = parsed.rows[:3]
    return render(
        request,
        "reports/import_mapping.html",
        {
            "upload": upload,
            "parsed": parsed,
            "form": form,
            "label": label,
            "required": required,
            "sample": sample,
        },
    )


def _run(
    request: HttpRequest, pk: int, *, commit: bool
) -> tuple[ImportUpload, HttpResponse | None]:
    """Run the upload's import; the preview page when it is a dry run or it failed."""
    upload, parsed = _upload(request, pk)
    options = Options(
        decimal_comma=bool(upload.options.get("decimal_comma")),
        date_format=upload.options.get("date_format", "%Y-%m-%d"),
    )
    outcome = run_import(
        upload.kind, parsed, upload.mapping, options=options, by=_user(request), commit=commit
    )
    if commit and outcome.ok:
        summary = ", ".join(f"{count} {kind}" for kind, count in outcome.created.items())
        messages.success(request, f"Imported {summary or 'nothing'} from {upload.filename}.")
        return upload, None
    if commit:
        messages.error(request, "Nothing was imported: some rows have errors (listed below).")
    context = {"upload": upload, "parsed": parsed, "outcome": outcome}
    return upload, render(
        request, "reports/import_preview.html", context | {"label": KINDS[upload.kind][0]}
    )


@login_required
def import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    _upload_row, page = _run(request, pk, commit=False)
    assert page is not None
    return page


@login_required
@require_POST
def import_commit(request: HttpRequest, pk: int) -> HttpResponse:
    upload, page = _run(request, pk, commit=True)
    if page is not None:
        return page
    upload.delete()
    return redirect("reports:data")
