"""A change marker for what the email panel shows, kept by the database as billing's is.

The invoice page keeps its email panel (messaging/caching.py) while neither billing data nor
what the panel reads besides it has changed: the emails (`messaging_delivery`), the templates
that write the preview (`messaging_emailtemplate`), the public links (`portal_publiclink`, a
lower app this one already reads) and the names of who made them (`accounts_user`). A statement
trigger on each takes the next value of `messaging_change_seq` after any INSERT, UPDATE, DELETE
or TRUNCATE, whoever runs it (the worker marking an email sent or failed, a client opening a
link, raw SQL). `messaging_change_marker()` reads it, then whether any writing transaction is
running, in one round trip, as billing_change_marker() does (billing/migrations/0006).
"""

from django.db import migrations

TABLES = (
    "messaging_delivery",
    "messaging_emailtemplate",
    "portal_publiclink",
    "accounts_user",
)

FUNCTION = """
CREATE SEQUENCE messaging_change_seq;
SELECT setval('messaging_change_seq', 1);
CREATE FUNCTION messaging_mark_change() RETURNS trigger AS $$
BEGIN
    PERFORM nextval('messaging_change_seq');
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE FUNCTION messaging_change_marker(OUT marker bigint, OUT settled boolean) AS $$
BEGIN
    SELECT last_value INTO marker FROM messaging_change_seq;
    settled := NOT EXISTS (SELECT FROM pg_locks WHERE locktype = 'transactionid' AND granted);
END;
$$ LANGUAGE plpgsql VOLATILE;
"""

TRIGGER = """
CREATE TRIGGER {table}_marks_messaging_change
AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
FOR EACH STATEMENT EXECUTE FUNCTION messaging_mark_change();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("messaging", "0004_template_language"),
        ("portal", "0001_initial"),
        ("accounts", "0003_user_language"),
    ]

    operations = [
        migrations.RunSQL(
            sql=FUNCTION + "".join(TRIGGER.format(table=table) for table in TABLES),
            reverse_sql="".join(
                f"DROP TRIGGER {table}_marks_messaging_change ON {table};" for table in TABLES
            )
            + "DROP FUNCTION messaging_change_marker(); DROP FUNCTION messaging_mark_change();"
            + "DROP SEQUENCE messaging_change_seq;",
        ),
    ]
