"""The REST API: one NinjaAPI, one router per resource, OpenAPI at /api/openapi.json."""

from __future__ import annotations

from ninja import NinjaAPI
from ninja.openapi.docs import Swagger

from invoicetron.api.auth import SessionAuth, TokenAuth
from invoicetron.api.errors import install_handlers
from invoicetron.api.guide import GUIDE
from invoicetron.api.routers import (
    business,
    client_credit,
    clients,
    contacts,
    credit_notes,
    deposits,
    einvoices,
    invoices,
    payments,
    products,
    rates,
    refunds,
    series,
    tax_rates,
)

api = NinjaAPI(
    title="Invoicetron API",
    version="1",
    description=GUIDE,
    urls_namespace="api",
    openapi_url="/openapi.json",
    # Swagger UI from the assets django-ninja ships (no CDN: the CSP allows only 'self').
    docs=Swagger(settings={"persistAuthorization": False, "tryItOutEnabled": False}),
    docs_url="/docs",
    auth=[TokenAuth(), SessionAuth()],
)
install_handlers(api)

for prefix, module in [
    ("clients", clients),
    ("contacts", contacts),
    ("products", products),
    ("tax-rates", tax_rates),
    ("number-series", series),
    ("invoices", invoices),
    ("credit-notes", credit_notes),
    ("payments", payments),
    ("refunds", refunds),
    ("business", business),
    ("exchange-rates", rates),
]:
    api.add_router(f"/v1/{prefix}", module.router)
# The e-invoice files of invoices and credit notes, under their resources' paths.
api.add_router("/v1/invoices", einvoices.invoice_router)
api.add_router("/v1/credit-notes", einvoices.credit_note_router)
# Client credit: a client's balance and ledger, and applying it to an invoice (#19).
api.add_router("/v1/clients", client_credit.client_router)
api.add_router("/v1/invoices", client_credit.invoice_router)
api.add_router("/v1/invoices", deposits.invoice_router)
api.add_router("/v1/quotes", deposits.quote_router)
