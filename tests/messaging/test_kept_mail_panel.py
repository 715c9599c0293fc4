"""The invoice page keeps its email panel (messaging/caching.py) while neither billing's nor
messaging's change marker moves: a kept page reads none of the panel's tables, and after each
kind of change it shows is the page rendered afresh, whoever makes the change (a service here,
raw SQL on another connection as the worker or another process would).

These tests commit their data (transaction=True): nothing read inside a transaction that has
written is kept (its rows could still be rolled back), and a test that kept nothing would prove
nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import psycopg
import pytest
from django.apps import apps
from django.core.cache import caches
from django.db import connection
from django.test import Client as WebClient
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from invoicetron.accounts.models import User
from invoicetron.billing import services
from invoicetron.billing.models import Invoice
from invoicetron.messaging.caching import change_marker
from invoicetron.messaging.models import Delivery
from invoicetron.messaging.services import queue_email, save_template
from invoicetron.portal.services import create_link, revoke_link
from tests.fixtures import factories
from tests.fixtures.processes import shared_database_url

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("job_tables")]

# The parts of a page that differ on every render, kept or not: the CSRF token is masked anew.
TOKENS = re.compile(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+')
# What the panel reads when it is not kept.
PANEL_TABLES = (
    "messaging_delivery",
    "messaging_emailtemplate",
    "portal_publiclink",
    "billing_contact",
    "billing_businessprofile",
    "billing_creditnote",
)


@pytest.fixture(autouse=True)
def _english_afterwards() -> Iterator[None]:
    """LocaleMiddleware leaves the chosen language active in the thread: reset it."""
    yield
    translation.deactivate()


@pytest.fixture
def issued(owner: User) -> Invoice:
    factories.business()
    invoice = factories.issued_invoice(owner)
    services.record_payment(invoice, amount="10", by=owner)
    return invoice


def page(web: WebClient, url: str) -> str:
    response = web.get(url)
    assert response.status_code == 200
    return TOKENS.sub(r"\1…", response.content.decode())


def afresh(web: WebClient, url: str) -> str:
    caches["fragments"].clear()
    return page(web, url)


def tables_read(web: WebClient, url: str) -> set[str]:
    with CaptureQueriesContext(connection) as captured:
        assert web.get(url).status_code == 200
    sql = " ".join(query["sql"] for query in captured.captured_queries)
    return {table for table in PANEL_TABLES if f'FROM "{table}"' in sql}


def elsewhere(sql: str, *params: object) -> None:
    """`sql`, committed on a connection of its own (as the worker or another process would)."""
    with psycopg.connect(shared_database_url(), autocommit=True) as other:
        other.execute(sql, params)  # type: ignore[arg-type]


def test_a_kept_panel_reads_none_of_its_tables_and_is_the_panel_read_afresh(
    as_owner: WebClient, owner: User, issued: Invoice
) -> None:
    queue_email(issued, by=owner)
    create_link(issued, by=owner)
    url = f"/invoices/{issued.pk}/"
    first = afresh(as_owner, url)
    assert tables_read(as_owner, url) == set(), "the panel is kept"
    assert page(as_owner, url) == first == afresh(as_owner, url)
    assert "Link to" in first and "delivery-queued" in first


# Each change: whatever it needs first, then (the change itself, a text it makes the page show).
Change = tuple[Callable[[], object], str]


def queued(invoice: Invoice, owner: User, web: WebClient) -> Change:
    return lambda: queue_email(invoice, by=owner), "delivery-queued"


def sent(invoice: Invoice, owner: User, web: WebClient) -> Change:
    delivery = queue_email(invoice, by=owner)
    sql = "UPDATE messaging_delivery SET status = 'sent', sent_at = now() WHERE id = %s"
    return lambda: elsewhere(sql, delivery.pk), "delivery-sent"


def failed(invoice: Invoice, owner: User, web: WebClient) -> Change:
    delivery = queue_email(invoice, by=owner)
    sql = "UPDATE messaging_delivery SET status = 'failed', last_error = %s WHERE id = %s"
    return lambda: elsewhere(sql, "550 no such mailbox", delivery.pk), "550 no such mailbox"


def paid(invoice: Invoice, owner: User, web: WebClient) -> Change:
    return lambda: services.record_payment(invoice, amount="5.55", by=owner), "5.55"


def refunded(invoice: Invoice, owner: User, web: WebClient) -> Change:
    payment = invoice.payments.get()
    return lambda: services.record_refund(payment, amount="3.33", by=owner), "3.33"


def in_german(invoice: Invoice, owner: User, web: WebClient) -> Change:
    def choose() -> None:
        answer = web.post("/accounts/settings/", {"full_name": "Olivia Owner", "language": "de"})
        assert answer.status_code == 302
        web.get(answer["Location"])  # shows (and so spends) the "saved" message

    return choose, "Per E-Mail senden"


def template_saved(invoice: Invoice, owner: User, web: WebClient) -> Change:
    def save() -> None:
        save_template("invoice", subject="Your bill {{ number }}", body="Hi", by=owner)

    return save, f"Your bill {invoice.number}"


def link_made(invoice: Invoice, owner: User, web: WebClient) -> Change:
    return lambda: create_link(invoice, by=owner), "never opened"


def link_opened(invoice: Invoice, owner: User, web: WebClient) -> Change:
    link, _address = create_link(invoice, by=owner)
    sql = "UPDATE portal_publiclink SET last_viewed_at = now() WHERE id = %s"
    return lambda: elsewhere(sql, link.pk), "last opened"


def link_revoked(invoice: Invoice, owner: User, web: WebClient) -> Change:
    link, _address = create_link(invoice, by=owner)
    return lambda: revoke_link(link, by=owner), "No active link."


def credit_note_issued(invoice: Invoice, owner: User, web: WebClient) -> Change:
    line_id = invoice.snapshot["lines"][0]["id"] if invoice.snapshot else 0
    lines = [services.CreditLine(line_id, "1")]
    return lambda: services.create_credit_note(invoice, by=owner, lines=lines), "Email credit note"


def contact_added(invoice: Invoice, owner: User, web: WebClient) -> Change:
    sql = (
        "INSERT INTO billing_contact (client_id, name, email, phone, is_primary) "
        "VALUES (%s, 'Ada Accounts', 'ada@globex.example', '', false)"
    )
    return lambda: elsewhere(sql, invoice.client_id), "Ada Accounts &lt;ada@globex.example&gt;"


@pytest.mark.parametrize(
    "prepare",
    [
        queued,
        sent,
        failed,
        paid,
        refunded,
        in_german,
        template_saved,
        link_made,
        link_opened,
        link_revoked,
        credit_note_issued,
        contact_added,
    ],
)
def test_after_each_change_the_kept_page_is_the_page_rendered_afresh(
    as_owner: WebClient,
    owner: User,
    issued: Invoice,
    prepare: Callable[[Invoice, User, WebClient], Change],
) -> None:
    url = f"/invoices/{issued.pk}/"
    change, shows = prepare(issued, owner, as_owner)
    before = afresh(as_owner, url)
    assert tables_read(as_owner, url) == set(), "kept before the change"

    change()

    after = page(as_owner, url)
    assert shows in after and shows not in before
    assert after == afresh(as_owner, url)


def test_a_panel_read_while_an_email_is_being_recorded_is_not_kept(
    as_owner: WebClient, owner: User, issued: Invoice
) -> None:
    delivery = queue_email(issued, by=owner)
    url = f"/invoices/{issued.pk}/"
    assert "delivery-sent" not in afresh(as_owner, url)
    # The worker's UPDATE moves the marker before it commits: a panel read in between shows the
    # email queued under the new marker and must not be reused after the commit.
    with psycopg.connect(shared_database_url()) as worker:
        worker.execute("UPDATE messaging_delivery SET status = 'sent' WHERE id = %s", [delivery.pk])
        assert "delivery-sent" not in page(as_owner, url)
    # leaving the block commits

    assert "delivery-sent" in page(as_owner, url)
    assert Delivery.objects.get(pk=delivery.pk).status == "sent"


def test_every_table_the_panel_reads_besides_billing_moves_the_messaging_marker() -> None:
    messaging = apps.get_app_config("messaging").get_models(include_auto_created=True)
    tables = {model._meta.db_table for model in messaging} | {"portal_publiclink", "accounts_user"}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgrelid::regclass::text FROM pg_trigger"
            " WHERE tgfoid = 'messaging_mark_change'::regproc"
        )
        marked = {table for (table,) in cursor.fetchall()}
    # A new table the panel shows needs `CREATE TRIGGER … EXECUTE FUNCTION
    # messaging_mark_change()` in its migration (see messaging/migrations/0005_change_marker.py).
    assert tables - marked == set()
    before = change_marker()
    elsewhere("UPDATE messaging_emailtemplate SET subject = subject")
    assert change_marker().marker > before.marker
