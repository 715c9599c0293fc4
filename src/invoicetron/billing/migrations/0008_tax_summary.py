"""The tax and sales summaries (billing.models.summary): their tables, the triggers that keep it, and a backfill.

The triggers add a document's tax rows in the transaction that issues it, whichever path issues
it (the services, an import, the API), the way migration 0002 guards issued documents. The
minor units are the ones of billing/currencies.py as of this migration (ISO 4217 rarely changes
one; a later migration would replace the function).
"""

from decimal import Decimal

from django.db import migrations, models

MINOR_UNITS = {
    0: "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX VND VUV XAF XOF XPF",
    3: "BHD IQD JOD KWD LYD OMR TND",
    4: "CLF UYW",
}


def _minor_unit_sql() -> str:
    cases = " ".join(
        f"WHEN code IN ({', '.join(repr(c) for c in codes.split())}) THEN {digits}"
        for digits, codes in MINOR_UNITS.items()
    )
    return f"SELECT CASE {cases} ELSE 2 END"


# One document's tax rows, each converted on its own (money rule 9), grouped by (name, rate) in
# case a breakdown repeats one; NULL rates count as 0, as SUM skipped them in the reports.
_ROWS = """
SELECT t.row->>'name' AS name, (t.row->>'rate')::numeric AS rate,
       COALESCE(SUM(ROUND((t.row->>'base')::numeric * {rate}, {places})), 0) AS base,
       COALESCE(SUM(ROUND((t.row->>'tax')::numeric * {rate}, {places})), 0) AS tax
  FROM jsonb_array_elements({taxes}) AS t(row)
 GROUP BY 1, 2
"""

# A document's tax in the base currency, as reports.amounts.Base.tax computes it.
_SALES_TAX = """CASE WHEN {currency} = base_code AND {rate} = 1 THEN {tax}
     ELSE (SELECT COALESCE(SUM(ROUND((t.row->>'tax')::numeric * {rate}, {places})), 0)
             FROM jsonb_array_elements({taxes}) AS t(row)) END"""

_BASE_CURRENCY = (
    "COALESCE((SELECT p.base_currency FROM billing_businessprofile p WHERE p.singleton), 'EUR')"
)

FORWARD = f"""
CREATE FUNCTION billing_minor_unit(code text) RETURNS integer
    LANGUAGE sql IMMUTABLE AS $$ {_minor_unit_sql()} $$;

CREATE FUNCTION billing_add_to_summaries(
    doc_kind text, doc_day date, doc_currency text, doc_net numeric, doc_tax numeric,
    doc_taxes jsonb, doc_rate numeric
) RETURNS void AS $$
DECLARE
    base_code text := {_BASE_CURRENCY};
    places integer := billing_minor_unit(base_code);
BEGIN
    INSERT INTO billing_taxsummaryday AS s (base_currency, day, kind, name, rate, documents, base, tax)
    SELECT base_code, doc_day, doc_kind, r.name, r.rate, 1, r.base, r.tax
      FROM ({_ROWS.format(rate="doc_rate", places="places", taxes="doc_taxes")}) AS r
    ON CONFLICT (base_currency, day, kind, name, rate) DO UPDATE
       SET documents = s.documents + 1, base = s.base + EXCLUDED.base, tax = s.tax + EXCLUDED.tax;
    INSERT INTO billing_salessummaryday AS s (base_currency, day, kind, documents, net, tax)
    VALUES (base_code, doc_day, doc_kind, 1,
            COALESCE(ROUND(doc_net * doc_rate, places), 0),
            {_SALES_TAX.format(currency="doc_currency", rate="doc_rate", tax="doc_tax", taxes="doc_taxes", places="places")})
    ON CONFLICT (base_currency, day, kind) DO UPDATE
       SET documents = s.documents + 1, net = s.net + EXCLUDED.net, tax = s.tax + EXCLUDED.tax;
END $$ LANGUAGE plpgsql;

CREATE FUNCTION billing_invoice_tax_summary() RETURNS trigger AS $$
BEGIN
    IF NEW.status <> 'draft' AND (TG_OP = 'INSERT' OR OLD.status = 'draft') THEN
        PERFORM billing_add_to_summaries(
            'invoice', NEW.issue_date, NEW.currency, NEW.net_total, NEW.tax_total,
            NEW.snapshot->'totals'->'taxes', NEW.exchange_rate);
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER billing_invoice_tax_summary AFTER INSERT OR UPDATE OF status ON billing_invoice
    FOR EACH ROW EXECUTE FUNCTION billing_invoice_tax_summary();

CREATE FUNCTION billing_creditnote_tax_summary() RETURNS trigger AS $$
BEGIN
    PERFORM billing_add_to_summaries(
        'credit_note', NEW.issue_date, NEW.currency, NEW.net_total, NEW.tax_total,
        NEW.snapshot->'totals'->'taxes',
        (SELECT i.exchange_rate FROM billing_invoice i WHERE i.id = NEW.invoice_id));
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER billing_creditnote_tax_summary AFTER INSERT ON billing_creditnote
    FOR EACH ROW EXECUTE FUNCTION billing_creditnote_tax_summary();
"""

