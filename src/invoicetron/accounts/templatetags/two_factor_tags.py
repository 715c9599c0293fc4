"""`{% two_factor_policy %}`: the owner's "require two-factor for everyone" form (users page)."""

from __future__ import annotations

from typing import Any

from django import template

from invoicetron.accounts import two_factor
from invoicetron.accounts.two_factor_forms import PolicyForm

register = template.Library()


@register.inclusion_tag("accounts/_two_factor_policy.html", takes_context=True)
def two_factor_policy(context: template.Context) -> dict[str, Any]:
    required = two_factor.required_for_everyone()
    return {
        "csrf_token": context.get("csrf_token"),
        "form": PolicyForm(initial={"require": required}),
        "required": required,
        "owner_has_it": two_factor.has_two_factor(context["request"].user),
    }
