"""The invoice page's email panel, kept while nothing it shows has changed.

The panel read about seven queries a page (the client's contacts twice, the business profile and
the email template for the preview, the emails, the public links and who made them, the credit
notes) and took about 40 % of the page (bench/results/2026-12-07-invoice-page.md). What it
shows comes from billing data and from the tables behind messaging's own change marker
(migration 0005: emails, email templates, public links, users), so it is kept in the
`fragments` cache under both markers: an email queued, sent or failed, a template saved, a link
made, opened or revoked moves the messaging marker; a payment, a contact, a language moves
billing's. No writer has to call anything.

What is kept is the panel's data (`panel.Shown`), not its HTML: each of its forms (send, retry,
new link, revoke, each credit note's) carries the request's CSRF token, which is masked anew for
every response, so the rendered panel can never be reused. Its rendering costs little beside
its queries; the queries are what is saved (one marker read instead of about seven).

The order is billing's (billing/caching.py): the markers are read before the data, and the data
are kept only when both were settled (no transaction that has written was running).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.cache import caches
from django.db import connection

from invoicetron.billing.caching import KEEP_SECONDS, Marker, key_of
from invoicetron.messaging.panel import Shown

CACHE = "fragments"
FUNCTION = "messaging_change_marker"  # migration 0005
MARKER = "SELECT marker, settled FROM messaging_change_marker()"
COMPANION = "messaging"  # its name beside billing's marker (billing.caching.register_companion)


def change_marker() -> Marker:
    """Messaging's marker and whether it is settled, read now (one query)."""
    with connection.cursor() as cursor:
        cursor.execute(MARKER)
        marker, settled = cursor.fetchone()
    return Marker(int(marker), bool(settled))


def kept_shown(billing: Marker, read: Callable[[], Shown], *parts: Any) -> Shown:
    """read(), reused while neither billing's marker (read by the page before its document) nor
    messaging's moves; `parts` name what else it depends on (the document, the language…).
    Messaging's marker is read here unless the page read it with billing's (companions)."""
    messaging = billing.companion(COMPANION) or change_marker()
    key = key_of("mail-panel", billing.marker, messaging.marker, *parts)
    cache = caches[CACHE]
    kept = cache.get(key)
    if isinstance(kept, Shown):
        return kept
    shown = read()
    if billing.settled and messaging.settled:
        cache.set(key, shown, KEEP_SECONDS)
    return shown
