"""`{% mail_panel document as panel %}`: the email and public-link section of a document page."""

from __future__ import annotations

from typing import Any

from django import template

from invoicetron.messaging.panel import Panel, build_panel

register = template.Library()


@register.simple_tag(takes_context=True)
def mail_panel(context: Any, document: Any, whole_invoice: bool = False) -> Panel:
    return build_panel(context["request"], document, whole_invoice=whole_invoice)
