"""Indexes for the quote list: its search by number and its pages in the list's order; and the
billing change marker on quotes, so that the list's count is kept (billing.caching.billing_count).

As billing's migration 0007 did for invoices: `number__icontains` (`UPPER(number) LIKE
UPPER('%q%')`) read every quote without a trigram index of UPPER(number); the order index lets a
page, first, last or deep (web.lists.rows_between), read only its own entries. pg_trgm comes
from billing's 0007, the marker's function from billing's 0006, hence the dependency. Counting
100,000 quotes on every page cost more than the rest of the page inside PostgreSQL.
"""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import migrations, models
from django.db.models.functions import Upper


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0007_search_trigram_indexes"),
        ("quotes", "0003_einvoice_fields"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="quote",
            index=models.Index(fields=["-created_at", "-id"], name="quotes_quote_list_order"),
        ),
        migrations.AddIndex(
            model_name="quote",
            index=GinIndex(
                OpClass(Upper("number"), name="gin_trgm_ops"), name="quotes_quote_number_trgm"
            ),
        ),
        migrations.RunSQL(
            sql="CREATE TRIGGER quotes_quote_marks_change"
            " AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON quotes_quote"
            " FOR EACH STATEMENT EXECUTE FUNCTION billing_mark_change();",
            reverse_sql="DROP TRIGGER quotes_quote_marks_change ON quotes_quote;",
        ),
    ]
