"""A business with one of each document, its names German, and the pages to walk over it: what
the sweep for English left on German pages (test_german_pages.py) reads."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

from django.urls import reverse

from invoicetron.accounts.models import User
from invoicetron.billing import services
from invoicetron.billing.models import Invoice
from invoicetron.quotes.models import Quote
from invoicetron.quotes.services import (
    accept_quote,
    convert_to_invoice,
    create_quote,
    request_deposit,
    send_quote,
)
from tests.fixtures import factories


@dataclass
class Records:
    invoice: Invoice
    deposit: Invoice
    final: Invoice
    quote: Quote
    payment_pk: int
    client_pk: int
    credit_note_pk: int


def german_business(owner: User) -> Records:
    """An issued invoice paid twice over (a refund, client credit kept), a credit note, and a
    quote with a paid deposit invoice and its final invoice."""
    factories.business(name="Muster GmbH", locale="de_DE")
    mwst = factories.tax_rate("MwSt", "19")
    client = factories.client(name="Schmidt AG", country="DE", city="Köln", language="de")
    invoice = factories.issued_invoice(
        owner, for_client=client, lines=[factories.line("Beratung", "2", "100", [mwst])]
    )
    payment = services.record_payment(invoice, amount="238.00", by=owner)
    services.record_refund(payment, amount="10.00", by=owner)
    invoice.refresh_from_db()
    services.record_payment(invoice, amount="20.00", by=owner, keep_excess_as_credit=True)
    note = services.create_credit_note(invoice, by=owner)
    quote = create_quote(
        client=client, by=owner, lines=[factories.line("Umbau", "10", "100", [mwst])]
    )
    quote = send_quote(quote, by=owner, email=False)
    deposit = services.issue_invoice(request_deposit(quote, by=owner, percent="30"), by=owner)
    deposit.refresh_from_db()
    services.record_payment(deposit, amount=deposit.balance_due, by=owner)
    accept_quote(quote, by=owner)
    final = convert_to_invoice(quote, by=owner)
    return Records(invoice, deposit, final, quote, payment.pk, client.pk, note.pk)


def pages(records: Records) -> dict[str, str]:
    """name → URL of the main pages (lists, forms, details, settings, data, reports)."""
    invoice, client = records.invoice.pk, records.client_pk
    named = {
        "dashboard": reverse("reports:dashboard"),
        "invoices": reverse("billing:invoices"),
        "new invoice": reverse("billing:invoice_new"),
        "invoice": reverse("billing:invoice", args=[invoice]),
        "deposit invoice": reverse("billing:invoice", args=[records.deposit.pk]),
        "final invoice": reverse("billing:invoice", args=[records.final.pk]),
        "edit final invoice": reverse("billing:invoice_edit", args=[records.final.pk]),
        "refund": reverse("billing:payment_refund", args=[records.payment_pk]),
        "credit notes": reverse("billing:credit_notes"),
        "clients": reverse("billing:clients"),
        "client": reverse("billing:client", args=[client]),
        "new client": reverse("billing:client_new"),
        "edit client": reverse("billing:client_edit", args=[client]),
        "products": reverse("billing:products"),
        "new product": reverse("billing:product_new"),
        "quotes": reverse("quotes:list"),
        "new quote": reverse("quotes:new"),
        "quote": reverse("quotes:detail", args=[records.quote.pk]),
        "reports": reverse("reports:index"),
        "sales report": reverse("reports:sales"),
        "tax report": reverse("reports:tax"),
        "aging report": reverse("reports:aging"),
        "payments report": reverse("reports:payments"),
        "data": reverse("reports:data"),
        "business settings": reverse("billing:settings"),
        "tax rates": reverse("billing:tax_rates"),
        "series": reverse("billing:series"),
        "exchange rates": reverse("billing:rates"),
        "new exchange rate": reverse("billing:rate_new"),
        "rate import": reverse("billing:rate_import"),
        "recurring": reverse("automation:recurring"),
        "new schedule": reverse("automation:schedule_new"),
        "reminders": reverse("automation:reminders"),
        "webhooks": reverse("automation:webhooks"),
        "email templates": reverse("messaging:templates"),
        "invoice email template": reverse("messaging:template", args=["invoice"]),
        "reminder email template": reverse("messaging:template", args=["reminder"]),
        "api tokens": reverse("api_tokens:list"),
        "two-factor": reverse("accounts:two_factor"),
        "password change": reverse("accounts:password_change"),
        "users": reverse("users:list"),
        "new user": reverse("users:new"),
        "your settings": reverse("accounts:profile"),
    }
    return named


class TextNodes(HTMLParser):
    """The text a reader sees: text nodes and the attributes read aloud or shown (title,
    placeholder, aria-label, alt), without scripts, styles and code."""

    SHOWN_ATTRIBUTES = frozenset({"title", "placeholder", "aria-label", "alt"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "template", "code"):
            self.hidden += 1
        for name, value in attrs:
            if value and name in self.SHOWN_ATTRIBUTES:
                self.found.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template", "code"):
            self.hidden = max(0, self.hidden - 1)

    def handle_data(self, data: str) -> None:
        if not self.hidden and data.strip():
            self.found.append(" ".join(data.split()))


# Words English UI text is made of and German text is not (German shares "Name", "Status",
# "Export", "Bank", "Start", "Filter", so those are left out).
ENGLISH = frozenset(
    {
        *("the", "and", "of", "to", "with", "your", "this", "that", "is", "are", "not", "no"),
        *("yes", "for", "from", "by", "or", "new", "edit", "save", "cancel", "delete", "view"),
        *("invoice", "invoices", "client", "clients", "payment", "payments", "refund"),
        *("refunds", "credit", "deposit", "quote", "quotes", "report", "reports", "settings"),
        *("amount", "total", "date", "due", "paid", "draft", "issued", "sent", "overdue"),
        *("balance", "tax", "taxes", "net", "number", "search", "show", "all", "none", "back"),
        *("next", "previous", "page", "add", "remove", "apply", "record", "download", "upload"),
        *("customer", "open", "closed", "currency", "country", "language", "notes", "terms"),
        *("rate", "rates", "month", "year", "today", "owner", "member", "users", "user", "email"),
    }
)
WORD = re.compile(r"[A-Za-z]+")
# Email addresses, event names (invoice.issued) and template code read the same in every
# language.
CODE = re.compile(r"\S+@\S+|\b[a-z_]+\.[a-z_]+\b|\{\{.*?\}\}|\{%.*?%\}")


def english_texts(html: str) -> list[str]:
    """The texts of a page with two English words or more, or one long English word alone."""
    parser = TextNodes()
    parser.feed(html)
    found = []
    for text in parser.found:
        words = [word.lower() for word in WORD.findall(CODE.sub(" ", text))]
        if sum(word in ENGLISH for word in words) >= 2 or (
            len(words) == 1 and words[0] in ENGLISH and len(words[0]) > 3
        ):
            found.append(text)
    return found
