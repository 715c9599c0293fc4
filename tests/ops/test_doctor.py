"""`invoicetron k8s doctor`: each lesson's mistake is reported, and our own overlays are clean."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from invoicetron.cli import main
from invoicetron.ops.k8s import doctor, lint
from invoicetron.ops.k8s.kubectl import Kubectl
from tests.fixtures.kubectl import KUBECTL, OVERLAY_DIRECTORY

FIXTURES = Path(__file__).parent / "manifests"


def errors_in(path: Path) -> list[lint.Finding]:
    findings = doctor.diagnose([path], Kubectl(executable=KUBECTL))[path]
    return [finding for finding in findings if finding.severity == lint.ERROR]


@pytest.mark.parametrize("fixture", sorted(FIXTURES.glob("lesson*.yaml")), ids=lambda p: p.stem)
def test_each_lessons_mistake_is_reported_as_an_error_naming_object_field_and_fix(
    fixture: Path,
) -> None:
    lesson = int(re.match(r"lesson(\d+)", fixture.stem).group(1))  # type: ignore[union-attr]

    errors = errors_in(fixture)

    assert errors, f"{fixture.name}: nothing reported"
    assert {error.lesson for error in errors} == {lesson}
    assert all(error.obj and error.field and error.fix for error in errors)


def test_every_lesson_visible_in_manifests_has_a_fixture() -> None:
    covered = {int(p.stem[6:8]) for p in FIXTURES.glob("lesson*.yaml")}

    assert covered == {1, 2, 3, 7, 11, 12, 14, 15, 16, 17, 19}


@pytest.mark.parametrize("overlay", ["dev", "prod", "prod-ha"])
def test_our_overlays_have_no_errors(overlay: str) -> None:
    assert errors_in(OVERLAY_DIRECTORY / overlay) == []


def test_a_policy_namespace_unknown_offline_is_a_warning_but_an_error_against_the_cluster(
    tmp_path: Path,
) -> None:
    manifest = tmp_path / "policy.yaml"
    manifest.write_text(
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
        "metadata: {name: web, namespace: shop}\nspec:\n  podSelector: {}\n  ingress:\n"
        "    - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: edge}}}]\n"
    )
    kubectl = Kubectl(executable=KUBECTL)

    offline = doctor.diagnose([manifest], kubectl)[manifest]
    online = doctor.diagnose([manifest], kubectl, cluster_namespaces={"shop"})[manifest]

    assert [f.severity for f in offline] == [lint.WARNING]
    assert [f.severity for f in online] == [lint.ERROR]


def test_doctor_exits_1_on_errors_and_0_on_a_clean_overlay(
    capsys: pytest.CaptureFixture[str],
) -> None:
    broken = main(
        ["k8s", "doctor", "--kubectl", KUBECTL, str(FIXTURES / "lesson03-pg-data-mount.yaml")]
    )
    out = capsys.readouterr().out
    clean = main(["k8s", "doctor", "--kubectl", KUBECTL, str(OVERLAY_DIRECTORY / "dev")])

    assert broken == 1 and clean == 0
    assert "StatefulSet/db (namespace shop)" in out
    assert "fix: mount the volume at /var/lib/postgresql" in out


def test_ci_deployer_role_is_checked_against_everything_app_only_deploy_does() -> None:
    findings = doctor.diagnose(
        [FIXTURES / "lesson15-ci-role-incomplete.yaml"], Kubectl(executable=KUBECTL)
    )[FIXTURES / "lesson15-ci-role-incomplete.yaml"]
    errors = [f for f in findings if f.severity == lint.ERROR]
    warnings = [f for f in findings if f.severity == lint.WARNING]

    assert [e.fix for e in errors] == [
        'add {apiGroups: [""], resources: [secrets], verbs: [get], '
        "resourceNames: [gitlab-registry, invoicetron-app]}",
        'add {apiGroups: ["apps"], resources: [statefulsets], verbs: [get, list, watch], '
        "resourceNames: [invoicetron-db]}",
    ]
    assert all(e.obj == "Role/gitlab-deploy (namespace shop)" for e in errors)
    assert "update apps/deployments" in warnings[0].message
    assert "list apps/replicasets" in warnings[0].message
    assert "get core/pods" in warnings[0].message


def test_our_ci_deployer_role_grants_exactly_what_deploy_uses() -> None:
    findings = doctor.diagnose([OVERLAY_DIRECTORY / "prod"], Kubectl(executable=KUBECTL))[
        OVERLAY_DIRECTORY / "prod"
    ]

    assert [f for f in findings if f.lesson == 15] == []
