"""`{% mail_panel document as panel %}`: the email and public-link section of a document page."""

from __future__ import annotations

from typing import Any

from django import template

from invoicetron.billing.caching import Marker
from invoicetron.billing.models import BusinessProfile
from invoicetron.messaging.caching import kept_shown
from invoicetron.messaging.panel import Panel, Shown, build_panel, read_shown

register = template.Library()


def page_business(context: Any) -> BusinessProfile | None:
    """The page's business profile, when its view loaded one (the invoice page's `profile`, a
    lazy object: asked only when the panel is read, not when it is kept)."""
    business = context.get("profile")
    return business if isinstance(business, BusinessProfile) else None


@register.simple_tag(takes_context=True)
def mail_panel(context: Any, document: Any, whole_invoice: bool = False) -> Panel:
    shown: Shown | None = None
    marker = context.get("marker")  # billing's, read by the invoice page before the invoice
    if whole_invoice and isinstance(marker, Marker):
        shown = kept_shown(
            marker,
            lambda: read_shown(
                document,
                whole_invoice=True,
                business=page_business(context),
                credit_notes=context.get("credit_notes"),  # the invoice page's, read lazily
            ),
            document.pk,
            context.get("LANGUAGE_CODE"),
            context.get("today"),  # a reminder's preview counts the days overdue
        )
    return build_panel(
        context["request"],
        document,
        whole_invoice=whole_invoice,
        business=None if shown else page_business(context),
        shown=shown,
    )
