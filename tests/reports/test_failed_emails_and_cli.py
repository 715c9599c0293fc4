from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client as HttpClient

from invoicetron.accounts.models import User
from invoicetron.billing.models import Client
from invoicetron.messaging.models import Delivery

pytestmark = pytest.mark.django_db


def test_failed_emails_appear_on_the_dashboard_only_when_some_failed(
    owner: User, client: HttpClient
) -> None:
    client.force_login(owner)
    assert "Failed emails" not in client.get("/dashboard/").content.decode()
    Delivery.objects.create(
        kind="invoice",
        document_type="billing.invoice",
        document_id=1,
        document_label="INV-2026-0001",
        recipients=["ap@globex.example"],
        subject="Invoice INV-2026-0001",
        body="…",
        status="failed",
        last_error="550 mailbox unavailable\nmore detail",
    )
    page = client.get("/dashboard/").content.decode()
    assert "Failed emails (1)" in page
    assert "to ap@globex.example" in page and "550 mailbox unavailable" in page


def test_operators_can_dry_run_and_commit_an_import_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "clients.csv"
    path.write_text("Company,Mail\nInitech,ap@initech.example\n,missing@example.com\n")
    with pytest.raises(CommandError, match="1 errors; nothing was imported"):
        call_command("import_csv", "clients", str(path), "--map", "email=Mail", "--commit")
    assert "row 3, Company: This value is required." in capsys.readouterr().out
    path.write_text("Company,Mail\nInitech,ap@initech.example\n")
    call_command("import_csv", "clients", str(path), "--map", "email=Mail")
    assert "Dry run: would import 1 clients." in capsys.readouterr().out
    assert not Client.objects.exists()
    call_command("import_csv", "clients", str(path), "--map", "email=Mail", "--commit")
    assert Client.objects.get().name == "Initech"
