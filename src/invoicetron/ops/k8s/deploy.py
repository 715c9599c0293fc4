"""Deploy decisions: is the image acceptable, what gets applied in which order, did it work.

The image is written into the rendered manifests (never patched around them), so an apply can not
revert it (lesson 6); the migration Job runs the same image before the app and the worker roll out
(both are held back from the first apply: new code never runs against a schema without its
migrations); and success means the running pods of both carry the new image (lesson 20) before
/api/ready is even asked.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from invoicetron.ops import k8s_names as names
from invoicetron.ops.k8s import manifests as m
from invoicetron.ops.k8s.manifests import Obj

PLACEHOLDER_WORDS = ("set-by", "placeholder", "changeme", "change-me", "example", "todo", "dummy")


class DeployRefused(ValueError):
    """The deploy cannot start; the message says why and what to do."""


def image_problem(image: str) -> str | None:
    """Why ``image`` must not be deployed (lesson 11), or None."""
    if not m.IMAGE_REFERENCE.match(image):
        return f"{image!r} is not a valid image reference"
    host, repo, tag, digest = m.image_parts(image)
    named = f"{repo}:{tag or ''}".lower()  # the registry's host may say "example" legitimately
    if any(word in named for word in PLACEHOLDER_WORDS):
        return f"{image} is a placeholder, not a built image"
    if tag == "latest":
        return (
            f"{image} uses :latest, which moves and may not exist; use the commit's tag or digest"
        )
    if tag is None and digest is None:
        return f"{image} has no tag (it means :latest); pin a tag or a digest"
    if host is None and repo == names.APP_NAME:
        return (
            f"{image} has no registry: use <registry-server>/<image-path>:<tag> "
            "(cluster/settings.yaml)"
        )
    return None


@dataclass
class DeployPlan:
    namespace: str
    new_image: str
    live_image: str | None
    infrastructure: list[Obj]  # applied first: everything except the app and the worker
    migrate_job: Obj
    app: Obj
    worker: Obj
    live_worker_image: str | None = None
    notes: list[str] = field(default_factory=list)
    database: str = f"statefulset/{names.DB_NAME}"  # or CloudNativePG's cluster (prod-ha)

    @property
    def workloads(self) -> list[Obj]:
        """What runs our code, applied together after the migration: the app, then the worker."""
        return [self.app, self.worker]

    def describe(self) -> list[str]:
        lines = [
            f"namespace {self.namespace}",
            f"image: {self.live_image or '(no Deployment yet)'} -> {self.new_image}",
        ]
        if self.infrastructure:
            listed = ", ".join(m.describe(o).split(" (")[0] for o in self.infrastructure)
            lines.append(f"1. apply (server-side) {len(self.infrastructure)} objects: {listed}")
        else:
            lines.append("1. apply nothing but the app and the worker (--app-only)")
        if self.live_worker_image != self.live_image:
            lines.append(
                f"worker image: {self.live_worker_image or '(no Deployment yet)'} -> "
                f"{self.new_image}"
            )
        lines += [
            f"2. wait for {self.database} to be ready",
            f"3. run job/{names.MIGRATE_JOB} with {self.new_image}, streaming its logs; "
            "stop here if it fails (the old version keeps serving)",
            f"4. apply deployment/{names.APP_NAME} and deployment/{names.WORKER_NAME} with "
            f"{self.new_image} and wait for both rollouts",
            "5. check every running app and worker pod carries the new image, then /api/ready",
        ]
        return lines + self.notes


def plan_deploy(
    rendered: list[Obj],
    migrate_rendered: list[Obj],
    image: str,
    live_deployment: Obj | None,
    namespace: str,
    *,
    app_only: bool = False,
    live_worker: Obj | None = None,
) -> DeployPlan:
    problem = image_problem(image)
    if problem:
        raise DeployRefused(problem)
    for deployment, live in ((names.APP_NAME, live_deployment), (names.WORKER_NAME, live_worker)):
        if app_only and live is None:
            raise DeployRefused(
                f"--app-only updates an existing deployment/{deployment}, and there is none in "
                f"{namespace}: run the full `invoicetron k8s deploy` once with an administrator's "
                "credentials (CI's Role may patch the Deployments, never create them)"
            )
    pinned, _ = m.pin_image(rendered, image, {names.APP_CONTAINER, names.WORKER_CONTAINER})
    workloads = []
    for deployment, container in (
        (names.APP_NAME, names.APP_CONTAINER),
        (names.WORKER_NAME, names.WORKER_CONTAINER),
    ):
        found = m.find(pinned, "Deployment", deployment)
        if not found or m.container_image(found[0], container) != image:
            raise DeployRefused(
                f"the overlay renders no Deployment {deployment} with a container {container}: "
                "is --manifests pointing at Invoicetron's deploy/kubernetes?"
            )
        workloads.append(found[0])
    app, worker = workloads
    jobs = m.find(m.pin_image(migrate_rendered, image, {"migrate"})[0], "Job", names.MIGRATE_JOB)
    if not jobs:
        raise DeployRefused(f"the migrate overlay renders no Job {names.MIGRATE_JOB}")
    for obj in (app, worker, jobs[0]):
        template = m.pod_template(obj)
        pull = {
            s.get("name") for s in (template[1] if template else {}).get("imagePullSecrets", [])
        }
        if names.PULL_SECRET not in pull:
            raise DeployRefused(
                f"{m.describe(obj)} does not name the pull secret {names.PULL_SECRET}"
            )
    # The app and the worker never go out before the migration: not even in a first deploy.
    infrastructure = [] if app_only else [o for o in pinned if all(o is not w for w in workloads)]
    plan = DeployPlan(
        namespace=namespace,
        new_image=image,
        live_image=m.container_image(live_deployment, names.APP_CONTAINER),
        infrastructure=infrastructure,
        migrate_job=jobs[0],
        app=app,
        worker=worker,
        live_worker_image=m.container_image(live_worker, names.WORKER_CONTAINER),
    )
    cluster = cnpg_cluster(rendered)
    if cluster is not None:
        plan.database = f"{CNPG_RESOURCE}/{names.DB_NAME} (CloudNativePG, condition Ready)"
    if plan.live_image == image and plan.live_worker_image == image:
        plan.notes.append("note: the live Deployments already run this image (a re-deploy)")
    return plan


CNPG_GROUP = "postgresql.cnpg.io"
CNPG_RESOURCE = f"cluster.{CNPG_GROUP}"  # `cluster` alone is ambiguous in kubectl
CNPG_CLUSTER_LABEL = "cnpg.io/cluster"


def cnpg_cluster(rendered: list[Obj]) -> Obj | None:
    """The CloudNativePG Cluster that runs the database instead of the StatefulSet (prod-ha)."""
    return next(
        (
            o
            for o in m.find(rendered, "Cluster", names.DB_NAME)
            if str(o.get("apiVersion", "")).startswith(f"{CNPG_GROUP}/")
        ),
        None,
    )


def keep_instances(cluster: Obj, live: Obj | None) -> str | None:
    """Give ``cluster`` the live instance count: an operator's scaling is never undone."""
    live_count = ((live or {}).get("spec") or {}).get("instances")
    wanted = (cluster.get("spec") or {}).get("instances")
    if live_count is None or live_count == wanted:
        return None
    cluster.setdefault("spec", {})["instances"] = live_count
    return (
        f"note: cluster/{names.DB_NAME} keeps its live {live_count} instances "
        f"(the overlay says {wanted})"
    )


