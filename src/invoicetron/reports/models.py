"""An import run: the uploaded file and every step of its import, from column matching to result.

Kept in the database (not on disk or in the session) so that any app replica serves its pages
and the worker, which runs the dry run and the commit as jobs (see jobs.py), can read it. The
file is at most the reader's MAX_FILE_BYTES (checked at upload); the error summary is bounded
(csvio/errors.py). A committed run keeps its result but drops its file; runs left behind for a
day are swept at the next upload.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from invoicetron.reports.importers.values import Existing, Options


class ImportState(models.TextChoices):
    MAPPING = "mapping", "Matching columns"
    CHECKING = "checking", "Dry run"
    CHECKED = "checked", "Dry run finished"
    IMPORTING = "importing", "Importing"
    IMPORTED = "imported", "Imported"
    FAILED = "failed", "Not imported"


class ImportRun(models.Model):
    kind = models.CharField(max_length=16)  # clients, products, invoices
    filename = models.CharField(max_length=255)
    content = models.BinaryField()
    mapping = models.JSONField(default=dict, blank=True)  # target field → file column
    options = models.JSONField(default=dict, blank=True)  # decimal_comma, date_format, existing
    state = models.CharField(max_length=16, choices=ImportState, default=ImportState.MAPPING)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=dict, blank=True)  # ErrorLog.to_json()
    result = models.JSONField(default=dict, blank=True)  # Outcome.to_json()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"{self.kind}: {self.filename}"

    @property
    def running(self) -> bool:
        return self.state in (ImportState.CHECKING, ImportState.IMPORTING)

    @property
    def percent(self) -> int:
        return min(100, self.rows_done * 100 // self.rows_total) if self.rows_total else 0

    def import_options(self) -> Options:
        return Options(
            decimal_comma=bool(self.options.get("decimal_comma")),
            date_format=self.options.get("date_format", "%Y-%m-%d"),
            existing=Existing(self.options.get("existing", Existing.REFUSE)),
        )

    def set_options(self, options: Options) -> None:
        self.options = {
            "decimal_comma": options.decimal_comma,
            "date_format": options.date_format,
            "existing": str(options.existing),
        }

    def error_list(self) -> list[dict[str, Any]]:
        return [
            {"row": row, "column": column, "message": message}
            for row, column, message in self.errors.get("shown", [])
        ]

    def error_kinds(self) -> list[dict[str, Any]]:
        return [
            {"column": column, "count": f"{count:,}", "example": example}
            for column, count, example in self.errors.get("by_column", [])
        ]
