"""The fast paths (billing.templatetags.FAST_PATHS): each tag writes exactly its template twin's
HTML from the same context, hostile values included, and no other module writes HTML in Python."""

from __future__ import annotations

import datetime
import importlib
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django import forms
from django.template.loader import get_template
from django.test import Client as WebClient
from django.test.html import parse_html
from django.utils import timezone

import invoicetron
from invoicetron.billing.forms.invoices import InvoiceFilterForm, IssueForm, PaymentForm
from invoicetron.billing.models import AuditEvent, Client, Invoice, InvoiceStatus
from invoicetron.billing.templatetags import FAST_PATHS
from invoicetron.billing.templatetags.billing import filter_fields
from invoicetron.billing.templatetags.invoice_page import plain_form

SCRIPT = "<script>alert('x')</script>"
QUOTES = "\"double\" & 'single' &amp; already"
NON_ASCII = "Café\u0301 \u2013 日本 ✓"
TODAY = datetime.date(2026, 3, 1)
AT = datetime.datetime(2026, 3, 1, 23, 30, tzinfo=datetime.UTC)


def an_invoice(pk: int, status: str = InvoiceStatus.ISSUED, **values: Any) -> Invoice:
    client = Client(pk=pk, name=values.pop("client", f"{SCRIPT} {QUOTES}"))
    fields = {"number": f"INV-{pk}", "currency": "EUR", "total": Decimal("1234.5")}
    fields |= {"balance_due": Decimal("1234.5"), "issue_date": TODAY, "due_date": TODAY}
    return Invoice(pk=pk, status=status, client=client, **(fields | values))


INVOICES = [
    an_invoice(1, InvoiceStatus.DRAFT, number="", issue_date=None, due_date=None),
    an_invoice(2, due_date=TODAY - datetime.timedelta(days=1), client=NON_ASCII),
    an_invoice(3, InvoiceStatus.PARTIALLY_PAID, currency="JPY", total=Decimal(1500)),
    an_invoice(4, InvoiceStatus.PAID, balance_due=Decimal(0), currency="BHD", client=QUOTES),
    an_invoice(5, InvoiceStatus.SENT, number=SCRIPT, due_date=datetime.date(2025, 12, 31)),
]


def event(action: str, object_type: str = "billing.invoice", **values: Any) -> AuditEvent:
    return AuditEvent(
        actor_label=str(values.pop("actor", "owner@example.com")),
        created_at=AT,
        action=action,
        object_type=object_type,
        object_id="1",
        object_repr=str(values.pop("repr", "INV-2026-0001")),
        old_values=values.pop("old", {}),
        new_values=values.pop("new", {}),
    )


EVENTS = [
    event("create", new={"number": "", "total": "0.00", "notes": "<b>Hi</b> & bye", "x": None}),
    event(
        "change",
        old={"notes": "a" * 90, "total": "12.50000", "prices_include_tax": False},
        new={"notes": "é" * 130, "total": "13.5", "prices_include_tax": True},
    ),
    event(
        "change",
        old={"line": {"description": "Design", "quantity": "3.000", "unit_price": "80"}},
        new={"line": {"description": "Café\u0301 <x>", "quantity": "2", "taxes": ["VAT 20 %"]}},
    ),
    event("payment", "billing.payment", repr="100.00 on 2026-03-01", new={"amount": "100.00"}),
    event("email", "billing.creditnote", repr="CN <1>", new={"recipients": ["a@x", "b@y"]}),
    event("something_new", actor=SCRIPT, new={"meta": {"a": 1, "b": [1, 2]}, "created_by": 3}),
    event("issue", actor=QUOTES, old={"status": "draft"}, new={"status": "issued"}),
    event("change", repr=NON_ASCII, new={SCRIPT: QUOTES}, old={SCRIPT: NON_ASCII}),
]


class Assorted(forms.Form):
    description = forms.CharField(help_text="What <b>it</b> was & why", max_length=80)
    count = forms.IntegerField(min_value=1, initial=3)
    email = forms.EmailField(required=False, label="Copy to")
    kind = forms.ChoiceField(choices=[("", "—"), ("a", "A & B"), ("b", SCRIPT)], required=False)


class WithCheckBox(forms.Form):
    name = forms.CharField()
    agreed = forms.BooleanField()


class WithChoices(forms.Form):
    kinds = forms.MultipleChoiceField(choices=[("a", "A")])


class WithGroups(forms.Form):
    kind = forms.ChoiceField(choices=[("Group", [("a", "A")])])


