"""Failed emails on the dashboard, read from the messaging app's delivery log (reports sits above
messaging: docs/architecture.md). When nothing failed, the section is not shown; the dashboard
never invents data. Two queries (a count and the latest few), whatever the log's size.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from invoicetron.messaging.services import failed_deliveries

SHOWN = 5


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


def _invoice_url(invoice_id: int | None) -> str:
    if not invoice_id:
        return ""
    try:
        return reverse("billing:invoice", args=[invoice_id])
    except NoReverseMatch:
        return ""


def failed_emails(limit: int = SHOWN) -> FailedEmails | None:
    """The failed deliveries, or None when nothing failed."""
    failed = failed_deliveries()
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
