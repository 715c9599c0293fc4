"""A client's document language goes out with the clients' CSV export and comes back in."""

from __future__ import annotations

import pytest

from invoicetron.accounts.models import User
from invoicetron.billing.models import Client
from invoicetron.reports.csvio.columns import CLIENT_COLUMNS
from invoicetron.reports.csvio.exports import client_rows
from invoicetron.reports.csvio.reader import parse
from invoicetron.reports.importers.runner import guess_mapping, run_import
from invoicetron.reports.importers.values import Options
from tests.fixtures import factories

pytestmark = pytest.mark.django_db


def test_the_language_column_is_exported_and_imported_and_checked(owner: User) -> None:
    factories.client("Société Dupont", language="fr")
    [row] = client_rows()
    assert dict(zip(CLIENT_COLUMNS, row, strict=True))["language"] == "fr"

    text = "Name;Language\nMüller GmbH;DE\nRossi SpA;it\n"
    parsed = parse(text.encode())
    mapping = guess_mapping("clients", parsed.header)
    result = run_import("clients", parsed, mapping, options=Options(), by=owner, commit=False)
    [error] = result.errors
    assert (error.row, error.column) == (3, "Language")  # the file's own heading
    assert "“it” is not one of en, de, fr, es" in error.message

    parsed = parse(b"Name;Language\nM\xc3\xbcller GmbH;DE\n")
    run_import("clients", parsed, mapping, options=Options(), by=owner, commit=True)
    assert Client.objects.get(name="Müller GmbH").language == "de"
