"""The probe paths the manifests name answer in the running app (Django's test client)."""

from __future__ import annotations

import pytest
from django.test import Client
from tests.fixtures.deploy import one, render

from invoicetron.ops import k8s_names as names


def _probe_paths() -> dict[str, str]:
    app = one(render("prod"), "Deployment", names.APP_NAME)
    container = app["spec"]["template"]["spec"]["containers"][0]
    return {
        probe: container[probe]["httpGet"]["path"]
        for probe in ("startupProbe", "livenessProbe", "readinessProbe")
    }


@pytest.mark.django_db
def test_every_probe_path_answers_200_with_a_pod_ip_host() -> None:
    # Kubelet sends the pod IP as Host; the probes must answer it without loosening ALLOWED_HOSTS.
    client = Client(HTTP_HOST=f"10.0.0.7:{names.APP_PORT}")
    for probe, path in _probe_paths().items():
        response = client.get(path)
        assert response.status_code == 200, (probe, path, response.status_code)


def test_liveness_answers_without_the_database() -> None:
    # No django_db mark: any database query here would raise, so liveness must not make one.
    response = Client(HTTP_HOST="10.0.0.7:3000").get(names.LIVENESS_PATH)
    assert response.status_code == 200
