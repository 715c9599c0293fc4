"""`doctor` on manifests that are not ours (issues 21 and 16.9): right, and silent where fine.

The fixture reproduces the shapes of the homelab's invoicetron manifests (which follow the runbook)
in our own words; each test states exactly what doctor must say, and why.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from invoicetron.cli import main
from invoicetron.ops.k8s import doctor, lint
from invoicetron.ops.k8s.kubectl import Kubectl
from tests.fixtures.kubectl import KUBECTL, OVERLAY_DIRECTORY, calls, can

RUNBOOK_SHAPED = Path(__file__).parent / "manifests" / "foreign" / "runbook-shaped.yaml"


def findings_for(text: str, tmp_path: Path, **cluster: dict[str, dict[str, str]]) -> list[tuple]:
    manifest = tmp_path / "manifest.yaml"
    manifest.write_text(text)
    namespaces = cluster.get("namespaces")
    found = doctor.diagnose([manifest], Kubectl(executable=KUBECTL), namespaces)[manifest]
    return [(f.severity, f.lesson, f.obj, f.field) for f in found]


def variant(*replacements: tuple[str, str]) -> str:
    text = RUNBOOK_SHAPED.read_text()
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    return text


def test_runbook_shaped_manifests_get_only_the_two_warnings_that_are_true(tmp_path: Path) -> None:
    findings = findings_for(RUNBOOK_SHAPED.read_text(), tmp_path)

    assert findings == [
        # The runbook creates secrets by hand, so a secret not in the files is normal: a warning,
        # once per secret although two variables read it.
        (
            "warning",
            9,
            "Deployment/ledger (namespace books)",
            "spec.template.spec.containers[ledger].env[DATABASE_URL].valueFrom.secretKeyRef",
        ),
        # One path for both probes: whether /status touches the database is unknown for an app
        # that is not ours, so it is a warning, not an error.
        (
            "warning",
            17,
            "Deployment/ledger (namespace books)",
            "spec.template.spec.containers[ledger].livenessProbe.httpGet.path",
        ),
    ]


def test_the_runbook_role_is_judged_against_kubectl_set_image_and_says_so(tmp_path: Path) -> None:
    manifest = tmp_path / "manifest.yaml"
    # update instead of patch: `kubectl set image` sends PATCH, so CI's deploy is Forbidden.
    manifest.write_text(
        variant(("verbs: [get, list, watch, patch]}", "verbs: [get, list, watch, update]}"))
    )

    found = doctor.diagnose([manifest], Kubectl(executable=KUBECTL))[manifest]
    errors = [f for f in found if f.severity == lint.ERROR]

    assert [(e.lesson, e.obj) for e in errors] == [(15, "Role/gitlab-deploy (namespace books)")]
    assert "patch apps/deployments" in errors[0].message
    assert "it grants update" in errors[0].message
    assert "the runbook's CI flow" in errors[0].message
    assert errors[0].fix == 'add {apiGroups: ["apps"], resources: [deployments], verbs: [patch]}'


def test_the_same_role_marked_as_ours_is_judged_against_our_deploy(tmp_path: Path) -> None:
    # Our label on the Role: deploy --app-only reads the secrets and the StatefulSet by name.
    text = variant(
        (
            "metadata: {name: gitlab-deploy, namespace: books}\nrules:",
            "metadata:\n  name: gitlab-deploy\n  namespace: books\n"
            "  labels: {app.kubernetes.io/name: invoicetron}\nrules:",
        )
    )
    manifest = tmp_path / "manifest.yaml"
    manifest.write_text(text)

    found = doctor.diagnose([manifest], Kubectl(executable=KUBECTL))[manifest]
    errors = [f for f in found if f.severity == lint.ERROR and f.lesson == 15]

    assert errors and all("invoicetron k8s deploy --app-only" in e.message for e in errors)
    assert any("get core/secrets gitlab-registry" in e.message for e in errors)


def test_a_database_ingress_policy_that_admits_other_labels_is_an_error(tmp_path: Path) -> None:
    # The database admits app=ledger-web only; the app's pods are app=ledger (lesson 16).
    text = variant(
        (
            "    - fromEndpoints: [{matchLabels: {app: ledger}}]",
            "    - fromEndpoints: [{matchLabels: {app: ledger-web}}]",
        )
    )
    manifest = tmp_path / "manifest.yaml"
    manifest.write_text(text)

    found = doctor.diagnose([manifest], Kubectl(executable=KUBECTL))[manifest]
    errors = [f for f in found if f.severity == lint.ERROR]

    assert [(e.lesson, e.obj) for e in errors] == [(16, "Deployment/ledger (namespace books)")]
    assert "CiliumNetworkPolicy/ledger-pg-in (namespace books) admits no pod" in errors[0].message


def test_an_app_egress_policy_without_the_database_is_an_error(tmp_path: Path) -> None:
    # The app's egress allows DNS and the database on the wrong port: it is cut off (lesson 16).
    text = variant(
        (
            'toPorts: [{ports: [{port: "5432", protocol: TCP}]}]\n---\n# The database\'s ingress',
            'toPorts: [{ports: [{port: "5433", protocol: TCP}]}]\n---\n# The database\'s ingress',
        )
    )
    manifest = tmp_path / "manifest.yaml"
    manifest.write_text(text)

    found = doctor.diagnose([manifest], Kubectl(executable=KUBECTL))[manifest]
    errors = [f for f in found if f.severity == lint.ERROR]

    assert [(e.lesson, e.obj) for e in errors] == [(16, "Deployment/ledger (namespace books)")]
    assert "egress is limited by CiliumNetworkPolicy/ledger-out" in errors[0].message


def test_a_kubernetes_network_policy_with_a_namespace_selector_is_evaluated(tmp_path: Path) -> None:
    # NetworkPolicy: a peer with a namespaceSelector for another namespace does not admit pods of
    # the policy's own namespace; one with only a podSelector does. The Cilium ingress policy is
    # pointed at nobody first: policies selecting a pod add up, so it alone would admit the app.
    policy = (
        "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
        "metadata: {name: pg-only, namespace: books}\nspec:\n"
        "  podSelector: {matchLabels: {app: ledger-pg}}\n  policyTypes: [Ingress]\n"
        "  ingress:\n    - from: [{%s}]\n      ports: [{port: pg}]\n"
    )
    elsewhere = policy % "namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: other}}"
    here = policy % "podSelector: {matchLabels: {app: ledger}}"

    base = variant(
        (
            "    - fromEndpoints: [{matchLabels: {app: ledger}}]",
            "    - fromEndpoints: [{matchLabels: {app: nobody}}]",
        )
    )

    blocked = findings_for(base + elsewhere, tmp_path)
    allowed = findings_for(base + here, tmp_path)

    assert [f[:2] for f in blocked if f[0] == "error"] == [("error", 16)]
    assert [f for f in allowed if f[0] == "error"] == []


def test_images_from_mirror_gcr_need_no_pull_secret_but_another_private_registry_does(
    tmp_path: Path,
) -> None:
    job = (
        "apiVersion: batch/v1\nkind: Job\nmetadata: {name: tool, namespace: books}\nspec:\n"
        "  template:\n    spec:\n      restartPolicy: Never\n"
        "      containers: [{name: tool, image: %s}]\n"
    )

    mirrored = findings_for(job % "mirror.gcr.io/library/busybox:1.37", tmp_path)
    private = findings_for(job % "registry.example.net/ops/tool:2.0", tmp_path)

    assert mirrored == []
    assert private == [
        ("error", 1, "Job/tool (namespace books)", "spec.template.spec.imagePullSecrets")
    ]


NFS_JOB = (
    "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: dump, namespace: vault}\nspec:\n"
    "  schedule: '0 3 * * *'\n  jobTemplate:\n    spec:\n      template:\n        spec:\n"
    "          restartPolicy: Never\n          containers: [{name: dump, image: alpine:3.22, "
    "command: [pg_dump]}]\n          volumes: [{name: out, nfs: {server: nas, path: /dumps}}]\n"
)


def test_inline_nfs_in_a_namespace_the_files_do_not_define_is_a_warning_offline(
    tmp_path: Path,
) -> None:
    assert findings_for(NFS_JOB, tmp_path) == [
        (
            "warning",
            19,
            "CronJob/dump (namespace vault)",
            "spec.jobTemplate.spec.template.spec.volumes[out]",
        )
    ]


def test_inline_nfs_is_an_error_when_the_cluster_says_the_namespace_is_restricted(
    standin: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    manifest = tmp_path / "dump.yaml"
    manifest.write_text(NFS_JOB)
    namespaces = {
        "items": [
            {
                "metadata": {
                    "name": "vault",
                    "labels": {"pod-security.kubernetes.io/enforce": "restricted"},
                }
            },
            {"metadata": {"name": "default"}},
        ]
    }
    can(standin, {"get namespaces": {"stdout": json.dumps(namespaces)}})

    code = main(["k8s", "doctor", "--kubectl", str(standin), "--context", "homelab", str(manifest)])
    out = capsys.readouterr().out

    assert code == 1
    assert "ERROR (lesson 19) CronJob/dump (namespace vault)" in out
    assert 'enforces Pod Security "restricted"' in out
    assert any(
        call["argv"][:1] != ["kustomize"] and "namespaces" in call["argv"]
        for call in calls(standin)
    )


def test_a_missing_secret_used_by_envfrom_is_a_warning_and_one_in_the_files_is_not(
    tmp_path: Path,
) -> None:
    pod = (
        "apiVersion: v1\nkind: Pod\nmetadata: {name: one, namespace: books}\nspec:\n"
        "  containers: [{name: c, image: busybox:1.37, envFrom: [{secretRef: {name: env}}]}]\n"
    )
    secret = (
        "---\napiVersion: v1\nkind: Secret\nmetadata: {name: env, namespace: books}\n"
        "stringData: {MODE: quiet}\n"
    )

    assert findings_for(pod, tmp_path) == [
        ("warning", 9, "Pod/one (namespace books)", "spec.containers[c].envFrom[0].secretRef")
    ]
    assert findings_for(pod + secret, tmp_path) == []


def test_any_deployer_role_with_update_but_not_patch_on_deployments_is_an_error(
    tmp_path: Path,
) -> None:
    # Not CI's Role (other name, no binding): still, kubectl set image/apply send PATCH.
    role = (
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\n"
        "metadata: {name: release, namespace: books}\nrules:\n"
        "  - {apiGroups: [apps], resources: [deployments], verbs: [get, update]}\n"
        '  - {apiGroups: [""], resources: [pods/log], verbs: [get]}\n'
    )

    assert findings_for(role, tmp_path) == [
        ("error", 15, "Role/release (namespace books)", "rules")
    ]
    assert findings_for(role.replace("[get, update]", "[get, update, patch]"), tmp_path) == []


def test_cilium_default_deny_rules_are_evaluated_like_cilium_does(tmp_path: Path) -> None:
    # A second policy on the database with one empty ingress rule allows nothing itself, but
    # policies add up: ledger-pg-in still admits the app. With ledger-pg-in's rule pointed at
    # nobody, only enableDefaultDeny {ingress: false} on the empty one leaves the database open.
    empty = (
        "---\napiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\n"
        "metadata: {name: pg-lockdown, namespace: books}\n"
        "specs:\n  - endpointSelector: {matchLabels: {app: ledger-pg}}\n%s    ingress: [{}]\n"
    )
    nobody = variant(
        (
            "    - fromEndpoints: [{matchLabels: {app: ledger}}]",
            "    - fromEndpoints: [{matchLabels: {app: nobody}}]",
        )
    ).replace(
        "metadata: {name: ledger-pg-in, namespace: books}\nspec:\n  endpointSelector",
        "metadata: {name: ledger-pg-in, namespace: books}\nspec:\n"
        "  enableDefaultDeny: {ingress: false}\n  endpointSelector",
    )

    def errors(text: str) -> list[tuple]:
        return [f[:2] for f in findings_for(text, tmp_path) if f[0] == "error"]

    assert errors(RUNBOOK_SHAPED.read_text() + empty % "") == []
    assert errors(nobody + empty % "") == [("error", 16)]
    assert errors(nobody) == []  # ledger-pg-in no longer isolates: nothing else selects the DB


def test_a_hostpath_volume_is_an_error_under_baseline_and_nfs_is_not(tmp_path: Path) -> None:
    # Pod Security "baseline" (the runbook's level) forbids hostPath but allows inline NFS.
    namespace = (
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: vault\n"
        "  labels: {pod-security.kubernetes.io/enforce: baseline}\n---\n"
    )
    host_path = NFS_JOB.replace("nfs: {server: nas, path: /dumps}", "hostPath: {path: /dumps}")

    assert findings_for(namespace + NFS_JOB, tmp_path) == []
    assert findings_for(namespace + host_path, tmp_path) == [
        (
            "error",
            19,
            "CronJob/dump (namespace vault)",
            "spec.jobTemplate.spec.template.spec.volumes[out]",
        )
    ]


@pytest.mark.parametrize("overlay", ["dev", "prod", "prod-ha"])
def test_our_overlays_get_no_warning_for_the_secrets_bootstrap_creates(overlay: str) -> None:
    # Ours (app.kubernetes.io/name: invoicetron): bootstrap creates invoicetron-db,
    # invoicetron-app and gitlab-registry, so their absence from the files is not news.
    path = OVERLAY_DIRECTORY / overlay

    findings = doctor.diagnose([path], Kubectl(executable=KUBECTL))[path]

    assert [f for f in findings if f.lesson == 9] == []


MIGRATE_JOB = """---
apiVersion: batch/v1
kind: Job
metadata: {name: ledger-migrate, namespace: books}
spec:
  template:
    spec:
      restartPolicy: Never
      imagePullSecrets: [{name: gitlab-registry}]
      containers:
        - name: migrate
          image: registry.k8s.rommelporras.com/team/ledger:4.2.0
          env: [{name: DATABASE_URL, value: "postgresql://ledger-pg/ledger"}]
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: migrate-out, namespace: books}
spec:
  endpointSelector: {matchLabels: {job-name: ledger-migrate}}
  egress:
    - toEndpoints: [{matchLabels: {app: ledger-pg}}]
      toPorts: [{ports: [{port: "5432", protocol: TCP}]}]
