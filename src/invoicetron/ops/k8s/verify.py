"""The runbook's verification checklist as checks over data fetched from the cluster and the URLs.

Each check is a plain function returning PASS, FAIL or SKIP with a reason. Health is only checked
once the app pods carry the expected image: a health check answered by old pods proves nothing
(lesson 20).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from invoicetron.ops import k8s_names as names
from invoicetron.ops.k8s import deploy
from invoicetron.ops.k8s import manifests as m
from invoicetron.ops.k8s import secrets as s
from invoicetron.ops.k8s.backups import format_age
from invoicetron.ops.k8s.manifests import Obj

PASS, FAIL, SKIP = "PASS", "FAIL", "SKIP"
REDIRECTS = {301, 302, 303, 307, 308}
# Cloudflare Access sends a browser without its CF_Authorization cookie to the team's sign-in page,
# <team>.cloudflareaccess.com (or /cdn-cgi/access/login on the app's host); a request it refuses
# outright (a service without a token) gets a 401/403 page that names the cookie or that domain.
ACCESS_DOMAIN = "cloudflareaccess.com"
ACCESS_COOKIE = "CF_Authorization"
# A public-link path no link can have: the app answers its own 404 page (web/templates/404.html).
UNKNOWN_PUBLIC_LINK = "/p/verify-not-a-link/"
APP_NOT_FOUND_TITLE = "Page not found"
STYLESHEET = re.compile(r'<link rel="stylesheet" href="(/[^"]+)"')


@dataclass(frozen=True)
class Check:
    name: str
    status: str
    reason: str


@dataclass(frozen=True)
class HttpResult:
    status: int | None  # None: no answer
    location: str = ""
    body: str = ""
    error: str = ""


def namespace_check(live: Obj | None, desired: Obj) -> Check:
    title = f"namespace {m.name(desired)}"
    if live is None:
        return Check(title, FAIL, "missing: run `invoicetron k8s bootstrap`")
    wrong = [
        f"{k}={m.labels(live).get(k, 'unset')} (want {v})"
        for k, v in m.labels(desired).items()
        if k.startswith("pod-security.kubernetes.io/enforce") and m.labels(live).get(k) != v
    ]
    if wrong:
        return Check(title, FAIL, "Pod Security labels differ: " + ", ".join(wrong))
    level = m.labels(live).get("pod-security.kubernetes.io/enforce", "unset")
    return Check(title, PASS, f"exists, Pod Security enforce={level}")


def database_check(statefulset: Obj | None, claims: list[Obj]) -> list[Check]:
    status = (statefulset or {}).get("status") or {}
    if statefulset is None:
        ready = Check("database ready", FAIL, f"statefulset/{names.DB_NAME} is missing")
    elif status.get("readyReplicas", 0) >= 1:
        ready = Check("database ready", PASS, f"{names.DB_NAME}-0 ready")
    else:
        ready = Check("database ready", FAIL, f"{names.DB_NAME} has no ready pod")
    data = [c for c in claims if m.name(c).startswith(f"data-{names.DB_NAME}")]
    unbound = [m.name(c) for c in data if (c.get("status") or {}).get("phase") != "Bound"]
    if not data:
        volume = Check("database volume bound", FAIL, "no data volume claim found")
    elif unbound:
        volume = Check("database volume bound", FAIL, "not bound: " + ", ".join(unbound))
    else:
        volume = Check("database volume bound", PASS, ", ".join(m.name(c) for c in data))
    return [ready, volume]


def cnpg_database_check(cluster: Obj | None, pods: list[Obj], claims: list[Obj]) -> list[Check]:
    """prod-ha: CloudNativePG's Cluster instead of the StatefulSet (no pod invoicetron-db-0)."""
    if cluster is None:
        missing = f"cluster/{names.DB_NAME} (CloudNativePG) is missing"
        return [
            Check("database ready", FAIL, missing),
            Check("database volume bound", SKIP, missing),
        ]
    status = cluster.get("status") or {}
    wanted = int((cluster.get("spec") or {}).get("instances") or 1)
    ready = int(status.get("readyInstances") or 0)
    condition: Obj = next(
        (c for c in status.get("conditions") or [] if c.get("type") == "Ready"), {}
    )
    primary = status.get("currentPrimary") or "none"
    running = sorted(
        m.name(p)
        for p in pods
        if (p.get("status") or {}).get("phase") == "Running"
        and not (p.get("metadata") or {}).get("deletionTimestamp")
    )
    if condition.get("status") == "True" and ready >= wanted and primary in running:
        check = Check(
            "database ready", PASS, f"{ready}/{wanted} instances ready, primary {primary}"
        )
    else:
        detail = condition.get("message") or status.get("phase") or "no Ready condition"
        check = Check(
            "database ready",
            FAIL,
            f"{ready}/{wanted} instances ready, primary {primary}, pods running: "
            f"{', '.join(running) or 'none'} ({detail})",
        )
    # CloudNativePG names each instance's claim after its pod (invoicetron-db-1, …).
    data = [c for c in claims if m.labels(c).get(deploy.CNPG_CLUSTER_LABEL) == names.DB_NAME]
    unbound = [m.name(c) for c in data if (c.get("status") or {}).get("phase") != "Bound"]
    if not data:
        volume = Check("database volume bound", FAIL, "no claim labelled for the Cluster")
    elif unbound:
        volume = Check("database volume bound", FAIL, "not bound: " + ", ".join(unbound))
    else:
        volume = Check("database volume bound", PASS, ", ".join(sorted(map(m.name, data))))
    return [check, volume]


