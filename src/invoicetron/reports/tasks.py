"""Import jobs, found by procrastinate's autodiscovery of `tasks` modules."""

from __future__ import annotations

from procrastinate.contrib.django import app


@app.task(name="reports.run_import")
def run_import_job(run_id: int, commit: bool) -> None:
    from invoicetron.reports.jobs import perform

    perform(run_id, commit=commit)
