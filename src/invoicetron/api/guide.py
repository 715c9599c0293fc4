"""The API guide: the OpenAPI description, shown at the top of /api/docs."""

GUIDE = """
Everything the Invoicetron app does with clients, products, invoices, credit notes and payments
can be done through this API. It is versioned: paths start with `/api/v1/`, and a change that
would break a client gets a new version.

## Authentication

Create a **personal API token** on the *API tokens* page of the app (or on the server with
`invoicetron token create --email you@example.com --name erp-sync [--read-only]`). The token is
shown once; only its SHA-256 is stored, so keep it in your secret store. Send it on every
request:

    Authorization: Bearer itron_…

A token acts as its user. A *read-only* token may only `GET`; any other method answers `403`.
As in the app, only an owner's token may create, change or delete tax rates and number series;
other users' tokens read them and get `403` (`owner_only`) for a write.
A revoked or unknown token answers `401`. Revoke a token in the app or with
`invoicetron token revoke --id N`. Signed-in browser sessions work too (this page uses yours),
with the `X-CSRFToken` header on writes.

## Conventions

- **JSON** in and out. **Money and quantities are decimal strings** (`"1234.50"`), never JSON
  numbers; **currencies are ISO 4217 codes** (`"EUR"`). Amounts come back with exactly the
  currency's minor digits (`"1500"` JPY, `"12.50"` EUR, `"1.250"` BHD).
- **The server computes every total** (line amounts, tax breakdown, totals, balance due) with the
  same rules as the app and the PDF. Totals sent by a client are ignored.
- **Lists** answer `{"count", "limit", "offset", "next_after", "items"}`, ordered by `id`. `limit`
  is at most 100 (default 50). **Page with `after`**: pass each page's `next_after` as `after`
  until it is null; every item comes once, at the same speed on any page. `offset` also works, at
  any depth, but costs more the further it is from either end of the list (it walks an index up
  to that point), and an item added or deleted between two pages shifts the later ones: for deep
  pages and to read everything, use `after`. Filters are query parameters, e.g.
  `GET /api/v1/invoices?status=issued&client_id=7&issue_date_from=2026-01-01`.
  To sync, remember when you last asked and pass `updated_since=2026-03-01T10:00:00Z`.
- **Errors** always have one shape, with the path of each refused value:

      {"error": {"code": "validation_error",
                 "message": "Some values were refused; see fields.",
                 "fields": [{"path": "lines.0.quantity", "message": "Enter a number."}]}}

  `400` unreadable request, `401` no or bad token, `403` not allowed (read-only token, CSRF),
  `404` no such object, `409` conflicts with the current state (an issued invoice cannot be
  edited or deleted; an object in use cannot be deleted), `422` a value was refused,
  `503` database unavailable (retry after the `Retry-After` seconds).
- **Idempotency-Key**: `POST /api/v1/invoices/{id}/issue` and `POST /api/v1/payments` accept an
  `Idempotency-Key` header (any unique string, e.g. a UUID). If the connection drops, retry with
  the same key: you get the first response (with `Idempotent-Replayed: true`) and the invoice is
  never issued or paid twice. Reusing a key for a different request answers `422`. A request
  that failed stored nothing, so it may be retried with the same key.

## The whole workflow, from a script

    TOKEN=itron_…  BASE=https://invoices.example.com/api/v1
    H="Authorization: Bearer $TOKEN"

**1. A client** (and its primary contact, who receives invoices):

    curl -H "$H" -H 'Content-Type: application/json' -X POST $BASE/clients \\
         -d '{"name": "Globex Corporation", "currency": "EUR", "payment_terms_days": 30}'
    → 201 {"id": 7, "name": "Globex Corporation", …}

    curl -H "$H" -H 'Content-Type: application/json' -X POST $BASE/contacts \\
         -d '{"client_id": 7, "name": "Hank Scorpio", "email": "ap@globex.example"}'

**2. A draft with its lines** (tax ids from `GET /api/v1/tax-rates`):

    curl -H "$H" -H 'Content-Type: application/json' -X POST $BASE/invoices -d '{
      "client_id": 7,
      "lines": [
        {"description": "Design work", "quantity": "3", "unit": "hour",
         "unit_price": "80.00", "tax_ids": [1]},
        {"description": "Font licence", "quantity": "1", "unit_price": "120.00", "tax_ids": [1]}
      ]}'
    → 201 {"id": 42, "status": "draft", "number": null,
           "totals": {"net_total": "360.00", "tax_total": "72.00", "total": "432.00", …}, …}

Change a draft with `PATCH /api/v1/invoices/42` (sending `lines` replaces all lines); delete it
with `DELETE`. Drafts burn no number.

**3. Issue it** — it gets the next number of its series and is frozen from then on:

    curl -H "$H" -H 'Idempotency-Key: 5f0c…' -X POST $BASE/invoices/42/issue
    → 200 {"id": 42, "status": "issued", "number": "INV-2026-0001",
           "due_date": "2026-04-30", "balance_due": "432.00", …}

An invoice in another currency than the business's takes `{"exchange_rate": "1.0850"}` in the
body; without it, the rate table's rate on the issue date (or the latest before it) is used
(`/api/v1/exchange-rates`, which also imports the ECB's daily file), else the issue is refused.
To correct an issued invoice, create a credit note (`POST /api/v1/credit-notes`).

**4. The PDF:**

    curl -H "$H" -o INV-2026-0001.pdf $BASE/invoices/42/pdf

E-invoices (EN 16931) of an issued invoice or credit note: `/ubl` (Peppol BIS Billing 3.0),
`/cii` (UN/CEFACT CII), `/facturx` (the PDF with the CII inside); `?profile=xrechnung` for
XRechnung 3.0. A draft answers `409`; missing data (the client's country, your VAT id…) `422`
with what to fill in:

    curl -H "$H" -o INV-2026-0001.xml $BASE/invoices/42/ubl

**5. Payments until it is paid:**

    curl -H "$H" -H 'Idempotency-Key: 9a1d…' -H 'Content-Type: application/json' \\
         -X POST $BASE/payments -d '{"invoice_id": 42, "amount": "200.00"}'
    → 201 {"invoice_status": "partially_paid", "invoice_balance_due": "232.00", …}

    curl … -d '{"invoice_id": 42, "amount": "232.00", "method": "card"}'
    → 201 {"invoice_status": "paid", "invoice_balance_due": "0.00", …}

A payment above the balance due is refused (`422`, field `amount`) unless it says
`"keep_excess_as_credit": true`: the excess is then client credit.

**6. Refunds and client credit:** `POST /refunds` `{"payment_id": 7, "amount": "50.00"}` pays
back part of a payment (never more than is left of it; the balance is due again);
`GET /clients/{id}/credit` gives the credit per currency and its ledger;
`POST /invoices/{id}/apply-credit` `{}` settles an invoice with it (as much as there is, or
`"amount"`); `POST /clients/{id}/credit/refunds` `{"currency": "EUR", "amount": "18.00"}` pays
it back. `DELETE /refunds/{id}` undoes a refund recorded by mistake;
`GET /invoices/{id}/applied-credit` lists the credit applied to an invoice and
`DELETE /invoices/{id}/applied-credit/{entry_id}` takes it back.

**7. Deposit invoices:** `POST /invoices/{id}/deposit-invoices` `{"percent": "30"}` drafts a
deposit invoice for part of an invoice draft (the order), which deducts it once issued;
`GET /invoices/{id}/deposit-invoices` lists them (`DELETE /invoices/{id}` removes a draft one).
"""