def app_check(deployment: Obj | None, pods: list[Obj], expected_image: str | None) -> Check:
    if deployment is None:
        return Check("app on the expected image", FAIL, f"deployment/{names.APP_NAME} is missing")
    image = expected_image or m.container_image(deployment, names.APP_CONTAINER) or "?"
    problems = deploy.pod_image_problems(pods, image)
    if problems:
        return Check("app on the expected image", FAIL, "; ".join(problems))
    return Check("app on the expected image", PASS, f"{serving(pods)} pod(s) ready on {image}")


def worker_check(deployment: Obj | None, pods: list[Obj], expected_image: str | None) -> Check:
    """The worker runs the image the app runs (or the one asked for): same code, same schema."""
    title = "worker on the expected image"
    if deployment is None:
        return Check(title, FAIL, f"deployment/{names.WORKER_NAME} is missing: run deploy")
    image = expected_image or m.container_image(deployment, names.WORKER_CONTAINER) or "?"
    problems = deploy.pod_image_problems(pods, image, names.WORKER_CONTAINER, "worker")
    if problems:
        return Check(title, FAIL, "; ".join(problems))
    return Check(title, PASS, f"{serving(pods)} pod(s) running {image}")


def serving(pods: list[Obj]) -> int:
    """Pods that are not being deleted: a terminating pod keeps phase Running until it exits."""
    return sum(1 for pod in pods if not (pod.get("metadata") or {}).get("deletionTimestamp"))


def secrets_check(live: dict[str, Obj | None]) -> Check:
    problems = [p for name in s.SECRET_NAMES for p in s.problems(name, live.get(name))]
    problems += s.consistency_problems(live.get(names.DB_SECRET), live.get(names.APP_SECRET))
    if problems:
        return Check("secrets", FAIL, "; ".join(problems))
    return Check(
        "secrets", PASS, "invoicetron-db, invoicetron-app, gitlab-registry: keys non-empty"
    )


def pull_secret_check(secret: Obj | None, image: str | None) -> Check:
    if not image:
        return Check("pull secret valid", SKIP, "no app image to check against")
    host = m.image_parts(image)[0] or "docker.io"
    servers = s.registry_servers(secret)
    if host not in servers:
        shown = ", ".join(sorted(servers)) or "none"
        return Check("pull secret valid", FAIL, f"{names.PULL_SECRET} holds {shown}, not {host}")
    return Check("pull secret valid", PASS, f"credentials for {host}")


def route_check(route: Obj | None) -> Check:
    if route is None:
        return Check("route accepted", FAIL, f"httproute/{names.APP_NAME} is missing")
    for parent in (route.get("status") or {}).get("parents") or []:
        for condition in parent.get("conditions") or []:
            if condition.get("type") == "Accepted":
                if condition.get("status") == "True":
                    hosts = ", ".join((route.get("spec") or {}).get("hostnames") or [])
                    return Check("route accepted", PASS, hosts)
                return Check("route accepted", FAIL, condition.get("message") or "not accepted")
    return Check("route accepted", FAIL, "no gateway has accepted the route yet")


