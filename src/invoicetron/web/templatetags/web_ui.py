"""The page frame's navigation and settings tabs, each as one call; pagination links.

Every signed-in page shows the same links: reversing nine URL names and comparing nine path
prefixes in the template cost about 1 ms a page, so the addresses are reversed once per
process (and per script prefix and set of links, which is all they depend on) and the tag only
marks the current one. The links themselves are registered by the apps (web.navigation).
"""

from __future__ import annotations

import functools
from typing import Any

from django import template
from django.http import HttpRequest
from django.urls import get_script_prefix, reverse
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

from invoicetron.web.navigation import Link, sections, settings_tabs

register = template.Library()

CURRENT = mark_safe(' aria-current="page"')


# An lru_cache, not settings.CACHES: the addresses follow from the code (the URLconf) and the
# script prefix only, never from data, so nothing can make them stale.
@functools.lru_cache(maxsize=16)
def _addresses(script_prefix: str, links: tuple[Link, ...]) -> tuple[str, ...]:
    # `script_prefix` is only part of the key: reverse() reads the current script prefix itself.
    return tuple(reverse(link.url_name) for link in links)


def _is_current(path: str, prefixes: tuple[str, ...]) -> bool:
    # Home has no prefix: it is current on "/" only.
    return path == "/" if not prefixes else path.startswith(prefixes)


def _links(links: tuple[Link, ...], current: list[bool], shown: list[bool]) -> SafeString:
    addresses = _addresses(get_script_prefix(), links)
    return format_html_join(
        "\n",
        '<a href="{}"{}>{}</a>',
        (
            (address, CURRENT if is_current else "", link.label)
            for address, link, is_current, is_shown in zip(
                addresses, links, current, shown, strict=True
            )
            if is_shown
        ),
    )


@register.simple_tag
def main_nav(path: str, is_owner: bool) -> SafeString:
    """The section links; the one `path` (the request's path_info) is in has aria-current."""
    links = sections()
    return _links(
        links,
        [_is_current(path, link.paths) for link in links],
        [is_owner or not link.owners_only for link in links],
    )


@register.simple_tag
def settings_tab_links(tab: str) -> SafeString:
    """The settings tabs; the one whose key is `tab` has aria-current."""
    links = settings_tabs()
    return _links(links, [link.tab == tab for link in links], [True] * len(links))


@register.simple_tag
def query(request: HttpRequest, name: str, value: Any) -> str:
    """The current query string with one parameter replaced (for pagination links)."""
    params = request.GET.copy()
    params[name] = value
    return "?" + params.urlencode()
