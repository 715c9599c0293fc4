"""Export, import into an empty database, export again: the same files, byte for byte."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient

from invoicetron.accounts.models import User
from invoicetron.billing import services
from invoicetron.billing.models import Invoice
from invoicetron.reports.csvio.reader import parse
from invoicetron.reports.importers.runner import guess_mapping, run_import
from invoicetron.reports.importers.values import Options
from tests.fixtures import factories
from tests.reports.round_trip import (
    KINDS,
    business_without_credit_notes,
    empty_the_books,
    export_all,
)

pytestmark = pytest.mark.django_db


def test_exported_files_import_into_an_empty_database_and_export_identically(
    owner: User, client: HttpClient
) -> None:
    business_without_credit_notes(owner)
    client.force_login(owner)
    before = export_all(client)
    empty_the_books()
    assert not Invoice.objects.exists()
    for kind in KINDS:
        parsed = parse(before[kind])
        outcome = run_import(
            kind,
            parsed,
            guess_mapping(kind, parsed.header),
            options=Options(),
            by=owner,
            commit=True,
        )
        assert not outcome.errors, (kind, list(outcome.errors))
    after = export_all(client)
    for kind in KINDS:
        assert after[kind] == before[kind], kind
    # The counter moved past the imported numbers: the next invoice follows them.
    draft = factories.draft(owner, for_client=factories.client("New client"))
    assert services.issue_invoice(draft, by=owner).number.endswith("-0005")