def http_check(title: str, result: HttpResult, expect: int, contains: str = "") -> Check:
    if result.status is None:
        return Check(title, FAIL, f"no answer: {result.error}")
    if result.status != expect:
        return Check(title, FAIL, f"HTTP {result.status}, expected {expect}")
    if contains and contains not in result.body:
        return Check(title, FAIL, f"HTTP {result.status} but the page lacks {contains!r}")
    return Check(title, PASS, f"HTTP {result.status}")


def answered_by_access(result: HttpResult) -> bool:
    """Cloudflare Access, not the app, answered: its sign-in redirect or its refusal page."""
    if result.status in REDIRECTS:
        where = urlsplit(result.location)
        host = where.hostname or ""
        return (
            host == ACCESS_DOMAIN
            or host.endswith(f".{ACCESS_DOMAIN}")
            or where.path.startswith("/cdn-cgi/access/")
        )
    return result.status in {401, 403} and (
        ACCESS_COOKIE in result.body or ACCESS_DOMAIN in result.body
    )


def access_check(url: str, result: HttpResult) -> Check:
    """The public URL answers with the access provider's sign-in redirect, not the app itself."""
    title = f"{url} behind access control"
    if answered_by_access(result):
        return Check(title, PASS, "answered by Cloudflare Access (sign-in required)")
    if result.status is None:
        return Check(title, FAIL, f"no answer: {result.error}")
    return Check(title, FAIL, f"HTTP {result.status} without the Access redirect: it is open")


def public_link_check(url: str, result: HttpResult) -> Check:
    """Clients open APP_URL/p/<token>/ without signing in: the app answers there, not Access.

    ``url`` is an unknown link (UNKNOWN_PUBLIC_LINK), so the app's answer is its own 404 page.
    """
    title = f"{url} public without Access"
    if result.status is None:
        return Check(title, FAIL, f"no answer: {result.error}")
    if answered_by_access(result):
        return Check(
            title,
            FAIL,
            "Cloudflare Access asks clients for the admins' sign-in: add the bypass application "
            "for /p/ and /static/ (deploy/README.md, Cloudflare Access)",
        )
    if result.status == 404 and APP_NOT_FOUND_TITLE in result.body:
        return Check(title, PASS, "the app's own 404 page, no sign-in")
    return Check(title, FAIL, f"HTTP {result.status}, expected the app's 404 page")


def stylesheet_path(page: HttpResult) -> str | None:
    """The path of the first stylesheet a page links: what a client's browser fetches next."""
    found = STYLESHEET.search(page.body)
    return found.group(1) if found else None


def public_stylesheet_check(url: str, result: HttpResult) -> Check:
    """The client's page is styled: its stylesheet (/static/) passes Access as the page does."""
    title = f"{url} public without Access"
    if result.status is None:
        return Check(title, FAIL, f"no answer: {result.error}")
    if answered_by_access(result):
        return Check(
            title, FAIL, "Cloudflare Access guards /static/: add it to the bypass application"
        )
    if result.status != 200:
        return Check(title, FAIL, f"HTTP {result.status}, expected the stylesheet")
    return Check(title, PASS, "HTTP 200, no sign-in")


def backup_check(cronjob: Obj | None, now: datetime, max_age: timedelta) -> Check:
    if cronjob is None:
        return Check("last backup", SKIP, f"no cronjob/{names.BACKUP_CRONJOB} in this environment")
    last = ((cronjob.get("status") or {}).get("lastSuccessfulTime")) or ""
    if not last:
        return Check("last backup", FAIL, "the backup CronJob never succeeded")
    taken = datetime.fromisoformat(last.replace("Z", "+00:00"))
    age = now - taken
    if age > max_age:
        return Check("last backup", FAIL, f"last success {format_age(age)} ago")
    return Check("last backup", PASS, f"last success {format_age(age)} ago")


def data_check(users: int | None, error: str = "") -> Check:
    if users is None:
        return Check("data present", FAIL, error or "could not count accounts")
    if users == 0:
        return Check("data present", FAIL, "no accounts: migrate the data or create the owner")
    return Check("data present", PASS, f"{users} account(s)")


def format_checks(checks: list[Check]) -> str:
    width = max(len(c.name) for c in checks)
    lines = [f"{c.status}  {c.name:<{width}}  {c.reason}" for c in checks]
    failed = sum(1 for c in checks if c.status == FAIL)
    lines.append(f"{len(checks)} checks: {failed} failed")
    return "\n".join(lines)


def failed(checks: list[Check]) -> bool:
    return any(c.status == FAIL for c in checks)
