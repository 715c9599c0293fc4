"""Trigram indexes for the lists' search by invoice number and client name.

`icontains` is `UPPER(col) LIKE UPPER('%q%')`: a B-tree cannot answer a pattern with a leading
wildcard, so every search read all invoices for the page and again for the count (146 ms at
100,000). A GIN index of UPPER(col) with gin_trgm_ops answers the same LIKE, so results are
unchanged. pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it
without superuser; see docs/operations.md for installations where the app role is not the owner.
"""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations
from django.db.models.functions import Upper


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0006_change_marker_triggers"),
    ]

    operations = [
        TrigramExtension(),
        migrations.AddIndex(
            model_name="invoice",
            index=GinIndex(
                OpClass(Upper("number"), name="gin_trgm_ops"), name="billing_invoice_number_trgm"
            ),
        ),
        migrations.AddIndex(
            model_name="client",
            index=GinIndex(
                OpClass(Upper("name"), name="gin_trgm_ops"), name="billing_client_name_trgm"
            ),
        ),
    ]
