"""Fixtures shared by every test directory come from the tests.fixtures plugins listed here."""

from __future__ import annotations

from pathlib import Path

import pytest

# The helpers' asserts explain their failures as a test's do (pytest rewrites only test modules,
# conftests and plugins by default, and a helper may be imported before its plugin is registered).
pytest.register_assert_rewrite("tests.fixtures")

pytest_plugins = [
    "tests.fixtures.api",
    "tests.fixtures.browser",
    "tests.fixtures.einvoices",
    "tests.fixtures.jobs",
    "tests.fixtures.kubectl",
    "tests.fixtures.languages",
    "tests.fixtures.processes",
    "tests.fixtures.smtp",
    "tests.fixtures.users",
]

# What `make test-fast` (`-m "not slow"`) leaves out: tests that start something besides the
# session's database. Whole directories, and any test that asks for one of these fixtures; single
# modules elsewhere say so themselves with `pytestmark = pytest.mark.slow`.
SLOW_DIRECTORIES = ("browser", "reliability")
SLOW_FIXTURES = frozenset({"browser", "scratch_server", "old_vm", "cluster_server", "prepared"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    tests = Path(__file__).parent
    for item in items:
        relative = item.path.relative_to(tests).parts
        uses = set(getattr(item, "fixturenames", ()))
        if relative[0] in SLOW_DIRECTORIES or uses & SLOW_FIXTURES:
            item.add_marker(pytest.mark.slow)
