"""The dry run and the commit of an import, run by the worker with progress the page can show.

`start()` queues a step in the caller's transaction; `perform()` is the job. The import itself
runs in one transaction (rolled back for a dry run, and for a commit with any error), so its
progress is written through a second database connection in autocommit: the page sees the rows
done while the transaction is still open. The import never touches its ImportRun row inside that
transaction, so the two connections never wait for each other.
"""

from __future__ import annotations

import logging

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from procrastinate.contrib.django import app

from invoicetron.jobs.queue import defer
from invoicetron.reports.csvio.errors import ErrorLog
from invoicetron.reports.csvio.reader import FileRefused, parse
from invoicetron.reports.importers.runner import run_import
from invoicetron.reports.models import ImportRun, ImportState

logger = logging.getLogger(__name__)
PROGRESS_STEPS = 100  # progress is written at most this often per run


def start(run: ImportRun, *, commit: bool) -> bool:
    """Queue the dry run (or, after a clean dry run, the import) of `run`; False if it cannot.

    The step is claimed with a conditional update, so that two clicks on "Import" queue one job.
    """
    if commit:
        allowed = [ImportState.CHECKED]
    else:
        allowed = [ImportState.MAPPING, ImportState.CHECKED, ImportState.FAILED]
    with transaction.atomic():
        claimed = ImportRun.objects.filter(pk=run.pk, state__in=allowed).update(
            state=ImportState.IMPORTING if commit else ImportState.CHECKING,
            rows_done=0,
            errors={},
            result={},
        )
        if claimed:
            defer(run_import_job, run_id=run.pk, commit=commit)
    return bool(claimed)


class ProgressWriter:
    """Writes a run's rows done through its own connection, committed at once."""

    def __init__(self, run: ImportRun, *, left_out: int) -> None:
        """`left_out`: rows the reader refused, done before the import starts."""
        self.run_id = run.pk
        self.left_out = left_out
        self.step = max(1, run.rows_total // PROGRESS_STEPS)
        self.written = 0
        self.connection = connections.create_connection(DEFAULT_DB_ALIAS)

    def __call__(self, done: int) -> None:
        done += self.left_out
        if done - self.written < self.step:
            return
        self.written = done
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {ImportRun._meta.db_table} SET rows_done = %s WHERE id = %s",  # noqa: S608 - the table name is ours
                [done, self.run_id],
            )

    def close(self) -> None:
        self.connection.close()


def perform(run_id: int, *, commit: bool) -> None:
    """Run the dry run or the commit of an import and record its result on the run."""
    step = ImportState.IMPORTING if commit else ImportState.CHECKING
    run = ImportRun.objects.filter(pk=run_id, state=step).first()
    if run is None:
        return  # deleted, or a newer step was started since this job was queued
    errors = ErrorLog()
    try:
        parsed = parse(bytes(run.content))
        progress = ProgressWriter(run, left_out=parsed.rows_read - len(parsed.rows))
        try:
            outcome = run_import(
                run.kind,
                parsed,
                run.mapping,
                options=run.import_options(),
                by=run.created_by,
                commit=commit,
                progress=progress,
            )
        finally:
            progress.close()
        errors, run.result = outcome.errors, outcome.to_json()
    except FileRefused as error:  # it was read at upload: only a changed reader gets here
        run.result = {"refused": str(error)}
    except Exception:  # the run must end in a state its page can show
        logger.exception("import %s failed", run_id)
        run.result = {"refused": "The import stopped on an unexpected error; nothing was imported."}
    run.errors = errors.to_json()
    run.rows_done = run.rows_total
    if not commit:
        run.state = ImportState.CHECKED
    elif errors or "refused" in run.result:
        run.state = ImportState.FAILED
    else:
        run.state = ImportState.IMPORTED
        run.content = b""  # imported: the file is no longer needed
    run.save(update_fields=["errors", "result", "rows_done", "state", "content"])


# Declared beside the code it runs; tasks.py re-exports it for procrastinate's autodiscovery.
@app.task(name="reports.run_import")
def run_import_job(run_id: int, commit: bool) -> None:
    perform(run_id, commit=commit)
