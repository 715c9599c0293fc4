"""Saved templates move to the plain placeholders; stored emails lose their links' tokens.

Templates used `client.name` and `business.name`; they become `client_name` and `business_name`
(no template can reach an object any more). A template that still uses something unavailable is
kept as written but not used: the default goes out instead, and saving it again says what to fix.

Delivery bodies kept the client's working link (/p/<token>/); the token is cut to its last 4
characters (/p/…abcd/), as the worker now stores it. This cannot be undone.
"""

import re

from django.db import migrations

RENAMED = {"client.name": "client_name", "business.name": "business_name"}
# A {{ variable }} or {% tag %}: only names inside them are renamed, never the text around them.
TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
TOKEN = re.compile(r"/p/([A-Za-z0-9_-]{20,})/")


def _rename(text, renamed):
    def inside(match):
        tag = match.group(0)
        for old, new in renamed.items():
            tag = re.sub(rf"(?<![\w.]){re.escape(old)}(?![\w])", new, tag)
        return tag

    return TAG.sub(inside, text)


def _templates(apps, renamed):
    EmailTemplate = apps.get_model("messaging", "EmailTemplate")  # noqa: N806 - a model class
    for template in EmailTemplate.objects.all():
        subject, body = _rename(template.subject, renamed), _rename(template.body, renamed)
        if (subject, body) != (template.subject, template.body):
            EmailTemplate.objects.filter(pk=template.pk).update(subject=subject, body=body)


def to_plain_values(apps, schema_editor):
    _templates(apps, RENAMED)


def to_objects(apps, schema_editor):
    _templates(apps, {new: old for old, new in RENAMED.items()})


def redact_links(apps, schema_editor):
    Delivery = apps.get_model("messaging", "Delivery")  # noqa: N806 - a model class
    for delivery in Delivery.objects.filter(body__contains="/p/").only("pk", "subject", "body"):
        subject, body = (
            TOKEN.sub(lambda match: f"/p/…{match.group(1)[-4:]}/", text)
            for text in (delivery.subject, delivery.body)
        )
        Delivery.objects.filter(pk=delivery.pk).update(subject=subject, body=body)


class Migration(migrations.Migration):
    dependencies = [("messaging", "0001_initial")]

    operations = [
        migrations.RunPython(to_plain_values, to_objects),
        migrations.RunPython(redact_links, migrations.RunPython.noop),
    ]