FILTERS = [
    {},
    {"status": "overdue"},
    {"status": "draft", "date_from": "2026-01-01", "date_to": "2026-12-31", "client": "7"},
    {"status": "paid", "q": SCRIPT},
    {"date_to": "2026-02-28"},
]


# Per fast path: (the tag's arguments, the twin's context, the time zone) of each case.
Case = tuple[tuple[Any, ...], dict[str, Any], str]
CASES: dict[str, list[Case]] = {
    "invoice_rows": [
        ((INVOICES, TODAY), {"invoices": INVOICES, "today": TODAY}, "UTC"),
        ((INVOICES[1:2], TODAY), {"invoices": INVOICES[1:2], "today": TODAY}, "UTC"),
    ],
    "status_badge": [
        ((invoice, TODAY), {"invoice": invoice, "today": TODAY}, "UTC") for invoice in INVOICES
    ],
    "filter_fields": [
        ((form,), {"form": form}, "UTC")
        for form in (InvoiceFilterForm(), *(InvoiceFilterForm(data) for data in FILTERS))
    ],
    "trail_rows": [
        ((EVENTS,), {"trail": EVENTS}, zone) for zone in ("UTC", "Europe/Paris", "Pacific/Auckland")
    ],
    "plain_form": [
        ((form,), {"form": form}, "UTC")
        for form in (
            PaymentForm(initial={"date": datetime.date(2026, 3, 1), "amount": "1574.98"}),
            PaymentForm(initial={"amount": "12", "method": "cash", "reference": QUOTES}),
            PaymentForm(),
            PaymentForm(initial={"keep_excess_as_credit": True}),  # the check box checked
            WithCheckBox(),
            IssueForm(),
            Assorted(),
            Assorted(initial={"description": f"{NON_ASCII} & {SCRIPT}", "kind": "b", "count": 0}),
        )
    ],
}

PAIRS = [
    pytest.param(path, *case, id=f"{path.tag}-{number}")
    for path in FAST_PATHS
    for number, case in enumerate(CASES.get(path.tag, []))
]


def test_every_fast_path_is_compared_with_its_twin() -> None:
    assert {path.tag for path in FAST_PATHS} == set(CASES)
    assert all(CASES.values())


@pytest.mark.parametrize(("path", "args", "context", "zone"), PAIRS)
def test_a_fast_path_writes_its_twins_html(
    path: Any, args: tuple[Any, ...], context: dict[str, Any], zone: str
) -> None:
    tag = getattr(importlib.import_module(path.library), path.tag)
    with timezone.override(zone):
        written = str(tag(*args))
        expected = get_template(path.twin).render(context)
    assert written, "the tag wrote nothing: the case does not test it"
    assert parse_html(written) == parse_html(expected)
    assert SCRIPT not in written  # escaped, never written as markup


def test_the_filter_fields_show_the_query() -> None:
    """The twin comparison also holds for a tag and twin that both drop the query: not here."""
    html = str(filter_fields(InvoiceFilterForm(FILTERS[2])))
    assert '<option value="draft" selected>' in html
    assert 'name="date_from" value="2026-01-01"' in html
    assert 'name="date_to" value="2026-12-31"' in html
    assert 'name="client" value="7"' in html


def test_a_filter_with_an_error_is_left_to_the_twin_which_shows_the_message(
    as_owner: WebClient,
) -> None:
    assert filter_fields(InvoiceFilterForm({"date_from": "1 March"})) == ""
    response = as_owner.get("/invoices/", {"date_from": "1 March", "status": "draft"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="field field-error"' in html and "Enter a valid date." in html
    assert 'value="1 March"' in html
    assert '<option value="draft" selected>' in html


@pytest.mark.parametrize(
    "form",
    [
        PaymentForm({"amount": "x", "date": "2026-03-01", "method": "cash"}),
        PaymentForm({"amount": "1", "date": "2026-03-01", "method": "cash"}),
        WithChoices(),
        WithGroups(),
    ],
)
def test_other_forms_are_left_to_the_form_template(form: forms.Form) -> None:
    assert plain_form(form) == ""


# A call or an import of Django's HTML builders (a mention in a docstring is neither).
HTML_IN_PYTHON = re.compile(
    r"\b(format_html|format_html_join|mark_safe)\(|^from django\.utils\.(html|safestring) import",
    re.M,
)


def test_no_module_but_the_fast_paths_writes_html_in_python() -> None:
    root = Path(invoicetron.__file__).parent
    writers = {
        ".".join(("invoicetron", *file.relative_to(root).with_suffix("").parts))
        for file in root.rglob("*.py")
        if "migrations" not in file.parts and HTML_IN_PYTHON.search(file.read_text())
    }
    assert writers <= {path.library for path in FAST_PATHS}, writers
