"""The per-client summary (billing.models.summary.ClientSummaryMonth), its triggers and backfill,
and a partial index of what is owed now.

The dashboard's top clients summed a year of invoices, each with a subquery over its credit notes,
after every billing change (about 0.6 s at 100,000 invoices). The triggers keep one row per base
currency, month of issue and client in the transaction of the change, whichever path makes it (the
services, an import, the API, raw SQL), as migration 0008 keeps the per-day summaries:

- an invoice counts once it leaves draft: its total in the base currency (money rule 9, as
  reports.amounts.Base.document_total converts it) and, while it is open, its balance converted
  with its rate; every later change moves its row by the difference (a payment, a credit note,
  sending, a raw UPDATE of its balance);
- a credit note takes its total (converted with its invoice's rate) off its invoice's month.

Issued invoices and credit notes are never deleted and never change their client, date, currency
or amounts (migration 0002), but the triggers take back a row's old figures and add its new ones
anyway, so that they stay right if a guard is ever relaxed.
"""

from decimal import Decimal

import django.db.models.deletion
from django.db import migrations, models

_BASE_CURRENCY = (
    "COALESCE((SELECT p.base_currency FROM billing_businessprofile p WHERE p.singleton), 'EUR')"
)
OPEN_STATUSES = "('issued', 'sent', 'partially_paid')"

FORWARD = f"""
-- A document's total in the base currency, as reports.amounts.Base.document_total computes it.
CREATE FUNCTION billing_total_in_base(
    doc_currency text, net numeric, tax numeric, snapshot jsonb, rate numeric,
    base_code text, places integer
) RETURNS numeric LANGUAGE sql IMMUTABLE AS $$
    SELECT COALESCE(ROUND(net * rate, places), 0)
         + CASE WHEN doc_currency = base_code AND rate = 1 THEN tax
                ELSE (SELECT COALESCE(SUM(ROUND((t.row->>'tax')::numeric * rate, places)), 0)
                        FROM jsonb_array_elements(snapshot->'totals'->'taxes') AS t(row)) END
$$;

-- What an invoice still owes, in the base currency: its balance while open, else nothing.
CREATE FUNCTION billing_owed_in_base(status text, balance numeric, rate numeric, places integer)
RETURNS numeric LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN status IN {OPEN_STATUSES} THEN COALESCE(ROUND(balance * rate, places), 0)
                ELSE 0 END
$$;

CREATE FUNCTION billing_add_to_client_summary(
    base_code text, client bigint, day date, add_documents integer, add_total numeric,
    add_owed numeric
) RETURNS void AS $$
BEGIN
    IF add_documents = 0 AND add_total = 0 AND add_owed = 0 THEN
        RETURN;
    END IF;
    INSERT INTO billing_clientsummarymonth AS s
           (base_currency, client_id, month, documents, total, owed)
    VALUES (base_code, client, date_trunc('month', day)::date, add_documents, add_total, add_owed)
    ON CONFLICT (base_currency, month, client_id) DO UPDATE
       SET documents = s.documents + EXCLUDED.documents, total = s.total + EXCLUDED.total,
           owed = s.owed + EXCLUDED.owed;
END $$ LANGUAGE plpgsql;

CREATE FUNCTION billing_invoice_client_summary() RETURNS trigger AS $$
DECLARE
    base_code text := {_BASE_CURRENCY};
    places integer := billing_minor_unit(base_code);
    counted_before boolean := TG_OP <> 'INSERT' AND OLD.status <> 'draft';
    counted_now boolean := TG_OP <> 'DELETE' AND NEW.status <> 'draft';
    old_total numeric := 0;
    old_owed numeric := 0;
BEGIN
    IF counted_before THEN
        old_owed := billing_owed_in_base(OLD.status, OLD.balance_due, OLD.exchange_rate, places);
    END IF;
    IF counted_before AND counted_now AND NEW.client_id = OLD.client_id
       AND date_trunc('month', NEW.issue_date) = date_trunc('month', OLD.issue_date)
       AND (NEW.currency, NEW.net_total, NEW.tax_total, NEW.exchange_rate)
           IS NOT DISTINCT FROM (OLD.currency, OLD.net_total, OLD.tax_total, OLD.exchange_rate)
    THEN
        -- The usual change of an issued invoice (a payment, a credit note, sending it): only
        -- what it owes can move; its frozen snapshot is not read. (Its tax rows cannot change
        -- without its tax total; migration 0002 refuses both anyway.)
        PERFORM billing_add_to_client_summary(
            base_code, NEW.client_id, NEW.issue_date, 0, 0,
            billing_owed_in_base(NEW.status, NEW.balance_due, NEW.exchange_rate, places) - old_owed);
        RETURN NULL;
    END IF;
    IF counted_before THEN
        old_total := billing_total_in_base(OLD.currency, OLD.net_total, OLD.tax_total,
                                           OLD.snapshot, OLD.exchange_rate, base_code, places);
        PERFORM billing_add_to_client_summary(
            base_code, OLD.client_id, OLD.issue_date, -1, -old_total, -old_owed);
    END IF;
    IF counted_now THEN
        PERFORM billing_add_to_client_summary(
            base_code, NEW.client_id, NEW.issue_date, 1,
            billing_total_in_base(NEW.currency, NEW.net_total, NEW.tax_total, NEW.snapshot,
                                  NEW.exchange_rate, base_code, places),
            billing_owed_in_base(NEW.status, NEW.balance_due, NEW.exchange_rate, places));
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER billing_invoice_client_summary
    AFTER INSERT OR UPDATE OR DELETE ON billing_invoice
    FOR EACH ROW EXECUTE FUNCTION billing_invoice_client_summary();

CREATE FUNCTION billing_creditnote_client_summary() RETURNS trigger AS $$
DECLARE
    base_code text := {_BASE_CURRENCY};
    places integer := billing_minor_unit(base_code);
    row_sign integer;
    note billing_creditnote;
BEGIN
    -- The old row's total goes back on its invoice's month, the new row's comes off.
    FOREACH row_sign IN ARRAY ARRAY[-1, 1] LOOP
        CONTINUE WHEN (row_sign = -1 AND TG_OP = 'INSERT') OR (row_sign = 1 AND TG_OP = 'DELETE');
        note := CASE WHEN row_sign = -1 THEN OLD ELSE NEW END;
        PERFORM billing_add_to_client_summary(
            base_code, i.client_id, i.issue_date, 0,
            -row_sign * billing_total_in_base(note.currency, note.net_total, note.tax_total,
                                              note.snapshot, i.exchange_rate, base_code, places),
            0)
          FROM billing_invoice i WHERE i.id = note.invoice_id AND i.status <> 'draft';
    END LOOP;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER billing_creditnote_client_summary
    AFTER INSERT OR UPDATE OR DELETE ON billing_creditnote
    FOR EACH ROW EXECUTE FUNCTION billing_creditnote_client_summary();

CREATE TRIGGER billing_clientsummarymonth_marks_change
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON billing_clientsummarymonth
    FOR EACH STATEMENT EXECUTE FUNCTION billing_mark_change();
"""

