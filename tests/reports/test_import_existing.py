"""Re-importing an export: existing records are skipped or updated, never duplicated (issue 13).

A client and a product are matched by name, an invoice by its number. Issued invoices never
change: with "update" an existing invoice is left as it is, and the page says so.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client as HttpClient

from invoicetron.accounts.models import User
from invoicetron.billing.models import Client, Invoice, Product
from tests.reports.importing import commit, dry_run
from tests.reports.round_trip import business_without_credit_notes, export_all

pytestmark = pytest.mark.usefixtures("job_tables")


@pytest.fixture
def exported(owner: User, client: HttpClient) -> dict[str, bytes]:
    business_without_credit_notes(owner)
    client.force_login(owner)
    return export_all(client)


def test_by_default_existing_records_are_errors(
    exported: dict[str, bytes], client: HttpClient
) -> None:
    page, _url = dry_run(client, "clients", exported["clients"])
    assert "A client named “Globex Corporation” already exists." in page


@pytest.mark.parametrize("kind", ["clients", "products", "invoices"])
def test_skipping_existing_records_imports_an_export_again_without_errors(
    exported: dict[str, bytes], client: HttpClient, kind: str
) -> None:
    counts = (Client.objects.count(), Product.objects.count(), Invoice.objects.count())
    page, _url = dry_run(client, kind, exported[kind], existing="skip")
    assert "No errors." in page, page
    assert "already exist and will be skipped" in page
    page = commit(client, page)
    assert "Imported" in page and "skipped" in page
    assert (Client.objects.count(), Product.objects.count(), Invoice.objects.count()) == counts


def test_updating_existing_clients_and_products_changes_them_and_adds_new_ones(
    exported: dict[str, bytes], client: HttpClient
) -> None:
    clients = exported["clients"].replace(b",ap@globex.example,", b",billing@globex.example,")
    assert clients != exported["clients"]
    clients += b"New Client,new@client.example,,,,,,,,\r\n"
    page, _url = dry_run(client, "clients", clients, existing="update")
    assert "No errors." in page and "2 clients will be updated" in page
    commit(client, page)
    globex = Client.objects.get(name="Globex Corporation")
    assert globex.primary_contact.email == "billing@globex.example"  # type: ignore[union-attr]
    assert globex.payment_terms_days == 15, "unchanged columns stay as they were"
    assert Client.objects.filter(name="New Client").exists()

    products = exported["products"].replace(b"Design work,,hour,80,", b"Design work,,hour,95,")
    assert products != exported["products"]
    page, _url = dry_run(client, "products", products, existing="update")
    assert "No errors." in page, page
    commit(client, page)
    assert Product.objects.get(name="Design work").unit_price == Decimal(95)
    assert Product.objects.get(name="Design work").default_taxes.count() == 1


def test_updating_never_changes_an_issued_invoice(
    exported: dict[str, bytes], client: HttpClient
) -> None:
    before = {i.number: (i.total, i.lines.first().description) for i in Invoice.objects.all()}  # type: ignore[union-attr]
    changed = exported["invoices"].replace(b"Travel", b"Travel and lodging")
    page, _url = dry_run(client, "invoices", changed, existing="update")
    assert "Issued invoices never change" in page
    assert "No errors." in page
    page = commit(client, page)
    after = {i.number: (i.total, i.lines.first().description) for i in Invoice.objects.all()}  # type: ignore[union-attr]
    assert after == before


def test_the_command_line_import_skips_existing_records_too(
    exported: dict[str, bytes], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "clients.csv"
    path.write_bytes(exported["clients"] + b"New Client,new@client.example,,,,,,,,\r\n")
    with pytest.raises(CommandError, match="2 errors; nothing was imported"):
        call_command("import_csv", "clients", str(path), "--commit")
    call_command("import_csv", "clients", str(path), "--commit", "--existing", "skip")
    assert "Imported 1 clients; 2 clients skipped (they exist)." in capsys.readouterr().out
    assert Client.objects.count() == 3
