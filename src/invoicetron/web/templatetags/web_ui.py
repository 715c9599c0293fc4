"""The page frame's navigation links, as one call.

Every signed-in page shows the same links: reversing nine URL names and comparing nine path
prefixes in the template cost about 1 ms a page, so the addresses are reversed once per
process (and per script prefix, which is all they depend on) and the tag only marks the
current section. web/base.html writes the links.
"""

from __future__ import annotations

import functools
from typing import NamedTuple

from django import template
from django.urls import get_script_prefix, reverse

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


@functools.lru_cache(maxsize=8)
def _addresses(script_prefix: str) -> tuple[str, ...]:
    return tuple(reverse(name) for _label, name, _prefixes, _owner in SECTIONS)


def _is_current(path: str, prefixes: tuple[str, ...]) -> bool:
    # Home has no prefix: it is current on "/" only.
    return path == "/" if not prefixes else path.startswith(prefixes)


class NavLink(NamedTuple):
    address: str
    label: str
    current: bool


@register.simple_tag
def nav_links(path: str, is_owner: bool) -> list[NavLink]:
    """The section links; `current` for the one `path` (the request's path_info) is in."""
    addresses = _addresses(get_script_prefix())
    return [
        NavLink(address, label, _is_current(path, prefixes))
        for address, (label, _name, prefixes, owner_only) in zip(addresses, SECTIONS, strict=True)
        if is_owner or not owner_only
    ]