def job_outcome(job: Obj | None) -> str:
    """'succeeded', 'failed' or 'running' for a Job's status."""
    status = (job or {}).get("status") or {}
    for condition in status.get("conditions") or []:
        if condition.get("status") == "True" and condition.get("type") in {"Complete", "Failed"}:
            return "succeeded" if condition["type"] == "Complete" else "failed"
    if status.get("succeeded"):
        return "succeeded"
    if status.get("failed"):
        return "failed"
    return "running"


def pod_image_problems(
    pods: list[Obj], image: str, container: str = names.APP_CONTAINER, role: str = "app"
) -> list[str]:
    """Why the pods (app, or worker) are not all running ``image``; empty when they are (lesson 20).

    The worker has no readiness probe, so its containers count as ready once started.
    """
    live = [p for p in pods if not (p.get("metadata") or {}).get("deletionTimestamp")]
    running = [p for p in live if (p.get("status") or {}).get("phase") == "Running"]
    if not running:
        return [f"no {role} pod is running"]
    found = []
    for pod in running:
        spec_image = m.container_image(pod, container)
        status: Obj = next(
            (
                s
                for s in (pod.get("status") or {}).get("containerStatuses") or []
                if s.get("name") == container
            ),
            {},
        )
        if spec_image != image:
            found.append(f"pod {m.name(pod)} runs {spec_image}, not {image}")
        elif "@" in image and not str(status.get("imageID", "")).endswith(image.split("@")[1]):
            found.append(f"pod {m.name(pod)} runs another digest than {image}")
        elif not status.get("ready"):
            found.append(f"pod {m.name(pod)} is not ready")
    return found
