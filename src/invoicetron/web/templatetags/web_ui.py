"""The page frame's navigation and settings tabs, each as one call; pagination links.

Every signed-in page shows the same links: reversing nine URL names and comparing nine path
prefixes in the template cost about 1 ms a page, so the addresses are reversed once per
process (and per script prefix and set of links, which is all they depend on) and the tags only
mark the current one. The links themselves are registered by the apps (web.navigation);
web/base.html and web/_settings_tabs.html write the HTML.
"""

from __future__ import annotations

import functools
from typing import Any, NamedTuple

from django import template
from django.http import HttpRequest
from django.urls import get_script_prefix, reverse

from invoicetron.web.navigation import Label, Link, sections, settings_tabs

register = template.Library()


class NavLink(NamedTuple):
    address: str
    label: Label
    current: bool


# An lru_cache, not settings.CACHES: the addresses follow from the code (the URLconf) and the
# script prefix only, never from data, so nothing can make them stale.
@functools.lru_cache(maxsize=16)
def _addresses(script_prefix: str, url_names: tuple[str, ...]) -> tuple[str, ...]:
    # `script_prefix` is only part of the key: reverse() reads the current script prefix itself.
    # Keyed by URL names, not links: a link's label is translated, the same in no two languages.
    return tuple(reverse(url_name) for url_name in url_names)


def _addresses_of(links: tuple[Link, ...]) -> tuple[str, ...]:
    return _addresses(get_script_prefix(), tuple(link.url_name for link in links))


def _is_current(path: str, prefixes: tuple[str, ...]) -> bool:
    # Home has no prefix: it is current on "/" only.
    return path == "/" if not prefixes else path.startswith(prefixes)


@register.simple_tag
def nav_links(path: str, is_owner: bool) -> list[NavLink]:
    """The section links; `current` for the one `path` (the request's path_info) is in."""
    links = sections()
    addresses = _addresses_of(links)
    return [
        NavLink(address, link.label, _is_current(path, link.paths))
        for address, link in zip(addresses, links, strict=True)
        if is_owner or not link.owners_only
    ]


@register.simple_tag
def settings_tab_links(tab: str) -> list[NavLink]:
    """The settings tabs; `current` for the one whose key is `tab`."""
    links = settings_tabs()
    addresses = _addresses_of(links)
    return [
        NavLink(address, link.label, link.tab == tab)
        for address, link in zip(addresses, links, strict=True)
    ]


@register.simple_tag
def query(request: HttpRequest, name: str, value: Any) -> str:
    """The current query string with one parameter replaced (for pagination links)."""
    params = request.GET.copy()
    params[name] = value
    return "?" + params.urlencode()
