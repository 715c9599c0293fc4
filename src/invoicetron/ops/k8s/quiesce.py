"""Hold a database still while its data is replaced: the target's app and worker, and the source.

A restore drops and recreates every table and function; a worker still running against the target
crashed with "cache lookup failed for function", and users could write rows the restore then
discarded. So migrate-data scales the target's app and worker to zero first and brings them back to
their old replica counts afterwards, also when a step fails. The counts are also written on each
Deployment (annotation REPLICAS_ANNOTATION) before the scale-down, so a run that dies half-way (the
laptop sleeps, the port-forward breaks) can be completed by hand or by running the command again.

On the source side, a dump taken while the old app still writes is already stale when it finishes:
``source_activity`` reports other sessions on the source and content that changed between two
readings a few seconds apart.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from invoicetron.ops import k8s_names as names
from invoicetron.ops.k8s import compare
from invoicetron.ops.k8s.database import connect
from invoicetron.ops.k8s.kubectl import Kubectl, KubectlError
from invoicetron.ops.k8s.workflows import StepFailed

Say = Callable[[str], None]

REPLICAS_ANNOTATION = "invoicetron.rommelporras.com/replicas-before-data-restore"
WORKLOADS = (
    (names.APP_NAME, f"{names.NAME_LABEL}={names.APP_NAME},{names.COMPONENT_LABEL}=web"),
    (names.WORKER_NAME, f"{names.NAME_LABEL}={names.APP_NAME},{names.COMPONENT_LABEL}=worker"),
)


class QuiesceError(StepFailed):
    """The app could not be stopped or brought back; the message says the state and the fix."""


def replicas_to_restore(deployment: dict) -> int:
    """The count to come back to: the live one, or the remembered one if an earlier run died."""
    spec = deployment.get("spec") or {}
    live = int(spec.get("replicas", 1))
    remembered = ((deployment.get("metadata") or {}).get("annotations") or {}).get(
        REPLICAS_ANNOTATION
    )
    if live == 0 and remembered and remembered.isdigit():
        return int(remembered)
    return live


def recovery_commands(namespace: str, counts: dict[str, int]) -> str:
    return "; ".join(
        f"kubectl scale deployment/{name} --replicas={count} -n {namespace}"
        for name, count in counts.items()
    )


@contextmanager
def workloads_stopped(
    kubectl: Kubectl, namespace: str, say: Say, *, timeout: float = 300
) -> Iterator[dict[str, int]]:
    """Scale the app and the worker to zero, wait for their pods to go, and always scale back."""
    counts: dict[str, int] = {}
    for name, _ in WORKLOADS:
        deployment = kubectl.get("deployment", name, namespace)
        if deployment is None:
            say(f"deployment/{name}: not in {namespace}, nothing to stop")
            continue
        counts[name] = replicas_to_restore(deployment)
    try:
        for name, count in counts.items():
            kubectl.run(
                "annotate",
                f"deployment/{name}",
                f"{REPLICAS_ANNOTATION}={count}",
                "--overwrite",
                f"--namespace={namespace}",
            )
            kubectl.run("scale", f"deployment/{name}", "--replicas=0", f"--namespace={namespace}")
            say(f"deployment/{name}: scaled from {count} to 0 for the restore")
        wait_for_no_pods(kubectl, namespace, [s for n, s in WORKLOADS if n in counts], timeout)
        say("no app or worker pod is running: nothing can write to the target")
        yield counts
    finally:
        bring_back(kubectl, namespace, counts, say)


def wait_for_no_pods(
    kubectl: Kubectl, namespace: str, selectors: list[str], timeout: float
) -> None:
    deadline = time.monotonic() + timeout
    for selector in selectors:
        while kubectl.list("pods", namespace, selector):
            if time.monotonic() > deadline:
                raise QuiesceError(
                    f"pods matching {selector} still run {timeout:.0f} s after the scale-down "
                    f"(`kubectl get pods -n {namespace} -l {selector}`); nothing was restored"
                )
            time.sleep(2)


def bring_back(kubectl: Kubectl, namespace: str, counts: dict[str, int], say: Say) -> None:
    failed: dict[str, int] = {}
    for name, count in counts.items():
        try:
            kubectl.run(
                "scale", f"deployment/{name}", f"--replicas={count}", f"--namespace={namespace}"
            )
            kubectl.run(
                "annotate",
                f"deployment/{name}",
                f"{REPLICAS_ANNOTATION}-",
                f"--namespace={namespace}",
            )
            say(f"deployment/{name}: back to {count} replica(s)")
        except KubectlError as error:
            say(f"deployment/{name}: could not scale back to {count}: {error}")
            failed[name] = count
    if failed:
        raise QuiesceError(
            "the app is still scaled to zero (its old counts are in the annotation "
            f"{REPLICAS_ANNOTATION}); bring it back with: {recovery_commands(namespace, failed)}"
        )


# -- the source ------------------------------------------------------------------------------------

OTHER_SESSIONS = """
SELECT coalesce(nullif(application_name, ''), usename::text, 'unknown')
       || coalesce(' from ' || host(client_addr), '')
FROM pg_stat_activity
WHERE datname = current_database() AND pid <> pg_backend_pid()
  AND backend_type = 'client backend'
ORDER BY 1
"""


@dataclass(frozen=True)
class SourceActivity:
    sessions: list[str]
    changed: list[str]  # tables or sequences whose content changed between the two readings

    @property
    def live(self) -> bool:
        return bool(self.sessions or self.changed)

    def describe(self) -> str:
        parts = []
        if self.sessions:
            parts.append(
                f"{len(self.sessions)} other session(s) connected: "
                + ", ".join(sorted(set(self.sessions)))
            )
        if self.changed:
            parts.append("content changed while we watched: " + ", ".join(self.changed))
        return "; ".join(parts) or "no other session, no change"


def other_sessions(url: str) -> list[str]:
    with connect(url) as connection:
        return [str(row[0]) for row in connection.execute(OTHER_SESSIONS).fetchall()]


def source_activity(url: str, seconds: float) -> SourceActivity:
    """Other sessions on the source, and what changed between two readings ``seconds`` apart."""
    before = compare.summarize(url)
    time.sleep(seconds)
    sessions = other_sessions(url)
    after = compare.summarize(url)
    changed = [row.name for row in compare.differences(compare.compare_summaries(before, after))]
    return SourceActivity(sessions=sessions, changed=changed)
