"""Large exports share a server process with everyone else: at most two at once per process.

A slot is taken when the export's response is made and given back when its download ends, fails
or is abandoned (Django closes every response), even if it never began.
"""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import connection
from django.http.response import HttpResponseBase
from django.test import Client as HttpClient

from invoicetron.accounts.models import User
from invoicetron.reports.csvio import sqlcsv
from invoicetron.reports.csvio.writer import EXPORTS_PER_PROCESS
from tests.fixtures.books import books

pytestmark = pytest.mark.django_db


def abandon(response: HttpResponseBase) -> None:
    """Close the response as the server does when its client goes away.

    The end of a request closes a connection left outside autocommit; the test's database
    connection is one such, kept open here as Django's test client keeps it for its own closes.
    """
    with mock.patch.object(connection, "close_if_unusable_or_obsolete"):
        response.close()


@pytest.fixture
def signed_in(owner: User, client: HttpClient) -> HttpClient:
    books(owner)
    client.force_login(owner)
    return client


def test_a_third_export_at_once_is_asked_to_come_back_while_the_health_check_answers(
    signed_in: HttpClient,
) -> None:
    assert EXPORTS_PER_PROCESS == 2
    running = [
        signed_in.get("/data/export/invoices.csv"),
        signed_in.get("/reports/payments/?format=csv"),
    ]
    assert [response.status_code for response in running] == [200, 200]
    refused = signed_in.get("/data/export/payments.csv")
    assert refused.status_code == 503
    assert refused["Retry-After"] == "30"
    assert "Try again in 30 seconds" in refused.content.decode()
    assert signed_in.get("/api/health").status_code == 200
    abandon(running[0])  # the client went away before the first byte
    again = signed_in.get("/data/export/payments.csv")
    assert again.status_code == 200
    assert b"".join(again.streaming_content).count(b"\r\n") == 3  # type: ignore[attr-defined]
    abandon(running[1])


def test_finished_and_abandoned_downloads_give_their_slot_back(signed_in: HttpClient) -> None:
    for _ in range(3):
        whole = signed_in.get("/data/export/invoices.csv")
        assert b"".join(whole.streaming_content).count(b"\r\n") == 9  # type: ignore[attr-defined]
    for _ in range(3):
        started = signed_in.get("/data/export/invoices.csv")
        next(iter(started.streaming_content))  # type: ignore[attr-defined]
        abandon(started)  # mid-download: the transaction it read in is rolled back
    assert signed_in.get("/data/export/clients.csv").status_code == 200


def test_a_download_abandoned_during_its_copy_leaves_the_connection_usable(
    signed_in: HttpClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlcsv, "ROWS_PER_CHUNK", 1)  # each row its own chunk: stop after one
    for path in ("/data/export/invoices.csv", "/data/export/payments.csv"):
        started = signed_in.get(path)
        chunks = iter(started.streaming_content)  # type: ignore[attr-defined]
        header, first_row = next(chunks), next(chunks)
        assert header.startswith(b"\xef\xbb\xbf") and first_row.endswith(b"\r\n")
        abandon(started)
        with connection.cursor() as cursor:  # no longer in COPY: the connection answers
            cursor.execute("SELECT 1")
            assert cursor.fetchone() == (1,)
    whole = signed_in.get("/data/export/invoices.csv")
    assert b"".join(whole.streaming_content).count(b"\r\n") == 9  # type: ignore[attr-defined]
