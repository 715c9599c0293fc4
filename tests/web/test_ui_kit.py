"""The UI kit (invoicetron.web): one permission helper on every page, links the apps register,
and no import of any app above it."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client as WebClient
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import invoicetron.web
from invoicetron.accounts.models import User
from invoicetron.web import navigation
from invoicetron.web.permissions import ACCESS, MEMBERS, OWNERS
from tests.fixtures import factories

# Pages open before sign-in (or guarded by Django's own views), and the token-authenticated API.
UNGUARDED = {
    "accounts:login",
    "accounts:logout",
    "accounts:setup",
    "accounts:login_code",
    "accounts:password_reset",
    "accounts:password_reset_sent",
    "accounts:password_reset_confirm",
    "accounts:password_reset_complete",
    "accounts:password_change",  # Django's view, which requires sign-in itself
    "accounts:password_changed",
    "accounts:set_language",  # Django's set_language: the sign-in page's language switcher
}
UNGUARDED_NAMESPACES = ("api:", "portal:")  # API tokens; the clients' public links


def pages(patterns: list[Any], namespace: str = "") -> Iterator[tuple[str, Callable[..., Any]]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from pages(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}{pattern.name}", pattern.callback


def access(view: Callable[..., Any] | None) -> str | None:
    """What the permission helper on `view` says, through any other decorators."""
    while view is not None:
        if hasattr(view, ACCESS):
            return str(getattr(view, ACCESS))
        view = getattr(view, "__wrapped__", None)
    return None


def test_every_signed_in_page_goes_through_the_one_permission_helper() -> None:
    unguarded = [
        name
        for name, view in pages(get_resolver().url_patterns)
        if access(view) is None
        and name not in UNGUARDED
        and not name.startswith(UNGUARDED_NAMESPACES)
    ]
    assert unguarded == []


@pytest.fixture
def as_colleague(colleague: User) -> WebClient:
    factories.business()
    web = WebClient()
    web.force_login(colleague)
    return web


MEMBER_PAGES = ["reports:index", "reports:sales", "reports:data", "api_tokens:list", "web:home"]


@pytest.mark.parametrize("name", MEMBER_PAGES)
def test_a_colleague_opens_the_pages_the_helper_gives_to_members(
    as_colleague: WebClient, name: str
) -> None:
    assert access(get_resolver().resolve(reverse(name)).func) == MEMBERS
    assert as_colleague.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", MEMBER_PAGES)
def test_signed_out_visitors_of_reports_and_tokens_are_sent_to_sign_in(
    client: WebClient, name: str
) -> None:
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("name", ["users:list", "users:new", "billing:settings"])
def test_a_colleague_is_refused_the_pages_the_helper_keeps_for_owners(
    as_colleague: WebClient, name: str
) -> None:
    assert access(get_resolver().resolve(reverse(name)).func) == OWNERS
    assert as_colleague.get(reverse(name)).status_code == 403


def test_the_apps_registered_their_sections_and_settings_tabs_in_order() -> None:
    assert [link.label for link in navigation.sections()] == [
        "Home",
        "Invoices",
        "Credit notes",
        "Quotes",
        "Recurring",
        "Clients",
        "Products",
        "Reports",
        "Settings",
    ]
    assert [(link.tab, link.label) for link in navigation.settings_tabs()] == [
        ("business", "Business"),
        ("taxes", "Tax rates"),
        ("series", "Number series"),
        ("rates", "Exchange rates"),
        ("emails", "Emails"),
        ("reminders", "Reminders"),
        ("webhooks", "Webhooks"),
        ("users", "Users"),
    ]


def test_each_settings_page_marks_its_own_tab(db: None, owner: User) -> None:
    factories.business()
    web = WebClient()
    web.force_login(owner)
    for tab in navigation.settings_tabs():
        page = web.get(reverse(tab.url_name)).content.decode()
        assert f'<a href="{reverse(tab.url_name)}" aria-current="page">{tab.label}</a>' in page
        assert page.count('aria-current="page"') == 2  # its main section, and its tab


def test_the_ui_kit_imports_no_other_app() -> None:
    package = Path(invoicetron.web.__file__).parent
    imported = {
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for source in package.rglob("*.py")
        for node in ast.walk(ast.parse(source.read_text()))
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    others = {
        name
        for name in imported
        if name and name.startswith("invoicetron") and not name.startswith("invoicetron.web")
    }
    assert others == set()
