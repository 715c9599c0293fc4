"""Failed emails on the dashboard, read from the messaging app's delivery log when it is there.

The dashboard does not import the messaging app: it asks the app registry for the model
`messaging.Delivery` (status "failed", `recipients`, `subject`, `last_error`, `updated_at`,
`invoice_id`). When that app is not installed, or nothing failed, the section is not shown; the
dashboard never invents data. Two queries (a count and the latest few), whatever the log's size.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.apps import apps
from django.db.models import Model
from django.urls import NoReverseMatch, reverse

SHOWN = 5
FAILED = "failed"


@dataclass(frozen=True)
class FailedEmail:
    recipient: str
    subject: str
    failed_at: datetime.datetime | None
    error: str
    url: str = ""


@dataclass(frozen=True)
class FailedEmails:
    count: int
    recent: list[FailedEmail]


def delivery_model() -> type[Model] | None:
    try:
        return apps.get_model("messaging", "Delivery")
    except LookupError:
        return None


def _invoice_url(invoice_id: int | None) -> str:
    if not invoice_id:
        return ""
    try:
        return reverse("billing:invoice", args=[invoice_id])
    except NoReverseMatch:
        return ""


def failed_emails(limit: int = SHOWN) -> FailedEmails | None:
    """The failed deliveries, or None when there is no delivery log or nothing failed."""
    model = delivery_model()
    if model is None:
        return None
    failed = model._default_manager.filter(status=FAILED)
    count = failed.count()
    if not count:
        return None
    rows = failed.order_by("-updated_at", "-id").values(
        "recipients", "subject", "updated_at", "last_error", "invoice_id"
    )[:limit]
    recent = [
        FailedEmail(
            recipient=", ".join(row["recipients"] or []),
            subject=row["subject"],
            failed_at=row["updated_at"],
            error=(row["last_error"] or "").strip().splitlines()[0][:200]
            if row["last_error"]
            else "",
            url=_invoice_url(row["invoice_id"]),
        )
        for row in rows
    ]
    return FailedEmails(count, recent)
