"""Fixtures for the offline deploy tests: rendered overlays, shared across the session."""

from __future__ import annotations

import pytest
from tests.fixtures.deploy import OVERLAYS, Obj, all_renders, render


@pytest.fixture(scope="session")
def renders() -> dict[str, tuple[Obj, ...]]:
    return all_renders()


@pytest.fixture(scope="session", params=OVERLAYS)
def overlay(request: pytest.FixtureRequest) -> tuple[str, tuple[Obj, ...]]:
    return request.param, render(request.param)
