"""CSV export, and the first import step (upload); the next steps are in imports.py."""

from __future__ import annotations

import datetime

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from invoicetron.accounts.acting import acting_user
from invoicetron.reports.csvio import exports
from invoicetron.reports.csvio.columns import (
    CLIENT_COLUMNS,
    CLIENT_CREDIT_COLUMNS,
    INVOICE_COLUMNS,
    PAYMENT_COLUMNS,
    PRODUCT_COLUMNS,
    REFUND_COLUMNS,
)
from invoicetron.reports.csvio.reader import MAX_FILE_BYTES, FileRefused, ParsedFile, parse
from invoicetron.reports.csvio.writer import export_response
from invoicetron.reports.forms import UploadForm
from invoicetron.reports.importers.runner import KINDS, guess_mapping
from invoicetron.reports.models import ImportRun
from invoicetron.web.permissions import member_required

EXPORTS = {
    "clients": (CLIENT_COLUMNS, exports.client_rows),
    "products": (PRODUCT_COLUMNS, exports.product_rows),
    "invoices": (INVOICE_COLUMNS, exports.invoice_rows),
    "payments": (PAYMENT_COLUMNS, exports.payment_rows),
    "refunds": (REFUND_COLUMNS, exports.refund_rows),
    "client-credit": (CLIENT_CREDIT_COLUMNS, exports.client_credit_rows),
}
# The exports as the page lists them (the file names and columns stay English).
EXPORT_LABELS = {
    "clients": gettext_lazy("Clients"),
    "products": gettext_lazy("Products"),
    "invoices": gettext_lazy("Invoices"),
    "payments": gettext_lazy("Payments"),
    "refunds": gettext_lazy("Refunds"),
    "client-credit": gettext_lazy("Client credit"),
}
STALE_AFTER = datetime.timedelta(days=1)


@member_required
def export_csv(request: HttpRequest, kind: str) -> HttpResponseBase:
    if kind not in EXPORTS:
        raise Http404(_("No such export."))
    columns, rows = EXPORTS[kind]
    return export_response(request, f"{kind}.csv", columns, rows)


@member_required
def data(request: HttpRequest) -> HttpResponse:
    """Exports, and the first import step (upload)."""
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            form.add_error(
                "file",
                _("The file is larger than %(megabytes)s MB.")
                % {"megabytes": MAX_FILE_BYTES // 1048576},
            )
        else:
            content = upload.read(MAX_FILE_BYTES + 1)
            try:
                parsed = parse(content)
            except FileRefused as error:
                form.add_error("file", str(error))
            else:
                return _store(request, form.cleaned_data["kind"], upload.name, content, parsed)
    return render(
        request,
        "reports/data.html",
        {"form": form, "exports": list(EXPORT_LABELS.items()), "kinds": KINDS},
    )


def _store(
    request: HttpRequest, kind: str, name: str, content: bytes, parsed: ParsedFile
) -> HttpResponseRedirect:
    ImportRun.objects.filter(created_at__lt=timezone.now() - STALE_AFTER).delete()
    run = ImportRun.objects.create(
        kind=kind,
        filename=name[:255],
        content=content,
        created_by=acting_user(request),
        mapping=guess_mapping(kind, parsed.header),
        rows_total=parsed.rows_read,
    )
    return redirect("reports:import_mapping", run.pk)