PAYMENTS = f"""
CREATE FUNCTION billing_payment_summary() RETURNS trigger AS $$
DECLARE
    base_code text := {_BASE_CURRENCY};
    places integer := billing_minor_unit(base_code);
    row_sign integer;
    payment billing_payment;
BEGIN
    FOREACH row_sign IN ARRAY ARRAY[-1, 1] LOOP
        CONTINUE WHEN (row_sign = -1 AND TG_OP = 'INSERT') OR (row_sign = 1 AND TG_OP = 'DELETE');
        payment := CASE WHEN row_sign = -1 THEN OLD ELSE NEW END;
        INSERT INTO billing_paymentsummaryday AS s (base_currency, day, method, payments, amount)
        SELECT base_code, payment.date, payment.method, row_sign,
               row_sign * COALESCE(ROUND(payment.amount * i.exchange_rate, places), 0)
          FROM billing_invoice i WHERE i.id = payment.invoice_id
        ON CONFLICT (base_currency, day, method) DO UPDATE
           SET payments = s.payments + EXCLUDED.payments, amount = s.amount + EXCLUDED.amount;
    END LOOP;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER billing_payment_summary AFTER INSERT OR UPDATE OR DELETE ON billing_payment
    FOR EACH ROW EXECUTE FUNCTION billing_payment_summary();
"""

# Existing installations: every issued document's rows, as the triggers would have added them.
_BACKFILL = """
INSERT INTO billing_taxsummaryday (base_currency, day, kind, name, rate, documents, base, tax)
SELECT {base_currency}, d.issue_date, '{kind}', r.name, r.rate, COUNT(*), SUM(r.base), SUM(r.tax)
  FROM {table} d {join}
 CROSS JOIN LATERAL ({rows}) AS r
 WHERE {where}
 GROUP BY d.issue_date, r.name, r.rate;
"""

DOCUMENTS = (
    ("invoice", "billing_invoice", "", "d.exchange_rate", "d.status <> 'draft'"),
    (
        "credit_note",
        "billing_creditnote",
        "JOIN billing_invoice i ON i.id = d.invoice_id",
        "i.exchange_rate",
        "TRUE",
    ),
)

BACKFILL = "\n".join(
    _BACKFILL.format(
        base_currency=_BASE_CURRENCY,
        kind=kind,
        table=table,
        join=join,
        where=where,
        rows=_ROWS.format(
            rate=rate, places=f"billing_minor_unit({_BASE_CURRENCY})", taxes="d.snapshot->'totals'->'taxes'"
        ),
    )
    for kind, table, join, rate, where in DOCUMENTS
)

_SALES_BACKFILL = """
INSERT INTO billing_salessummaryday (base_currency, day, kind, documents, net, tax)
SELECT b.code, d.issue_date, '{kind}', COUNT(*),
       SUM(COALESCE(ROUND(d.net_total * {rate}, b.places), 0)), SUM({tax})
  FROM {table} d {join}
 CROSS JOIN (SELECT {base_currency} AS code, billing_minor_unit({base_currency}) AS places) AS b
 WHERE {where}
 GROUP BY b.code, d.issue_date;
"""

