"""Tax rates of 0 % existed before VAT categories did and were given the default, S (standard),
which the category rules refuse (S needs a rate above 0); so editing one failed until its
category was changed. They become Z (zero rated), the one category of rate 0 that needs no
exemption reason; an owner whose 0 % rate is an exemption (E), a reverse charge (AE) or an
intra-community supply (K) picks that category in Settings → Tax rates."""

from django.db import migrations


def zero_rates_to_z(apps, schema_editor):  # noqa: ANN001, ANN201 - migration signature
    tax_rate = apps.get_model("billing", "TaxRate")
    tax_rate.objects.filter(rate=0, category="S").update(category="Z")


class Migration(migrations.Migration):
    dependencies = [("billing", "0009_einvoice_fields")]

    operations = [migrations.RunPython(zero_rates_to_z, migrations.RunPython.noop)]
