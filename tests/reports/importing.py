"""Walking the import pages as a browser does: upload, match columns, dry run, commit.

The dry run and the commit are jobs: after each step that queues one, the real worker runs the
queue (`run_worker(once=True)`) and the page is fetched again, as its refresh would.
"""

from __future__ import annotations

import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as HttpClient

from invoicetron.automation.worker import run_worker
from invoicetron.reports.csvio.reader import parse
from invoicetron.reports.importers.runner import guess_mapping

COMMIT_FORM = re.compile(r'<form method="post" action="(?P<url>[^"]+/commit/)"')


def upload(client: HttpClient, kind: str, content: bytes, name: str = "file.csv") -> str:
    """The address of the column-matching page (the upload must be accepted)."""
    response = client.post("/data/", {"kind": kind, "file": SimpleUploadedFile(name, content)})
    assert response.status_code == 302, response.content.decode()[:2000]
    return str(response["Location"])


def match_columns(
    client: HttpClient, columns_url: str, mapping: dict[str, str], **choices: str
) -> str:
    """Post the column matching; the address of the page that shows the dry run."""
    form = {f"map_{field}": column for field, column in mapping.items()}
    form |= {"date_format": "%Y-%m-%d", "decimal_comma": "0"} | choices
    response = client.post(columns_url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    return str(response["Location"])


def dry_run(client: HttpClient, kind: str, content: bytes, **choices: str) -> tuple[str, str]:
    """(page, its address) after the dry run of `content`, columns matched by their names."""
    mapping = guess_mapping(kind, parse(content).header)
    page_url = match_columns(client, upload(client, kind, content), mapping, **choices)
    run_worker(once=True)
    return client.get(page_url).content.decode(), page_url


def commit(client: HttpClient, page: str) -> str:
    """Press the dry-run page's import button; the page once the worker has run the import."""
    found = COMMIT_FORM.search(page)
    assert found, "the dry-run page has an import button"
    response = client.post(found["url"])
    assert response.status_code == 302
    run_worker(once=True)
    return client.get(response["Location"]).content.decode()
