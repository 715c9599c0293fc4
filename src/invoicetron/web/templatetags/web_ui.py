"""The page frame's navigation, as one call.

Every signed-in page shows the same links: reversing nine URL names and comparing nine path
prefixes in the template cost about 1 ms a page, so the addresses are reversed once per
process (and per script prefix, which is all they depend on) and the tag only marks the
current section.
"""

from __future__ import annotations

import functools

from django import template
from django.urls import get_script_prefix, reverse
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# (label, URL name, the path prefixes of its section, shown to owners only)
SECTIONS: tuple[tuple[str, str, tuple[str, ...], bool], ...] = (
    ("Home", "web:home", (), False),
    ("Invoices", "billing:invoices", ("/invoices/",), False),
    ("Credit notes", "billing:credit_notes", ("/credit-notes/",), False),
    ("Quotes", "quotes:list", ("/quotes/",), False),
    ("Recurring", "automation:recurring", ("/recurring/",), False),
    ("Clients", "billing:clients", ("/clients/",), False),
    ("Products", "billing:products", ("/products/",), False),
    ("Reports", "reports:index", ("/reports/", "/data/"), False),
    ("Settings", "billing:settings", ("/settings/",), True),
)


# An lru_cache, not settings.CACHES: the addresses follow from the code (the URLconf) and the
# script prefix only, never from data, so nothing can make them stale.
@functools.lru_cache(maxsize=8)
def _addresses(script_prefix: str) -> tuple[str, ...]:
    return tuple(reverse(name) for _label, name, _prefixes, _owner in SECTIONS)


def _is_current(path: str, prefixes: tuple[str, ...]) -> bool:
    # Home has no prefix: it is current on "/" only.
    return path == "/" if not prefixes else path.startswith(prefixes)


@register.simple_tag
def main_nav(path: str, is_owner: bool) -> SafeString:
    """The section links; the one `path` (the request's path_info) is in has aria-current."""
    current = mark_safe(' aria-current="page"')
    addresses = _addresses(get_script_prefix())
    return format_html_join(
        "\n",
        '<a href="{}"{}>{}</a>',
        (
            (address, current if _is_current(path, prefixes) else "", label)
            for address, (label, _name, prefixes, owner_only) in zip(
                addresses, SECTIONS, strict=True
            )
            if is_owner or not owner_only
        ),
    )
