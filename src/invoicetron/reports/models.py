"""An uploaded import file, kept between the upload, mapping, preview and commit steps.

Kept in the database (not on disk or in the session) so that any app replica can serve the
next step. Uploads are deleted once committed, and any left behind for a day are swept at the
next upload.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ImportUpload(models.Model):
    kind = models.CharField(max_length=16)  # clients, products, invoices
    filename = models.CharField(max_length=255)
    content = models.BinaryField()
    mapping = models.JSONField(default=dict, blank=True)  # target field → file column
    options = models.JSONField(default=dict, blank=True)  # decimal_comma, date_format
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"{self.kind}: {self.filename}"
