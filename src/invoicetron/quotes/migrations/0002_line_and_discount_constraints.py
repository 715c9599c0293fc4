"""Quotes and their lines get the database checks invoices and invoice lines have.

The services never wrote a row these checks refuse, but a row changed by hand might break one.
Adding a check constraint then fails with a bare IntegrityError, so the rows are looked at first:
when some break a check, the migration stops before changing anything and names the quotes and
what to correct. Nothing is corrected here: a quote's figures are the business's data, not ours
to guess.
"""

from decimal import Decimal

import django.core.validators
from django.db import migrations, models

NUMBER_IFF_SENT = models.Q(status="draft", number="") | (
    ~models.Q(status="draft") & ~models.Q(number="")
)
PERCENT_MAX_100 = ~models.Q(discount_type="percent") | models.Q(discount_value__lte=100)

# (model, constraint, what a row breaking it has, to be corrected)
CHECKS = [
    (
        "quote",
        models.CheckConstraint(condition=NUMBER_IFF_SENT, name="quotes_quote_number_iff_sent"),
        "a number while a draft, or no number once sent",
    ),
    (
        "quote",
        models.CheckConstraint(
            condition=models.Q(currency__regex=r"^[A-Z]{3}$"), name="quotes_quote_currency_iso"
        ),
        "a currency that is not a three-letter ISO code",
    ),
    (
        "quote",
        models.CheckConstraint(
            condition=models.Q(discount_value__gte=0), name="quotes_quote_discount_not_negative"
        ),
        "a negative document discount",
    ),
    (
        "quote",
        models.CheckConstraint(
            condition=PERCENT_MAX_100, name="quotes_quote_discount_percent_max_100"
        ),
        "a document discount above 100 %",
    ),
    (
        "quoteline",
        models.CheckConstraint(
            condition=models.Q(quantity__gte=0), name="quotes_quoteline_quantity_not_negative"
        ),
        "a line with a negative quantity",
    ),
    (
        "quoteline",
        models.CheckConstraint(
            condition=models.Q(unit_price__gte=0), name="quotes_quoteline_price_not_negative"
        ),
        "a line with a negative unit price",
    ),
    (
        "quoteline",
        models.CheckConstraint(
            condition=models.Q(discount_value__gte=0),
            name="quotes_quoteline_discount_not_negative",
        ),
        "a line with a negative discount",
    ),
    (
        "quoteline",
        models.CheckConstraint(
            condition=PERCENT_MAX_100, name="quotes_quoteline_discount_percent_max_100"
        ),
        "a line with a discount above 100 %",
    ),
]


def refuse_rows_that_break_the_checks(apps, schema_editor):
    problems = []
    for model_name, constraint, what in CHECKS:
        model = apps.get_model("quotes", model_name)
        rows = model.objects.exclude(constraint.condition)
        quote_ids = sorted(
            set(rows.values_list("quote_id" if model_name == "quoteline" else "id", flat=True))
        )
        if quote_ids:
            listed = ", ".join(str(pk) for pk in quote_ids[:20])
            more = f" and {len(quote_ids) - 20} more" if len(quote_ids) > 20 else ""
            problems.append(f"- quotes with {what} ({constraint.name}): ids {listed}{more}")
    if problems:
        raise RuntimeError(
            "The quotes migration 0002 adds the checks invoices have, and these quotes break "
            "them:\n" + "\n".join(problems) + "\nCorrect or delete those quotes (e.g. with "
            "`invoicetron manage shell`), then run the migration again; nothing was changed."
        )


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0005_legal_numbers_unique_per_kind"),
        ("quotes", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="quoteline",
            name="discount_value",
            field=models.DecimalField(
                decimal_places=4,
                default=Decimal("0"),
                max_digits=18,
                validators=[
                    django.core.validators.MinValueValidator(0),
                    django.core.validators.MaxValueValidator(1000000000000),
                ],
            ),
        ),
        migrations.AlterField(
            model_name="quoteline",
            name="quantity",
            field=models.DecimalField(
                decimal_places=3,
                max_digits=15,
                validators=[django.core.validators.MinValueValidator(0)],
            ),
        ),
        migrations.AlterField(
            model_name="quoteline",
            name="unit_price",
            field=models.DecimalField(
                decimal_places=4,
                max_digits=18,
                validators=[django.core.validators.MinValueValidator(0)],
            ),
        ),
        migrations.RunPython(refuse_rows_that_break_the_checks, migrations.RunPython.noop),
        *(
            migrations.AddConstraint(model_name=model_name, constraint=constraint)
            for model_name, constraint, _ in CHECKS
        ),
    ]
