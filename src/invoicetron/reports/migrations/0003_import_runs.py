# The import's upload becomes an import run: the dry run and the commit are jobs with progress.

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_report_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameModel("ImportUpload", "ImportRun"),
        migrations.AddField(
            model_name="importrun",
            name="state",
            field=models.CharField(
                choices=[
                    ("mapping", "Matching columns"),
                    ("checking", "Dry run"),
                    ("checked", "Dry run finished"),
                    ("importing", "Importing"),
                    ("imported", "Imported"),
                    ("failed", "Not imported"),
                ],
                default="mapping",
                max_length=16,
            ),
        ),
        migrations.AddField(
            model_name="importrun",
            name="rows_total",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="importrun",
            name="rows_done",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="importrun",
            name="errors",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AddField(
            model_name="importrun",
            name="result",
            field=models.JSONField(blank=True, default=dict),
        ),
    ]
