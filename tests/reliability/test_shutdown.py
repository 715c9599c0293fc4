"""SIGTERM while the server is busy: in-flight requests finish, then the process exits in time."""

from __future__ import annotations

import signal
import time

import psycopg
import pytest

from tests.fixtures.processes import http_get
from tests.reliability.load import Call, Load
from tests.reliability.server import App, sign_in

pytestmark = pytest.mark.slow

GRACEFUL = 10  # INVOICETRON_GRACEFUL_TIMEOUT in start_app


def test_sigterm_under_load_finishes_in_flight_requests_and_exits_within_the_grace_period(
    app: App,
) -> None:
    cookie = {"Cookie": f"sessionid={sign_in(app.base)}"}
    with psycopg.connect(app.database.url) as connection:
        row = connection.execute("SELECT min(id) FROM billing_invoice").fetchone()
    assert row is not None
    pdf = Call("pdf", f"{app.base}/invoices/{row[0]}/pdf/", cookie)  # the slowest page
    with Load([pdf, Call("list", f"{app.base}/invoices/", cookie)], threads=2, limit=30) as load:
        time.sleep(2)
        app.process.send_signal(signal.SIGTERM)
        signalled = time.monotonic()
        app.process.wait(timeout=GRACEFUL + 5)
        exited = time.monotonic()
    finished_after = [o for o in load.outcomes if o.started < signalled < o.ended]

    assert app.process.returncode == 0
    assert exited - signalled < GRACEFUL + 1, "the process exits within the grace period"
    assert finished_after and all(o.status == 200 for o in finished_after), [
        (o.name, o.status) for o in finished_after
    ]
    assert not [o for o in load.outcomes if o.status >= 500], "no request failed with a 5xx"
    late = [o for o in load.outcomes if o.started > signalled + 0.5]
    assert all(o.status == 0 for o in late), "new requests are refused once SIGTERM arrives"
    with pytest.raises(OSError):
        http_get(f"{app.base}/api/health")
