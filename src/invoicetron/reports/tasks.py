"""Import jobs, found by procrastinate's autodiscovery of `tasks` modules (the job lives beside
the code it runs, in jobs.py)."""

from __future__ import annotations

from invoicetron.reports.jobs import run_import_job

__all__ = ["run_import_job"]
