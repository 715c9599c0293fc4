"""The database stops while the server is under load: fail fast, say 503, recover, lose nothing."""

from __future__ import annotations

import time
from decimal import Decimal

import psycopg
import pytest

from tests.fixtures.processes import http_get
from tests.reliability.load import Call, Load
from tests.reliability.server import App, sign_in, stop_database

pytestmark = pytest.mark.slow


def open_invoices(url: str) -> list[int]:
    with psycopg.connect(url) as connection:
        rows = connection.execute(
            "SELECT id FROM billing_invoice WHERE balance_due > 100 ORDER BY id LIMIT 4"
        ).fetchall()
    return [row[0] for row in rows]


def calls(app: App, cookie: str) -> list[Call]:
    session = {"Cookie": f"sessionid={cookie}"}
    bearer = {"Authorization": f"Bearer {app.database.token}"}
    payments = [
        Call("payment", f"{app.base}/api/v1/payments", bearer, {"invoice_id": pk, "amount": "1"})
        for pk in open_invoices(app.database.url)
    ]
    return [
        Call("list", f"{app.base}/invoices/", session),
        *payments,
        Call("api", f"{app.base}/api/v1/invoices", bearer),
    ]


def settlement_problems(url: str) -> list[str]:
    """Invoices whose stored figures disagree with their payment and credit-note rows."""
    with psycopg.connect(url) as connection:
        rows = connection.execute(
            """
            SELECT i.number, i.total, i.amount_paid, i.amount_credited, i.balance_due,
                   coalesce((SELECT sum(amount) FROM billing_payment WHERE invoice_id = i.id), 0),
                   coalesce((SELECT sum(total) FROM billing_creditnote WHERE invoice_id = i.id), 0),
                   (SELECT count(*) FROM billing_invoiceline l WHERE l.invoice_id = i.id),
                   i.snapshot IS NOT NULL
            FROM billing_invoice i WHERE i.status <> 'draft'
            """
        ).fetchall()
    problems = []
    for number, total, paid, credited, balance, payments, notes, lines, frozen in rows:
        if (paid, credited) != (payments, notes) or balance != total - paid - credited:
            problems.append(f"{number}: stored figures differ from its payments and credits")
        if not lines or not frozen or balance < Decimal(0):
            problems.append(f"{number}: half-written")
    return problems


def payment_count(url: str) -> int:
    with psycopg.connect(url) as connection:
        row = connection.execute("SELECT count(*) FROM billing_payment").fetchone()
    assert row is not None
    return int(row[0])


def test_when_the_database_stops_under_load_requests_fail_fast_and_the_app_recovers(
    app: App,
) -> None:
    server = app.database.server
    cookie = sign_in(app.base)
    before = payment_count(app.database.url)
    with Load(calls(app, cookie), threads=4, limit=60) as load:
        time.sleep(1.5)
        stop_database(server)
        stopped = time.monotonic()
        time.sleep(2)
        assert http_get(f"{app.base}/api/health")[0] == 200
        assert http_get(f"{app.base}/api/ready")[0] == 503
        page = http_get(f"{app.base}/invoices/", {"Cookie": f"sessionid={cookie}"})
        assert page[0] == 503 and page[2]["Retry-After"]
        during = [o for o in load.since(stopped + 0.5) if o.ended < time.monotonic()]
        server.ensure_postgres_running()
        deadline = time.monotonic() + 20
        while http_get(f"{app.base}/api/ready")[0] != 200:
            assert time.monotonic() < deadline, "the app must recover without a restart"
            time.sleep(0.2)
        time.sleep(1)
    outcomes = load.outcomes

    assert during and all(o.status == 503 for o in during), {o.status for o in during}
    assert max(o.seconds for o in during) < 5, "requests fail fast instead of hanging"
    assert not [o for o in outcomes if o.status >= 500 and o.status != 503], "never a 500"
    assert any(o.status in (200, 201) for o in load.since(deadline - 20 + 1)), "served again"
    assert app.process.poll() is None, "recovered without a restart"
    created = sum(1 for o in outcomes if o.name == "payment" and o.status == 201)
    unanswered = sum(1 for o in outcomes if o.name == "payment" and o.status == 0)
    assert created <= payment_count(app.database.url) - before <= created + unanswered
    assert settlement_problems(app.database.url) == []
