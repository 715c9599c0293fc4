"""Property-based run of the API against its own OpenAPI document (schemathesis, in-process).

Every operation gets a bounded number of generated requests, authenticated with a read-write
token; each response must not be a 5xx and must match the status codes, content types and
schemas the document declares.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import checks
from schemathesis.config import SchemathesisConfig

from invoicetron.accounts.models import User
from invoicetron.api.tokens import create_token
from invoicetron.billing import services
from invoicetron.billing.models import Contact, ExchangeRate
from tests.fixtures import factories

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

HOST = "testserver"  # a host the test settings allow
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]
# Every operation (42) gets the coverage phase (boundary and invalid values for each parameter,
# about 2,000 requests in all) and then EXAMPLES generated requests: about two minutes in all.
EXAMPLES = 25
CONFIG = SchemathesisConfig.from_dict({"phases": {"coverage": {"enabled": True}}})
schema = schemathesis.openapi.from_wsgi(
    "/api/openapi.json", get_wsgi_application(), config=CONFIG, headers={"Host": HOST}
)


@pytest.fixture
def bearer(owner: User) -> Iterator[dict[str, str]]:
    """A read-write token, and requests that share the test's transaction."""
    # As Django's test client does: the test's connection must outlive each request.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield {"Authorization": f"Bearer {create_token(owner, 'schemathesis').secret}"}
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)


@pytest.fixture
def existing(owner: User) -> dict[str, list[int]]:
    """One row of every resource, by path prefix, so that generated requests can find them."""
    factories.business()
    issued = factories.issued_invoice(by=owner)
    draft = factories.draft(by=owner, for_client=issued.client)
    payment = services.record_payment(issued, amount="10.00", by=owner)
    note = services.create_credit_note(
        issued,
        by=owner,
        lines=[services.CreditLine(issued.lines.first().pk, "1")],  # type: ignore[union-attr]
    )
    contact = Contact.objects.filter(client=issued.client).first()
    return {
        "clients": [issued.client_id],
        "contacts": [contact.pk if contact else 0],
        "products": [factories.product().pk],
        "tax-rates": [factories.tax_rate().pk],
        "number-series": [issued.series_id],
        "invoices": [draft.pk, issued.pk],
        "credit-notes": [note.pk],
        "payments": [payment.pk],
        "exchange-rates": [
            services.save_rate(
                ExchangeRate(currency="USD", date=draft.created_at.date(), rate=Decimal("0.9")),
                by=owner,
            ).pk
        ],
        "invoice-lines": list(issued.lines.values_list("pk", flat=True)),
    }


# Ids in request bodies and queries → the resource they name.
REFERENCES = {
    "client_id": "clients",
    "contact_id": "contacts",
    "product_id": "products",
    "series_id": "number-series",
    "invoice_id": "invoices",
    "invoice_line_id": "invoice-lines",
}


def real_id(generated: Any, rows: list[int]) -> Any:
    """Half of the generated ids (the even ones) become ids of real rows."""
    if isinstance(generated, int) and not isinstance(generated, bool) and generated % 2 == 0:
        return rows[generated // 2 % len(rows)]
    return generated


def point_ids_at(value: Any, existing: dict[str, list[int]]) -> None:
    """Ids in a generated body (nested lines included) or query, pointed at real rows."""
    if isinstance(value, list):
        for item in value:
            point_ids_at(item, existing)
    elif isinstance(value, dict):
        for key, item in value.items():
            if key in REFERENCES:
                value[key] = real_id(item, existing[REFERENCES[key]])
            elif key.endswith("tax_ids") and isinstance(item, list):
                value[key] = [real_id(tax, existing["tax-rates"]) for tax in item]
            else:
                point_ids_at(item, existing)


def point_at_existing_rows(case: Any, existing: dict[str, list[int]]) -> None:
    """Random ids would all be 404s or 422s: half of them name real rows instead."""
    resource = case.path.removeprefix("/api/v1/").split("/")[0]
    if case.path_parameters and "id" in case.path_parameters and resource in existing:
        case.path_parameters["id"] = real_id(case.path_parameters["id"], existing[resource])
    point_ids_at(case.body, existing)
    point_ids_at(case.query, existing)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck)
)
def test_the_api_honours_its_openapi_document(
    case: Any, bearer: dict[str, str], existing: dict[str, list[int]]
) -> None:
    point_at_existing_rows(case, existing)
    case.call_and_validate(base_url=f"http://{HOST}", headers=bearer, checks=CHECKS)
