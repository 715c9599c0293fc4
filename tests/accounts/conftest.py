from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.utils import translation


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    """Reset-request counters live in the cache: each test starts and leaves it empty."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _english_afterwards() -> Iterator[None]:
    """LocaleMiddleware leaves the language of a request's cookie or Accept-Language active in the
    thread: the next test starts in the default language whatever this one asked for."""
    yield
    translation.deactivate()
