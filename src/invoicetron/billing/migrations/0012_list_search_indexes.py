"""Indexes for the credit-note and client lists: their search and their deep pages.

As migration 0007 did for invoices: the credit-note list's search by number and the client list's
search by a contact's email (`icontains`, i.e. `UPPER(col) LIKE UPPER('%q%')`) read every row
without a trigram index of UPPER(col). The credit notes' list order index lets a page, first, last
or deep (web.lists.rows_between), read only its own entries. pg_trgm comes from migration 0007.
"""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import migrations, models
from django.db.models.functions import Upper


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0011_client_summary_and_owed_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="contact",
            index=GinIndex(
                OpClass(Upper("email"), name="gin_trgm_ops"), name="billing_contact_email_trgm"
            ),
        ),
        migrations.AddIndex(
            model_name="creditnote",
            index=models.Index(
                fields=["-issue_date", "-sequence", "-id"], name="billing_creditnote_list_order"
            ),
        ),
        migrations.AddIndex(
            model_name="creditnote",
            index=GinIndex(
                OpClass(Upper("number"), name="gin_trgm_ops"),
                name="billing_creditnote_number_trgm",
            ),
        ),
    ]
