"""The worker: jobs queued in the change's transaction, each run exactly once."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import transaction
from procrastinate.contrib.django import app

from invoicetron.automation.worker import run_worker
from invoicetron.jobs.queue import defer
from tests.fixtures.jobs import queued_jobs
from tests.fixtures.processes import run_cli

CALLS: Counter[int] = Counter()
CALLS_LOCK = threading.Lock()


@app.task(name="tests.record_call")
def record_call(marker: int) -> None:
    with CALLS_LOCK:
        CALLS[marker] += 1


@pytest.fixture(autouse=True)
def _fresh_calls(job_tables: None) -> None:
    CALLS.clear()


def test_a_job_queued_in_a_rolled_back_transaction_never_exists() -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        defer(record_call, marker=1)
        raise RuntimeError("the change fails")
    assert queued_jobs("tests.record_call") == []
    run_worker(once=True)
    assert CALLS == {}


def test_a_job_queued_while_no_worker_runs_is_run_once_when_one_starts() -> None:
    with transaction.atomic():
        defer(record_call, marker=7)
    assert queued_jobs("tests.record_call") == [("tests.record_call", "todo")]
    run_worker(once=True)
    run_worker(once=True)
    assert CALLS == {7: 1}
    assert queued_jobs("tests.record_call") == []  # finished jobs are deleted


def test_two_workers_at_once_run_every_job_exactly_once() -> None:
    for marker in range(40):
        defer(record_call, marker=marker)
    workers = [threading.Thread(target=run_worker, kwargs={"once": True}) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert dict.fromkeys(range(40), 1) == CALLS


def test_a_job_scheduled_for_later_waits_for_its_time() -> None:
    defer(record_call, delay_seconds=3600, marker=3)
    run_worker(once=True)
    assert CALLS == {}
    assert queued_jobs("tests.record_call") == [("tests.record_call", "todo")]


@pytest.mark.slow  # runs `invoicetron worker --help`
def test_the_worker_command_has_help_for_newcomers() -> None:
    result = run_cli("worker", "--help")
    assert result.returncode == 0
    assert "--once" in result.stdout
