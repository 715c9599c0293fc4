"""Indexes for the reports' date-range scans on billing tables.

They live here (not in billing's migrations) because only the reports need them; IF NOT EXISTS
makes this safe should billing ever add the same index under the same name.
"""

from django.db import migrations

INDEXES = {
    "reports_invoice_issue_date": "billing_invoice (issue_date) WHERE status <> 'draft'",
    "reports_creditnote_issue_date": "billing_creditnote (issue_date)",
    "reports_payment_date": "billing_payment (date)",
}


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("billing", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX IF NOT EXISTS {name} ON {target}",
            reverse_sql=f"DROP INDEX IF EXISTS {name}",
        )
        for name, target in INDEXES.items()
    ]
