"""The invoice list's order as an index, and narrow invoice rows.

The list orders by (issue_date DESC, sequence DESC, id DESC): without a matching index every page
sorted all invoices (300 ms at 100,000). The snapshot (about 1.4 kB of JSON) stayed inline, so an
invoice row took about 1.5 kB and every count and dashboard sum read 320 MB of heap at 100,000
invoices; with toast_tuple_target at its minimum the snapshot moves to the TOAST table and the
heap shrinks to about 40 MB. Pages that show one invoice fetch its snapshot with one index lookup.
The setting applies to rows written from now on; `VACUUM FULL` does not rewrite existing rows
that are below the default threshold, so older data keeps its width until those rows are updated.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0003_audit_action_labels"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="invoice",
            index=models.Index(
                fields=["-issue_date", "-sequence", "-id"], name="billing_invoice_list_order"
            ),
        ),
        migrations.RunSQL(
            sql="ALTER TABLE billing_invoice SET (toast_tuple_target = 128)",
            reverse_sql="ALTER TABLE billing_invoice RESET (toast_tuple_target)",
        ),
    ]
