"""`{% mail_panel document as panel %}`: the email and public-link section of a document page."""

from __future__ import annotations

from typing import Any

from django import template

from invoicetron.billing.models import BusinessProfile
from invoicetron.messaging.panel import Panel, build_panel

register = template.Library()


@register.simple_tag(takes_context=True)
def mail_panel(context: Any, document: Any, whole_invoice: bool = False) -> Panel:
    # The page's business profile, when its view loaded one (the invoice page's `profile`).
    business = context.get("profile")
    if not isinstance(business, BusinessProfile):
        business = None
    return build_panel(context["request"], document, whole_invoice=whole_invoice, business=business)