# Existing installations: every issued invoice and credit note, as the triggers would have added it.
BACKFILL = f"""
WITH b AS (SELECT {_BASE_CURRENCY} AS code),
     base AS (SELECT code, billing_minor_unit(code) AS places FROM b),
     credited AS (
         SELECT n.invoice_id,
                SUM(billing_total_in_base(n.currency, n.net_total, n.tax_total, n.snapshot,
                                          i.exchange_rate, base.code, base.places)) AS total
           FROM billing_creditnote n JOIN billing_invoice i ON i.id = n.invoice_id, base
          GROUP BY n.invoice_id)
INSERT INTO billing_clientsummarymonth
       (base_currency, client_id, month, documents, total, owed)
SELECT base.code, i.client_id, date_trunc('month', i.issue_date)::date, COUNT(*),
       SUM(billing_total_in_base(i.currency, i.net_total, i.tax_total, i.snapshot,
                                 i.exchange_rate, base.code, base.places)
           - COALESCE(c.total, 0)),
       SUM(billing_owed_in_base(i.status, i.balance_due, i.exchange_rate, base.places))
  FROM billing_invoice i CROSS JOIN base LEFT JOIN credited c ON c.invoice_id = i.id
 WHERE i.status <> 'draft'
 GROUP BY base.code, i.client_id, date_trunc('month', i.issue_date);
"""

REVERSE = """
DROP TRIGGER billing_clientsummarymonth_marks_change ON billing_clientsummarymonth;
DROP TRIGGER billing_creditnote_client_summary ON billing_creditnote;
DROP FUNCTION billing_creditnote_client_summary();
DROP TRIGGER billing_invoice_client_summary ON billing_invoice;
DROP FUNCTION billing_invoice_client_summary();
DROP FUNCTION billing_add_to_client_summary(text, bigint, date, integer, numeric, numeric);
DROP FUNCTION billing_owed_in_base(text, numeric, numeric, integer);
DROP FUNCTION billing_total_in_base(text, numeric, numeric, jsonb, numeric, text, integer);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0010_zero_rates_category"),
    ]

    operations = [
        migrations.CreateModel(
            name="ClientSummaryMonth",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("base_currency", models.CharField(max_length=3)),
                ("month", models.DateField()),
                ("documents", models.IntegerField(default=0)),
                ("total", models.DecimalField(decimal_places=4, default=Decimal("0"), max_digits=30)),
                ("owed", models.DecimalField(decimal_places=4, default=Decimal("0"), max_digits=30)),
                (
                    "client",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="billing.client"
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("base_currency", "month", "client"), name="billing_clientsummarymonth_key"
                    )
                ],
            },
        ),
        migrations.AddIndex(
            model_name="invoice",
            index=models.Index(
                condition=models.Q(("balance_due__gt", 0), ("status__in", ("issued", "sent", "partially_paid"))),
                fields=["client", "due_date"],
                include=("id", "balance_due", "exchange_rate", "issue_date"),
                name="billing_invoice_owed",
            ),
        ),
        migrations.RunSQL(FORWARD + BACKFILL, REVERSE),
    ]
