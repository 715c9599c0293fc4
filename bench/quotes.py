"""Quotes for the benchmark's quote list: one per issued invoice, written by SQL in one statement.

`invoicetron demo-data` makes no quotes; the quote list's rows (search, deep pages) need as many
as there are invoices to mean anything. Each quote copies an issued invoice's client, currency,
dates and total, numbered QUO-… in the default quote series; the newest invoices' quotes are the
newest quotes, as they would be in use.
"""

from __future__ import annotations

import psycopg

QUOTE_SERIES = """
INSERT INTO billing_numberseries (kind, name, pattern, reset, is_default, created_at)
SELECT 'quote', 'Quotes', replace(pattern, 'INV', 'QUO'), reset, true, now()
FROM billing_numberseries WHERE kind = 'invoice' AND is_default
AND NOT EXISTS (SELECT 1 FROM billing_numberseries WHERE kind = 'quote' AND is_default)
"""

QUOTES = """
INSERT INTO quotes_quote (
    status, number, sequence, currency, issue_date, valid_until, prices_include_tax,
    discount_type, discount_value, notes, terms, total, created_at, updated_at, client_id,
    series_id
)
SELECT 'sent', 'QUO' || substr(i.number, 4), i.sequence, i.currency, i.issue_date,
    i.issue_date + 30, false, 'percent', 0, '', '', i.total,
    i.issue_date + interval '9 hours' + i.id * interval '1 millisecond', now(), i.client_id,
    series.id
FROM billing_invoice i, (SELECT id FROM billing_numberseries WHERE kind = 'quote' AND is_default)
    AS series
WHERE i.number LIKE 'INV-%' AND NOT EXISTS (
    SELECT 1 FROM quotes_quote q
    WHERE q.series_id = series.id AND q.number = 'QUO' || substr(i.number, 4)
)
"""


def add(url: str) -> int:
    """One sent quote per issued invoice numbered INV-… that has none yet; returns how many
    were added."""
    with psycopg.connect(url) as connection:
        connection.execute(QUOTE_SERIES)
        added = connection.execute(QUOTES).rowcount
        connection.execute("ANALYZE quotes_quote")
    return added
