"""Every pod we render meets Pod Security "restricted" (and so "baseline").

Written from the Pod Security Standards: each check below is one control of the standard, applied
to the pod templates of every overlay and component, and to CloudNativePG's instance pods as far as
the Cluster spec decides them (the operator sets the rest).
"""

from __future__ import annotations

from tests.fixtures.deploy import Obj, containers, pod_templates

ALLOWED_VOLUME_TYPES = {
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "persistentVolumeClaim",
    "projected",
    "secret",
}
SAFE_SYSCTLS = {
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
}


def restricted_violations(pod: Obj) -> list[str]:
    spec = pod["spec"]
    pod_sc = spec.get("securityContext", {})
    problems: list[str] = []
    # Baseline.
    for field in ("hostNetwork", "hostPID", "hostIPC"):
        if spec.get(field):
            problems.append(f"{field} is on")
    for sysctl in pod_sc.get("sysctls", []):
        if sysctl["name"] not in SAFE_SYSCTLS:
            problems.append(f"unsafe sysctl {sysctl['name']}")
    # Restricted: volume types.
    for volume in spec.get("volumes", []):
        kinds = set(volume) - {"name"}
        if not kinds <= ALLOWED_VOLUME_TYPES:
            problems.append(f"volume {volume['name']} is {kinds}")
    for container in containers(pod):
        sc = container.get("securityContext", {})
        name = container["name"]
        if sc.get("privileged"):
            problems.append(f"{name}: privileged")
        if any(port.get("hostPort") for port in container.get("ports", [])):
            problems.append(f"{name}: hostPort")
        if sc.get("procMount", "Default") != "Default":
            problems.append(f"{name}: procMount")
        # Restricted: no privilege escalation.
        if sc.get("allowPrivilegeEscalation") is not False:
            problems.append(f"{name}: allowPrivilegeEscalation is not false")
        # Restricted: runs as non-root, never uid 0.
        if sc.get("runAsNonRoot", pod_sc.get("runAsNonRoot")) is not True:
            problems.append(f"{name}: runAsNonRoot is not true")
        if sc.get("runAsUser", pod_sc.get("runAsUser")) == 0:
            problems.append(f"{name}: runAsUser 0")
        # Restricted: seccomp RuntimeDefault or Localhost.
        seccomp = sc.get("seccompProfile", pod_sc.get("seccompProfile", {})).get("type")
        if seccomp not in {"RuntimeDefault", "Localhost"}:
            problems.append(f"{name}: seccompProfile is {seccomp}")
        # Restricted: drop ALL, add at most NET_BIND_SERVICE.
        capabilities = sc.get("capabilities", {})
        if "ALL" not in capabilities.get("drop", []):
            problems.append(f"{name}: capabilities not dropped")
        if set(capabilities.get("add", [])) - {"NET_BIND_SERVICE"}:
            problems.append(f"{name}: adds capabilities")
    return problems


def test_every_pod_meets_restricted(renders: dict[str, tuple[Obj, ...]]) -> None:
    seen = 0
    for name, objects in renders.items():
        for label, pod in pod_templates(objects):
            assert not restricted_violations(pod), (name, label, restricted_violations(pod))
            seen += 1
    assert seen >= 10


def test_our_pods_are_hardened_beyond_restricted(renders: dict[str, tuple[Obj, ...]]) -> None:
    for name, objects in renders.items():
        for label, pod in pod_templates(objects):
            assert pod["spec"].get("automountServiceAccountToken") is False, (name, label)
            for container in containers(pod):
                sc = container["securityContext"]
                assert sc.get("readOnlyRootFilesystem") is True, (name, label, container["name"])
                assert container.get("resources", {}).get("limits"), (name, label)


def test_namespaces_enforce_restricted(renders: dict[str, tuple[Obj, ...]]) -> None:
    for name, objects in renders.items():
        for obj in objects:
            if obj["kind"] == "Namespace":
                labels = obj["metadata"]["labels"]
                assert labels["pod-security.kubernetes.io/enforce"] in {"baseline", "restricted"}
                assert labels["pod-security.kubernetes.io/audit"] == "restricted"
                assert labels["pod-security.kubernetes.io/warn"] == "restricted", name


def test_the_check_catches_a_root_pod() -> None:
    pod = {
        "spec": {
            "containers": [{"name": "x", "securityContext": {"runAsUser": 0}}],
            "volumes": [{"name": "nfs", "nfs": {"server": "s", "path": "/"}}],
        }
    }
    problems = " ".join(restricted_violations(pod))
    assert "runAsUser 0" in problems and "nfs" in problems and "seccomp" in problems
