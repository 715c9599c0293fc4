"""`{% id_url %}` gives the addresses `reverse()` gives, under any script prefix."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.template import engines
from django.urls import get_script_prefix, reverse, set_script_prefix

from invoicetron.web.templatetags.id_urls import id_url

ADDRESSES: list[tuple[str, tuple[object, ...]]] = [
    ("billing:invoice", (1,)),
    ("billing:invoice_pdf", (0,)),
    ("billing:invoice_pay", (987654321,)),
    ("billing:client", (42,)),
    ("billing:payment_delete", (7,)),
    ("messaging:send", ("credit-note", 12)),
    ("messaging:new_link", ("invoice", 3)),
    ("messaging:revoke", (5,)),
]


@pytest.fixture(params=["/", "/books/", "/a b/"])
def script_prefix(request: pytest.FixtureRequest) -> Iterator[str]:
    before = get_script_prefix()
    set_script_prefix(request.param)
    yield request.param
    set_script_prefix(before)


@pytest.mark.parametrize(("name", "args"), ADDRESSES)
def test_an_address_is_the_one_reverse_gives(
    name: str, args: tuple[object, ...], script_prefix: str
) -> None:
    assert id_url(name, *args) == reverse(name, args=args)
    assert id_url(name, *args).startswith(script_prefix.replace(" ", "%20"))


def test_other_arguments_are_reversed_as_given() -> None:
    assert id_url("billing:invoice", "17") == reverse("billing:invoice", args=["17"])
    assert id_url("messaging:send", "quote", 4) == reverse("messaging:send", args=["quote", 4])


def test_the_tag_writes_the_address_as_the_url_tag_does() -> None:
    source = (
        "{% load id_urls %}{% id_url 'messaging:send' slug pk %}|{% url 'messaging:send' slug pk %}"
    )
    rendered = engines["django"].from_string(source).render({"slug": "credit-note", "pk": 9})
    ours, django = rendered.split("|")
    assert ours == django
