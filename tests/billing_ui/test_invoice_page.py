"""The invoice page's lines, history and payment form: the HTML their tags write is the
templates', the history's pages are counted only when needed, a refused payment shows its errors,
and payments, credit notes and public links are listed as before, in a fixed number of queries."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django import forms
from django.db import connection
from django.template import engines
from django.test import Client as WebClient
from django.test.html import parse_html
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from invoicetron.accounts.models import User
from invoicetron.billing import services
from invoicetron.billing.forms.invoices import IssueForm, PaymentForm
from invoicetron.billing.models import AuditEvent, CreditNote, Invoice, Payment
from invoicetron.billing.templatetags.invoice_page import line_rows, plain_form, trail_rows
from invoicetron.portal.services import create_link
from tests.fixtures import factories

# The history's rows as the page's template wrote them before the `trail_rows` tag.
TEMPLATE_ROWS = """{% load billing %}{% for event in trail %}
  <tr><td>{{ event.created_at|date:"Y-m-d H:i" }}</td><td>{{ event.actor_label }}</td><td>{{ event.get_action_display }}{% if event.object_type != "billing.invoice" %} <span class="help">{{ event.object_repr }}</span>{% endif %}</td>
  <td><ul class="changes">{% for name, old, new in event|changes %}<li><span class="field-name">{{ name }}</span> {% if old is not None %}{{ old|truncatechars:80 }} → {% endif %}{{ new|truncatechars:120 }}</li>{% endfor %}</ul></td></tr>
  {% endfor %}"""  # noqa: E501 (the template's lines, as they were)

ROWS = re.compile(r'<table class="trail">.*?<tbody>(.*?)</tbody>', re.S)
AT = datetime.datetime(2026, 3, 1, 23, 30, tzinfo=datetime.UTC)


def event(action: str, object_type: str = "billing.invoice", **values: object) -> AuditEvent:
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
    event("something_new", actor="", new={"meta": {"a": 1, "b": [1, 2]}, "created_by": 3}),
    event("issue", old={"status": "draft"}, new={"status": "issued"}),
]


def test_the_history_rows_are_those_the_template_wrote() -> None:
    template = engines["django"].from_string(TEMPLATE_ROWS)
    for zone in ("UTC", "Europe/Paris", "Pacific/Auckland"):
        with timezone.override(zone):
            expected = template.render({"trail": EVENTS})
            assert parse_html(trail_rows(EVENTS)) == parse_html(expected), zone


# The lines as the page's template wrote them before the `line_rows` tag.
TEMPLATE_LINES = """{% load billing %}{% for line in lines %}
  <tr>
    <td>{{ line.description }}</td>
    <td class="num">{{ line.quantity|plain }} {{ line.unit }}</td>
    <td class="num">{{ line.unit_price|price:currency }}</td>
    <td>{{ line.taxes|default:"—" }}</td>
    <td class="num">{% if line.discount|plain != "0" %}{% if line.discount_type == "percent" %}{{ line.discount|plain }} %{% else %}{{ line.discount|amount:currency }}{% endif %}{% else %}—{% endif %}</td>
    <td class="num">{{ line.amount|amount:currency }}</td>
  </tr>
  {% endfor %}"""  # noqa: E501 (the template's lines, as they were)


def a_line(description: str, **values: object) -> dict[str, object]:
    defaults = {"quantity": "1.000", "unit": "", "unit_price": "80.00", "taxes": ""}
    rest = {"discount": "0", "discount_type": "percent", "amount": Decimal("80.00")}
    return {"description": description, **defaults, **rest, **values}


LINES = [
    a_line("Design <b>work</b> & more", quantity="3.500", unit="hour", taxes="VAT 20 %"),
    a_line("Discounted", discount="10.00", discount_type="percent", unit_price="19.9"),
    a_line("Less", discount=Decimal("5.50"), discount_type="amount", amount=Decimal("1234.5")),
    a_line("Zero", discount=Decimal("0.000"), quantity=Decimal("2"), unit_price=Decimal("0.125")),
    a_line("", unit="<u>", taxes="VAT 5.5 %, Eco 1 %", amount="-12.30"),
]


@pytest.mark.parametrize("currency", ["EUR", "JPY", "BHD"])
def test_the_lines_are_those_the_template_wrote(currency: str) -> None:
    template = engines["django"].from_string(TEMPLATE_LINES)
    expected = template.render({"lines": LINES, "currency": currency})
    assert line_rows(LINES, currency) == expected


def history(web: WebClient, invoice: Invoice, query: str = "") -> str:
    response = web.get(reverse("billing:invoice", args=[invoice.pk]) + query)
    assert response.status_code == 200
    return response.content.decode()


def add_events(invoice: Invoice, count: int) -> None:
    AuditEvent.objects.bulk_create(
        AuditEvent(
            actor_label="owner@example.com",
            action="change",
            object_type="billing.invoice",
            object_id=str(invoice.pk),
            object_repr=str(invoice),
            invoice_id=invoice.pk,
            new_values={"notes": f"note {number}"},
        )
        for number in range(count)
    )


def test_a_short_history_is_shown_whole_without_counting_it(
    as_owner: WebClient, owner: User
) -> None:
    invoice = factories.issued_invoice(owner)
    with CaptureQueriesContext(connection) as captured:
        html = history(as_owner, invoice)
    rows = ROWS.search(html)
    shown = AuditEvent.objects.filter(invoice_id=invoice.pk).count()
    assert rows and rows[1].count("<tr>") == shown
    assert 'aria-label="Pages"' not in html
    assert not [q for q in captured if "COUNT" in q["sql"] and "billing_auditevent" in q["sql"]]


def test_a_long_history_is_counted_and_paged(as_owner: WebClient, owner: User) -> None:
    invoice = factories.issued_invoice(owner)
    add_events(invoice, 30)
    total = AuditEvent.objects.filter(invoice_id=invoice.pk).count()
    for query in ("", "?trail=1", "?trail=x"):
        first = history(as_owner, invoice, query)
        rows = ROWS.search(first)
        assert rows and rows[1].count("<tr>") == 25, query
        assert f"Page 1 of 2 · {total} in all" in first, query
    second = history(as_owner, invoice, "?trail=2")
    rows = ROWS.search(second)
    assert rows and rows[1].count("<tr>") == total - 25
    assert f"Page 2 of 2 · {total} in all" in second
    assert "Page 2 of 2" in history(as_owner, invoice, "?trail=9")  # past the end: the last


class Assorted(forms.Form):
    description = forms.CharField(help_text="What <b>it</b> was & why", max_length=80)
    count = forms.IntegerField(min_value=1, initial=3)
    email = forms.EmailField(required=False, label="Copy to")
    kind = forms.ChoiceField(choices=[("", "—"), ("a", "A & B"), ("b", "<b>")], required=False)


class WithCheckBox(forms.Form):
    name = forms.CharField()
    agreed = forms.BooleanField()


class WithChoices(forms.Form):
    kinds = forms.MultipleChoiceField(choices=[("a", "A")])


class WithGroups(forms.Form):
    kind = forms.ChoiceField(choices=[("Group", [("a", "A")])])


@pytest.mark.parametrize(
    "form",
    [
        PaymentForm(initial={"date": datetime.date(2026, 3, 1), "amount": "1574.98"}),
        PaymentForm(initial={"amount": "12", "method": "cash", "reference": '"Q" <1>'}),
        PaymentForm(),
        IssueForm(),
        Assorted(),
        Assorted(initial={"description": "Café & co", "kind": "b", "count": 0}),
    ],
)
def test_a_new_form_is_written_as_the_form_template_renders_it(form: forms.Form) -> None:
    expected = engines["django"].from_string('{% include "billing/_form.html" %}')
    rendered = expected.render({"form": form})
    assert plain_form(form) == rendered
    assert parse_html(plain_form(form)) == parse_html(rendered)


@pytest.mark.parametrize(
    "form",
    [
        PaymentForm({"amount": "x", "date": "2026-03-01", "method": "cash"}),
        PaymentForm({"amount": "1", "date": "2026-03-01", "method": "cash"}),
        WithCheckBox(),
        WithChoices(),
        WithGroups(),
    ],
)
def test_other_forms_are_left_to_the_templates(form: forms.Form) -> None:
    assert plain_form(form) == ""


def test_a_refused_payment_shows_the_form_again_with_its_error(
    as_owner: WebClient, owner: User
) -> None:
    invoice = factories.issued_invoice(owner)
    url = reverse("billing:invoice_pay", args=[invoice.pk])
    response = as_owner.post(url, {"amount": "12.345", "date": "2026-03-01", "method": "cash"})
    assert response.status_code == 400
    html = response.content.decode()
    assert '<div class="field field-error">' in html
    assert 'value="12.345"' in html and '<option value="cash" selected>' in html
    assert "EUR amounts have 2 decimals at most." in html
    assert 'aria-invalid="true"' in html


def test_payments_and_credit_notes_are_listed_newest_first(
    as_owner: WebClient, owner: User
) -> None:
    invoice = factories.issued_invoice(owner)
    for day, amount in ((3, "10"), (5, "20"), (3, "30"), (4, "40")):
        services.record_payment(invoice, amount=amount, by=owner, date=datetime.date(2026, 3, day))
    line_id = invoice.snapshot["lines"][1]["id"] if invoice.snapshot else 0
    for day in (2, 9, 9):
        services.create_credit_note(
            invoice,
            by=owner,
            lines=[services.CreditLine(line_id, "0.1")],
            issue_date=datetime.date(2026, 3, day),
        )
    response = as_owner.get(reverse("billing:invoice", args=[invoice.pk]))
    payments = list(Payment.objects.filter(invoice=invoice))  # in Payment.Meta.ordering
    assert response.context["payments"] == payments
    assert [payment.amount for payment in payments] == [20, 40, 30, 10]
    notes = list(CreditNote.objects.filter(invoice=invoice))
    assert response.context["credit_notes"] == notes and len(notes) == 3


def test_public_links_and_their_creators_cost_the_same_queries_however_many(
    as_owner: WebClient, owner: User, colleague: User
) -> None:
    invoice = factories.issued_invoice(owner)
    url = reverse("billing:invoice", args=[invoice.pk])
    create_link(invoice, by=owner)
    with CaptureQueriesContext(connection) as one:
        assert as_owner.get(url).status_code == 200
    create_link(invoice, by=colleague)
    create_link(invoice, by=None)  # for an email
    with CaptureQueriesContext(connection) as three:
        html = as_owner.get(url).content.decode()
    assert len(three) == len(one)
    assert "by Olivia Owner" in html and "by Carl Colleague" in html and "for an email" in html
