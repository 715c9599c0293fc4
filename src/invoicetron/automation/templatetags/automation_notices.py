"""`{% worker_failures %}`: the dashboard's notice of what the worker could not do (failing
recurring invoices and reminders, failures.py), with links to where each is fixed; nothing when
all is well. One query."""

from __future__ import annotations

from typing import Any

from django import template

from invoicetron.automation.failures import current_failures

register = template.Library()


@register.inclusion_tag("automation/_failures.html")
def worker_failures() -> dict[str, Any]:
    return {"failures": current_failures()}
