"""A change marker the database keeps: every write to a billing table moves a sequence.

billing/caching.py reuses counts and dashboard figures while billing data is unchanged. Before,
"unchanged" was read from the newest audit event id, which only moved if every writer remembered
to record an event. Here a statement trigger on each billing table takes the next value of
`billing_change_seq` after any INSERT, UPDATE, DELETE or TRUNCATE, whoever runs it (a service,
the worker, an import, raw SQL). A sequence, not a counter row: nextval() takes no row lock, so
concurrent writers never wait on each other or deadlock over it. It starts "called" so the first
write moves `last_value` (a fresh sequence reports 1 both before and after its first nextval).
`billing_change_marker()` reads the marker and then whether any writing transaction is running,
in that order and in one round trip (see billing/caching.py for why the order matters).
A billing table added later needs the same trigger: tests/billing/test_change_marker.py fails
until it has one.
"""

from django.db import migrations

TABLES = (
    "billing_auditevent",
    "billing_businessprofile",
    "billing_taxrate",
    "billing_numberseries",
    "billing_numbercounter",
    "billing_client",
    "billing_contact",
    "billing_product_default_taxes",
    "billing_product",
    "billing_invoice",
    "billing_invoiceline_taxes",
    "billing_invoiceline",
    "billing_creditnote",
    "billing_creditnoteline",
    "billing_payment",
)

FUNCTION = """
CREATE SEQUENCE billing_change_seq;
SELECT setval('billing_change_seq', 1);
CREATE FUNCTION billing_mark_change() RETURNS trigger AS $$
BEGIN
    PERFORM nextval('billing_change_seq');
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE FUNCTION billing_change_marker(OUT marker bigint, OUT settled boolean) AS $$
BEGIN
    SELECT last_value INTO marker FROM billing_change_seq;
    settled := NOT EXISTS (SELECT FROM pg_locks WHERE locktype = 'transactionid' AND granted);
END;
$$ LANGUAGE plpgsql VOLATILE;
"""

TRIGGER = """
CREATE TRIGGER {table}_marks_change
AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
FOR EACH STATEMENT EXECUTE FUNCTION billing_mark_change();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0005_legal_numbers_unique_per_kind"),
    ]

    operations = [
        migrations.RunSQL(
            sql=FUNCTION + "".join(TRIGGER.format(table=table) for table in TABLES),
            reverse_sql="".join(
                f"DROP TRIGGER {table}_marks_change ON {table};" for table in TABLES
            )
            + "DROP FUNCTION billing_change_marker(); DROP FUNCTION billing_mark_change();"
            + "DROP SEQUENCE billing_change_seq;",
        ),
    ]
