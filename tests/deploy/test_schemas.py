"""Every rendered object is checked against a schema.

Core kinds: the Kubernetes 1.37 JSON schemas shipped by kubernetes-validate, strict (unknown fields
fail). Custom kinds (Gateway API, Cilium, External Secrets, Prometheus Operator, CloudNativePG):
no PyPI package ships their schemas for Python 3.11, so the fields these manifests rely on are
checked by the small structural checks below, and an unexpected custom kind fails the test.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
from referencing import Registry, Resource
from tests.fixtures.deploy import Obj

KUBERNETES_VERSION = "1.37.0"


@functools.cache
def _schema_dir() -> Any:
    import importlib.resources

    return importlib.resources.files(kubernetes_validate).joinpath(
        "kubernetes-json-schema", f"v{KUBERNETES_VERSION}-local-strict"
    )


@functools.cache
def _definitions() -> Resource[Any]:
    return Resource.from_contents(
        json.loads(_schema_dir().joinpath("_definitions.json").read_text())
    )


@functools.cache
def core_validator(kind: str, api_version: str) -> jsonschema.Draft202012Validator | None:
    group_version = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
    path = _schema_dir().joinpath(f"{kind.lower()}-{group_version}.json")
    if not path.is_file():
        return None
    schema = json.loads(path.read_text())
    registry: Registry[Any] = _definitions() @ (Resource.from_contents(schema) @ Registry())
    return jsonschema.Draft202012Validator(schema, registry=registry)


# -- Structural checks for custom kinds ---------------------------------------------------------


def _require(obj: Obj, path: str, kind: type | tuple[type, ...]) -> Any:
    value: Any = obj
    for part in path.split("."):
        assert isinstance(value, dict) and part in value, f"missing {path}"
        value = value[part]
    assert isinstance(value, kind), f"{path} must be {kind}, got {type(value).__name__}"
    return value


def _check_httproute(obj: Obj) -> None:
    for ref in _require(obj, "spec.parentRefs", list):
        for field in ("name", "namespace", "sectionName"):
            _require(ref, field, str)
    for host in _require(obj, "spec.hostnames", list):
        assert re.fullmatch(r"[a-z0-9]([a-z0-9.-]*[a-z0-9])?", host), host
    for rule in _require(obj, "spec.rules", list):
        for backend in _require(rule, "backendRefs", list):
            _require(backend, "name", str)
            _require(backend, "port", int)


_CILIUM_RULE_KEYS = {"fromEndpoints", "fromEntities", "toEndpoints", "toEntities", "toPorts"}
_CILIUM_ENTITIES = {
    "host",
    "remote-node",
    "kube-apiserver",
    "ingress",
    "cluster",
    "init",
    "health",
    "unmanaged",
    "world",
    "all",
}


def _check_cilium(obj: Obj) -> None:
    spec = _require(obj, "spec", dict)
    _require(spec, "endpointSelector", dict)
    assert set(spec) <= {"endpointSelector", "ingress", "egress", "description"}, set(spec)
    for direction in ("ingress", "egress"):
        for rule in spec.get(direction, []):
            assert set(rule) <= _CILIUM_RULE_KEYS, set(rule)
            for entity in [*rule.get("fromEntities", []), *rule.get("toEntities", [])]:
                assert entity in _CILIUM_ENTITIES, entity
            for port_rule in rule.get("toPorts", []):
                for port in port_rule["ports"]:
                    assert isinstance(port["port"], str) and port["port"].isdigit()
                    assert port["protocol"] in {"TCP", "UDP", "SCTP", "ANY"}


def _check_external_secret(obj: Obj) -> None:
    assert _require(obj, "spec.secretStoreRef.kind", str) in {"SecretStore", "ClusterSecretStore"}
    _require(obj, "spec.secretStoreRef.name", str)
    _require(obj, "spec.target.name", str)
    for item in _require(obj, "spec.data", list):
        _require(item, "secretKey", str)
        _require(item, "remoteRef.key", str)
        _require(item, "remoteRef.property", str)


def _check_probe(obj: Obj) -> None:
    _require(obj, "spec.prober.url", str)
    _require(obj, "spec.module", str)
    assert _require(obj, "spec.targets.staticConfig.static", list)


def _check_prometheus_rule(obj: Obj) -> None:
    for group in _require(obj, "spec.groups", list):
        _require(group, "name", str)
        for rule in _require(group, "rules", list):
            _require(rule, "alert", str)
            _require(rule, "expr", str)


def _check_cnpg_cluster(obj: Obj) -> None:
    _require(obj, "spec.instances", int)
    _require(obj, "spec.storage.size", str)
    _require(obj, "spec.bootstrap.initdb.database", str)
    _require(obj, "spec.bootstrap.initdb.secret.name", str)
    # A PostgreSQL major.minor tag (CloudNativePG's operand images are tagged 18.6, 18.6-…).
    assert re.fullmatch(r"[^:@]+:\d+\.\d+", _require(obj, "spec.imageName", str).split("/")[-1])


def _check_scheduled_backup(obj: Obj) -> None:
    # CloudNativePG schedules have six fields, seconds first.
    assert len(_require(obj, "spec.schedule", str).split()) == 6
    _require(obj, "spec.cluster.name", str)
    assert _require(obj, "spec.method", str) in {"barmanObjectStore", "volumeSnapshot", "plugin"}


def _check_object_store(obj: Obj) -> None:
    assert _require(obj, "spec.configuration.destinationPath", str).startswith("s3://")
    _require(obj, "spec.configuration.s3Credentials.accessKeyId.name", str)


CUSTOM_CHECKS: dict[tuple[str, str], Callable[[Obj], None]] = {
    ("gateway.networking.k8s.io/v1", "HTTPRoute"): _check_httproute,
    ("cilium.io/v2", "CiliumNetworkPolicy"): _check_cilium,
    ("cilium.io/v2", "CiliumClusterwideNetworkPolicy"): _check_cilium,
    ("external-secrets.io/v1", "ExternalSecret"): _check_external_secret,
    ("monitoring.coreos.com/v1", "Probe"): _check_probe,
    ("monitoring.coreos.com/v1", "PrometheusRule"): _check_prometheus_rule,
    ("postgresql.cnpg.io/v1", "Cluster"): _check_cnpg_cluster,
    ("postgresql.cnpg.io/v1", "ScheduledBackup"): _check_scheduled_backup,
    ("barmancloud.cnpg.io/v1", "ObjectStore"): _check_object_store,
}


def test_every_object_matches_its_schema(renders: dict[str, tuple[Obj, ...]]) -> None:
    checked_core = checked_custom = 0
    for name, objects in renders.items():
        for obj in objects:
            where = f"{name}: {obj['kind']}/{obj['metadata']['name']}"
            validator = core_validator(obj["kind"], obj["apiVersion"])
            if validator is not None:
                errors = sorted(validator.iter_errors(obj), key=lambda e: list(e.path))
                assert not errors, f"{where}: " + "; ".join(
                    f"{'.'.join(map(str, e.path))}: {e.message}" for e in errors[:3]
                )
                checked_core += 1
                continue
            check = CUSTOM_CHECKS.get((obj["apiVersion"], obj["kind"]))
            assert check is not None, f"{where}: no schema and no structural check"
            try:
                check(obj)
            except AssertionError as error:
                raise AssertionError(f"{where}: {error}") from None
            checked_custom += 1
    assert checked_core > 50 and checked_custom > 10


def test_the_strict_schemas_reject_an_unknown_field() -> None:
    validator = core_validator("Deployment", "apps/v1")
    assert validator is not None
    bad = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "x"},
        "spec": {"replicas": 1, "replica": 2},
    }
    assert list(validator.iter_errors(bad))


@pytest.mark.parametrize("broken", [{"spec": {"endpointSelector": {}, "ingres": []}}])
def test_the_cilium_check_rejects_a_misspelt_field(broken: Obj) -> None:
    with pytest.raises(AssertionError):
        _check_cilium(broken)