BACKFILL += "\n".join(
    _SALES_BACKFILL.format(
        base_currency=_BASE_CURRENCY,
        kind=kind,
        table=table,
        join=join,
        where=where,
        rate=rate,
        tax=_SALES_TAX.replace("base_code", "b.code").format(
            currency="d.currency",
            rate=rate,
            tax="d.tax_total",
            taxes="d.snapshot->'totals'->'taxes'",
            places="b.places",
        ),
    )
    for kind, table, join, rate, where in DOCUMENTS
)

BACKFILL += f"""
INSERT INTO billing_paymentsummaryday (base_currency, day, method, payments, amount)
SELECT b.code, p.date, p.method, COUNT(*),
       SUM(COALESCE(ROUND(p.amount * i.exchange_rate, b.places), 0))
  FROM billing_payment p JOIN billing_invoice i ON i.id = p.invoice_id
 CROSS JOIN (SELECT {_BASE_CURRENCY} AS code, billing_minor_unit({_BASE_CURRENCY}) AS places) AS b
 GROUP BY b.code, p.date, p.method;
"""

REVERSE = """
DROP TRIGGER billing_payment_summary ON billing_payment;
DROP FUNCTION billing_payment_summary();
DROP TRIGGER billing_creditnote_tax_summary ON billing_creditnote;
DROP FUNCTION billing_creditnote_tax_summary();
DROP TRIGGER billing_invoice_tax_summary ON billing_invoice;
DROP FUNCTION billing_invoice_tax_summary();
DROP FUNCTION billing_add_to_summaries(text, date, text, numeric, numeric, jsonb, numeric);
DROP FUNCTION billing_minor_unit(text);
"""


SUMMARY_TABLES = ("billing_taxsummaryday", "billing_salessummaryday", "billing_paymentsummaryday")
TRIGGER = """
CREATE TRIGGER {table}_marks_change
AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
FOR EACH STATEMENT EXECUTE FUNCTION billing_mark_change();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0007_search_trigram_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="TaxSummaryDay",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("base_currency", models.CharField(max_length=3)),
                ("day", models.DateField()),
                ("kind", models.CharField(choices=[("invoice", "Invoice"), ("credit_note", "Credit note")], max_length=16)),
                ("name", models.TextField()),
                ("rate", models.DecimalField(decimal_places=10, max_digits=20)),
                ("documents", models.PositiveIntegerField(default=0)),
                ("base", models.DecimalField(decimal_places=4, default=Decimal(0), max_digits=30)),
                ("tax", models.DecimalField(decimal_places=4, default=Decimal(0), max_digits=30)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("base_currency", "day", "kind", "name", "rate"),
                        name="billing_taxsummaryday_key",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="SalesSummaryDay",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("base_currency", models.CharField(max_length=3)),
                ("day", models.DateField()),
                ("kind", models.CharField(choices=[("invoice", "Invoice"), ("credit_note", "Credit note")], max_length=16)),
                ("documents", models.PositiveIntegerField(default=0)),
                ("net", models.DecimalField(decimal_places=4, default=Decimal(0), max_digits=30)),
                ("tax", models.DecimalField(decimal_places=4, default=Decimal(0), max_digits=30)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("base_currency", "day", "kind"), name="billing_salessummaryday_key"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="PaymentSummaryDay",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("base_currency", models.CharField(max_length=3)),
                ("day", models.DateField()),
                ("method", models.CharField(max_length=16)),
                ("payments", models.IntegerField(default=0)),
                ("amount", models.DecimalField(decimal_places=4, default=Decimal(0), max_digits=30)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("base_currency", "day", "method"), name="billing_paymentsummaryday_key"
                    )
                ],
            },
        ),
        migrations.RunSQL(FORWARD + PAYMENTS + BACKFILL, REVERSE),
        # The summaries move only with the billing writes that already move the change marker
        # (0006), but every billing table carries its trigger, so that no exception has to be
        # remembered (tests/billing/test_change_marker.py).
        migrations.RunSQL(
            "".join(TRIGGER.format(table=table) for table in SUMMARY_TABLES),
            "".join(f"DROP TRIGGER {table}_marks_change ON {table};" for table in SUMMARY_TABLES),
        ),
    ]
