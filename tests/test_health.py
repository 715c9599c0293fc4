from __future__ import annotations

import pytest
from django.test import Client

from invoicetron.health import checks


def test_liveness_answers_a_kubelet_probe_without_touching_the_database(client: Client) -> None:
    # No django_db mark: pytest-django fails this test if the request touches the database.
    response = client.get("/api/health", HTTP_HOST="10.42.0.17:3000")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readiness_is_200_when_the_database_answers_and_migrations_are_applied(
    client: Client,
) -> None:
    response = client.get("/api/ready", HTTP_HOST="10.42.0.17:3000")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_readiness_is_503_while_a_migration_is_pending(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(checks, "_migrations_applied", False)
    monkeypatch.setattr(checks, "pending_migrations", lambda: ["billing.0002_new_table"])
    response = client.get("/api/ready")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "reason": "1 migration(s) pending: run `invoicetron migrate`",
    }


def test_other_hosts_are_still_refused_for_normal_pages(client: Client) -> None:
    response = client.get("/accounts/login/", HTTP_HOST="10.42.0.17:3000")
    assert response.status_code == 400
