from collections.abc import Iterator

import pytest
from django.core.cache import cache

from tests.automation.jobs import job_tables  # noqa: F401 - fixtures, used by name
from tests.messaging.smtp import mail_server  # noqa: F401


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    """Reset-request counters live in the cache: each test starts and leaves it empty."""
    cache.clear()
    yield
    cache.clear()
