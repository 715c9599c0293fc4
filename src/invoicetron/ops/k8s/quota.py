"""Does the busiest moment of a rollout fit the namespace's ResourceQuota? (lesson 14)

The peak is every workload at once, each Deployment with its rolling-update surge: replicas plus
maxSurge pods. Containers without requests or limits get the LimitRange defaults, as the API
server would give them.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from fractions import Fraction

from invoicetron.ops.k8s import manifests as m
from invoicetron.ops.k8s.manifests import Obj

SUFFIXES = {
    "m": Fraction(1, 1000),
    "k": Fraction(1000),
    "M": Fraction(1000**2),
    "G": Fraction(1000**3),
    "T": Fraction(1000**4),
    "Ki": Fraction(1024),
    "Mi": Fraction(1024**2),
    "Gi": Fraction(1024**3),
    "Ti": Fraction(1024**4),
}
QUANTITY = re.compile(r"^([0-9.]+)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$")
RESOURCES = ("requests.cpu", "requests.memory", "limits.cpu", "limits.memory")


def quantity(value: object) -> Fraction:
    found = QUANTITY.match(str(value).strip())
    if not found:
        raise ValueError(f"not a resource quantity: {value!r}")
    number = Fraction(found.group(1))
    return number * SUFFIXES[found.group(2)] if found.group(2) else number


@dataclass
class Usage:
    pods: int = 0
    amounts: dict[str, Fraction] = field(
        default_factory=lambda: dict.fromkeys(RESOURCES, Fraction(0))
    )

    def add(self, other: Usage, times: int = 1) -> None:
        self.pods += other.pods * times
        for key in RESOURCES:
            self.amounts[key] += other.amounts[key] * times


def defaults(limit_ranges: list[Obj]) -> dict[str, dict[str, Fraction]]:
    found: dict[str, dict[str, Fraction]] = {"requests": {}, "limits": {}}
    for limit_range in limit_ranges:
        for item in (limit_range.get("spec") or {}).get("limits") or []:
            if item.get("type") != "Container":
                continue
            for resource, value in (item.get("defaultRequest") or {}).items():
                found["requests"][resource] = quantity(value)
            for resource, value in (item.get("default") or {}).items():
                found["limits"][resource] = quantity(value)
    return found


def container_usage(container: Obj, default: dict[str, dict[str, Fraction]]) -> dict[str, Fraction]:
    resources = container.get("resources") or {}
    usage = {}
    for resource in ("cpu", "memory"):
        limit = (resources.get("limits") or {}).get(resource)
        request = (resources.get("requests") or {}).get(resource)
        limit_value = quantity(limit) if limit is not None else default["limits"].get(resource)
        if request is not None:
            request_value: Fraction | None = quantity(request)
        elif limit is not None:
            request_value = quantity(limit)  # the API server copies the limit into the request
        else:
            request_value = default["requests"].get(resource)
        usage[f"requests.{resource}"] = request_value or Fraction(0)
        usage[f"limits.{resource}"] = limit_value or Fraction(0)
    return usage


def pod_usage(pod_spec: Obj, default: dict[str, dict[str, Fraction]]) -> Usage:
    """One pod: the larger of its init containers (one at a time) and its containers (together)."""
    usage = Usage(pods=1)
    for key in RESOURCES:
        running = sum(
            (container_usage(c, default)[key] for c in pod_spec.get("containers") or []),
            Fraction(0),
        )
        init = max(
            (container_usage(c, default)[key] for c in pod_spec.get("initContainers") or []),
            default=Fraction(0),
        )
        usage.amounts[key] = max(running, init)
    return usage


def surge(deployment: Obj) -> int:
    spec = deployment.get("spec") or {}
    replicas = int(spec.get("replicas", 1))
    strategy = spec.get("strategy") or {}
    if strategy.get("type") == "Recreate":
        return 0
    value = (strategy.get("rollingUpdate") or {}).get("maxSurge", "25%")
    if isinstance(value, str) and value.endswith("%"):
        return math.ceil(replicas * int(value[:-1]) / 100)
    return int(value)


def copies(workload: Obj) -> int:
    """How many pods of this workload run at the busiest moment of a deploy."""
    spec = workload.get("spec") or {}
    if m.kind(workload) == "Deployment":
        return int(spec.get("replicas", 1)) + surge(workload)
    if m.kind(workload) == "StatefulSet":
        return int(spec.get("replicas", 1))
    if m.kind(workload) == "Job":
        return int(spec.get("parallelism", 1))
    if m.kind(workload) in {"CronJob", "Pod"}:
        return 1
    return 0


def peak(workloads: list[Obj], limit_ranges: list[Obj]) -> Usage:
    default = defaults(limit_ranges)
    total = Usage()
    for workload in workloads:
        template = m.pod_template(workload)
        if template:
            total.add(pod_usage(template[1], default), copies(workload))
    return total


def overflows(quota: Obj, usage: Usage) -> list[str]:
    """Each quota line the peak exceeds, in words."""
    hard = (quota.get("spec") or {}).get("hard") or {}
    aliases = {"cpu": "requests.cpu", "memory": "requests.memory"}
    found = []
    if "pods" in hard and usage.pods > int(hard["pods"]):
        found.append(f"pods {usage.pods} > {hard['pods']}")
    for key, value in hard.items():
        resource = aliases.get(key, key)
        if resource in usage.amounts and usage.amounts[resource] > quantity(value):
            found.append(f"{resource} {show(usage.amounts[resource], resource)} > {value}")
    return found


def show(amount: Fraction, resource: str) -> str:
    if resource.endswith("cpu"):
        return f"{float(amount * 1000):.0f}m"
    return f"{float(amount / 1024**2):.0f}Mi"