"""


def test_a_jobs_pods_carry_the_job_name_label_kubernetes_adds(tmp_path: Path) -> None:
    # Kubernetes labels a Job's pods job-name=<job>; the homelab's policies select on it. Admitted
    # by the database's ingress: no error; not admitted: lesson 16, on the Job.
    admitted = variant(
        (
            "    - fromEndpoints: [{matchLabels: {app: ledger}}]",
            "    - fromEndpoints: [{matchLabels: {app: ledger}}, {matchLabels: {job-name: "
            "ledger-migrate}}]",
        )
    )

    def errors(text: str) -> list[tuple]:
        return [f for f in findings_for(text, tmp_path) if f[0] == "error"]

    assert errors(admitted + MIGRATE_JOB) == []
    assert errors(RUNBOOK_SHAPED.read_text() + MIGRATE_JOB) == [
        ("error", 16, "Job/ledger-migrate (namespace books)", "spec.template.metadata.labels")
    ]


def test_a_cilium_ingress_deny_rule_wins_over_an_allow(tmp_path: Path) -> None:
    deny = (
        "---\napiVersion: cilium.io/v2\nkind: CiliumClusterwideNetworkPolicy\n"
        "metadata: {name: no-ledger-to-pg}\nspec:\n"
        "  endpointSelector: {matchLabels: {app: ledger-pg}}\n"
        "  ingressDeny: [{fromEndpoints: [{matchLabels: {app: ledger}}]}]\n"
    )

    found = findings_for(RUNBOOK_SHAPED.read_text() + deny, tmp_path)

    assert [f[:3] for f in found if f[0] == "error"] == [
        ("error", 16, "Deployment/ledger (namespace books)")
    ]
