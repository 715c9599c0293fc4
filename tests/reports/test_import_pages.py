"""The import pages from upload to result: labels, the job's page, the commit (issue 13, 14)."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as HttpClient

from invoicetron.accounts.models import User
from invoicetron.automation.worker import run_worker
from invoicetron.billing.models import Client
from invoicetron.reports.models import ImportRun, ImportState
from tests.reports.importing import commit

pytestmark = pytest.mark.usefixtures("job_tables")


def test_the_import_pages_walk_from_upload_to_mapping_to_dry_run_to_commit(
    owner: User, client: HttpClient
) -> None:
    client.force_login(owner)
    upload = SimpleUploadedFile("clients.csv", b"Company,Email\nInitech,ap@initech.example\n")
    response = client.post("/data/", {"kind": "clients", "file": upload})
    stored = ImportRun.objects.get()
    assert response["Location"] == f"/data/import/{stored.pk}/columns/"
    assert stored.mapping == {"name": "Company", "email": "Email"}
    page = client.get(response["Location"]).content.decode()
    assert "Initech" in page and "read as UTF-8" in page
    assert '<label for="id_map_payment_terms_days">Payment terms (days):</label>' in page
    assert '<label for="id_map_name">Name (required):</label>' in page
    assert ">payment_terms_days<" not in page, "labels, not raw field names"
    response = client.post(
        response["Location"],
        {"map_name": "Company", "map_email": "Email", "date_format": "%Y-%m-%d"},
    )
    assert response["Location"] == f"/data/import/{stored.pk}/"
    run_worker(once=True)
    preview = client.get(response["Location"]).content.decode()
    assert "No errors." in preview and "<li>1 client will be created</li>" in preview
    assert not Client.objects.exists()
    done = commit(client, preview)
    assert "Imported 1 client." in done
    assert Client.objects.get().primary_contact.email == "ap@initech.example"  # type: ignore[union-attr]
    stored.refresh_from_db()
    assert stored.state == ImportState.IMPORTED and not bytes(stored.content)
    again = client.post(f"/data/import/{stored.pk}/commit/", follow=True).content.decode()
    assert "Only a dry run without errors can be imported." in again
    assert Client.objects.count() == 1
    refused = client.post("/data/", {"kind": "clients", "file": SimpleUploadedFile("x.csv", b"")})
    assert "empty" in refused.content.decode()


def test_another_users_import_is_not_found(
    owner: User, colleague: User, client: HttpClient
) -> None:
    client.force_login(owner)
    upload = SimpleUploadedFile("clients.csv", b"name\nInitech\n")
    client.post("/data/", {"kind": "clients", "file": upload})
    run = ImportRun.objects.get()
    assert client.get(f"/data/import/{run.pk}/")["Location"] == f"/data/import/{run.pk}/columns/"
    client.force_login(colleague)
    assert client.get(f"/data/import/{run.pk}/").status_code == 404
    assert client.post(f"/data/import/{run.pk}/commit/").status_code == 404


def test_the_data_page_offers_every_export_and_each_link_downloads_its_csv(
    owner: User, client: HttpClient
) -> None:
    """Refunds and the client-credit ledger included: an export the page does not link is one
    nobody finds (the merge of the translated page once dropped them)."""
    client.force_login(owner)
    page = client.get("/data/").content.decode()
    links = set(re.findall(r'href="(/data/export/[a-z-]+\.csv)"', page))
    expected = {"clients", "products", "invoices", "payments", "refunds", "client-credit"}
    assert links == {f"/data/export/{kind}.csv" for kind in expected}
    assert ">Refunds<" in page and ">Client credit<" in page
    for link in sorted(links):
        response = client.get(link)
        assert response.status_code == 200, link
        assert response["Content-Type"].startswith("text/csv"), link
        assert b"".join(response.streaming_content), link  # at least its header row
        response.close()  # gives the export slot back, as the server does after sending
