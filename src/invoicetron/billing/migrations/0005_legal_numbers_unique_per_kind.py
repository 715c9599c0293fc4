"""Legal numbers unique per kind across all series (issue 14), instead of per series.

Before adding the constraints, a data check lists any number that two invoices (or two credit
notes) already share, so that the migration stops with a message saying what to fix rather than
PostgreSQL's "could not create unique index".
"""

from typing import Any

from django.db import migrations, models

SHOWN = 20


def duplicates(apps: Any, model_name: str) -> list[str]:
    model = apps.get_model("billing", model_name)
    rows = (
        model.objects.exclude(number="")
        .values("number")
        .annotate(times=models.Count("id"))
        .filter(times__gt=1)
        .order_by("number")
    )
    return [f"{row['number']} ({row['times']} times)" for row in rows[: SHOWN + 1]]


def check_no_shared_numbers(apps: Any, schema_editor: Any) -> None:
    problems = []
    for model_name, label in (("Invoice", "invoices"), ("CreditNote", "credit notes")):
        found = duplicates(apps, model_name)
        if found:
            more = " and more" if len(found) > SHOWN else ""
            problems.append(f"{label}: {', '.join(found[:SHOWN])}{more}")
    if problems:
        raise RuntimeError(
            "Cannot make legal numbers unique: two number series with the same pattern issued "
            "the same numbers to different documents. Shared numbers, "
            + "; ".join(problems)
            + ". Issued documents cannot be renumbered by the app: keep a backup, decide with "
            "your accountant which documents keep their numbers, correct the others in the "
            "database, and run the migration again."
        )


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0004_invoice_list_index_narrow_rows"),
    ]

    operations = [
        migrations.RunPython(check_no_shared_numbers, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name="creditnote",
            name="billing_creditnote_number_unique_per_series",
        ),
        migrations.RemoveConstraint(
            model_name="invoice",
            name="billing_invoice_number_unique_per_series",
        ),
        migrations.AddConstraint(
            model_name="creditnote",
            constraint=models.UniqueConstraint(
                fields=("number",), name="billing_creditnote_number_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="invoice",
            constraint=models.UniqueConstraint(
                condition=models.Q(("number", ""), _negated=True),
                fields=("number",),
                name="billing_invoice_number_unique",
            ),
        ),
    ]
