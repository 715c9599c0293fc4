"""The page frame's navigation: every section linked, the current one marked."""

from __future__ import annotations

import re

import pytest
from django.test import Client as WebClient

pytestmark = pytest.mark.django_db

NAV = re.compile(r'<nav class="nav" aria-label="Main">(.*?)</nav>', re.S)
LINK = re.compile(r'<a href="([^"]+)"( aria-current="page")?>([^<]+)</a>')


def nav_links(web: WebClient, path: str) -> list[tuple[str, bool, str]]:
    response = web.get(path)
    assert response.status_code == 200, path
    found = NAV.search(response.content.decode())
    assert found, f"no main navigation on {path}"
    return [(href, bool(current), label) for href, current, label in LINK.findall(found[1])]


def current_sections(web: WebClient, path: str) -> list[str]:
    return [label for _href, current, label in nav_links(web, path) if current]


def test_owner_sees_every_section_with_its_address(as_owner: WebClient) -> None:
    links = {label: href for href, _current, label in nav_links(as_owner, "/invoices/")}
    assert links == {
        "Home": "/",
        "Invoices": "/invoices/",
        "Credit notes": "/credit-notes/",
        "Quotes": "/quotes/",
        "Recurring": "/recurring/",
        "Clients": "/clients/",
        "Products": "/products/",
        "Reports": "/reports/",
        "Settings": "/settings/",
        "API tokens": "/accounts/tokens/",
        "Olivia Owner": "/accounts/settings/",  # her own settings: name, language, password
    }


def test_colleague_has_no_settings_link(as_colleague: WebClient) -> None:
    labels = [label for _href, _current, label in nav_links(as_colleague, "/invoices/")]
    assert "Settings" not in labels
    assert "Invoices" in labels


@pytest.mark.parametrize(
    ("path", "section"),
    [
        ("/", "Home"),
        ("/invoices/", "Invoices"),
        ("/invoices/new/", "Invoices"),
        ("/credit-notes/", "Credit notes"),
        ("/clients/", "Clients"),
        ("/reports/", "Reports"),
        ("/data/", "Reports"),
        ("/settings/", "Settings"),
    ],
)
def test_the_current_section_is_marked_alone(as_owner: WebClient, path: str, section: str) -> None:
    assert current_sections(as_owner, path) == [section]


def test_a_page_outside_every_section_marks_none(as_owner: WebClient) -> None:
    assert current_sections(as_owner, "/accounts/tokens/") == []
