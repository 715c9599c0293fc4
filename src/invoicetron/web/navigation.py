"""The page frame's links, registered by the apps whose pages they open.

The UI kit draws the main navigation and the settings tabs but names no app: each app adds its
links in its `AppConfig.ready()` (web's own is the home link), and `order` places them. A link is
known by its URL name, so registering one twice replaces it. Labels are marked with
gettext_lazy in the registering app (and translated in its catalogue), so each page shows them in
its own language.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise

# A label: a lazily translated string (gettext_lazy), read when a page draws it.
Label = str | Promise


@dataclass(frozen=True)
class Link:
    label: Label
    url_name: str
    order: int
    # The path prefixes of a main section; none means the section is current on "/" only.
    paths: tuple[str, ...] = ()
    owners_only: bool = False
    # A settings tab's key: the pages of that tab pass it to web/_settings_tabs.html.
    tab: str = ""


_sections: dict[str, Link] = {}
_settings_tabs: dict[str, Link] = {}


def add_section(
    label: Label,
    url_name: str,
    *,
    order: int,
    paths: tuple[str, ...] = (),
    owners_only: bool = False,
) -> None:
    """A link in the main navigation, current on the pages under `paths`."""
    _sections[url_name] = Link(label, url_name, order, paths, owners_only)


def add_settings_tab(tab: str, label: Label, url_name: str, *, order: int) -> None:
    """A tab of the (owners') settings pages; a page marks its own with `tab`."""
    _settings_tabs[url_name] = Link(label, url_name, order, tab=tab)


def sections() -> tuple[Link, ...]:
    return tuple(sorted(_sections.values(), key=lambda link: link.order))


def settings_tabs() -> tuple[Link, ...]:
    return tuple(sorted(_settings_tabs.values(), key=lambda link: link.order))
