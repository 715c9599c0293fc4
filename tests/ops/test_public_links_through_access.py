"""`verify` checks that client links pass Cloudflare Access while the rest stays behind it.

A real local HTTP server stands in for Cloudflare's edge in front of the real app (Django's live
server): like Access, it sends a browser without a session to <team>.cloudflareaccess.com, except on
the paths a bypass application lets through; everything else it forwards to the app. `verify`'s URL
checks run against it over real HTTP.
"""

from __future__ import annotations

import dataclasses
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from invoicetron.ops.k8s import verify, workflows
from invoicetron.ops.k8s.environments import Environment, environment

pytestmark = pytest.mark.django_db(transaction=True)

MANIFESTS = Path(__file__).resolve().parents[2] / "deploy" / "kubernetes"
TEAM_LOGIN = "https://homelab.cloudflareaccess.com/cdn-cgi/access/login/invoicetron"
PUBLIC_PATHS = ("/p/", "/static/")  # the bypass application's paths (deploy/README.md)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def edge(upstream: str, open_path: Callable[[str], bool]) -> type[BaseHTTPRequestHandler]:
    """A handler that answers like Access where ``open_path`` is false, else forwards."""

    class Edge(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if not open_path(self.path):
                self.send_response(302)
                self.send_header("Location", f"{TEAM_LOGIN}?redirect_url={self.path}")
                self.end_headers()
                return
            opener = urllib.request.build_opener(NoRedirect)
            try:
                with opener.open(upstream + self.path, timeout=10) as answer:
                    status, headers, body = answer.status, answer.headers, answer.read()
            except urllib.error.HTTPError as error:
                status, headers, body = error.code, error.headers, error.read()
            self.send_response(status)
            for name in ("Content-Type", "Location"):
                if headers.get(name):
                    self.send_header(name, headers[name])
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    return Edge


@contextmanager
def cloudflare(upstream: str, open_path: Callable[[str], bool]) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), edge(upstream, open_path))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def prod_behind(edge_url: str, live_server: Any) -> Environment:
    """Prod as in the settings, its public hostname served by the edge stand-in."""
    prod = environment("prod", MANIFESTS)
    return dataclasses.replace(prod, internal_url=live_server.url, public_url=edge_url)


def findings(checks: list[verify.Check]) -> dict[str, verify.Check]:
    return {check.name: check for check in checks}


def test_with_the_bypass_a_client_link_answers_and_the_rest_asks_for_sign_in(
    live_server: Any,
) -> None:
    with cloudflare(live_server.url, lambda path: path.startswith(PUBLIC_PATHS)) as public:
        checks = findings(workflows.url_checks(prod_behind(public, live_server), app_ok=True))

    link = checks[f"{public}{verify.UNKNOWN_PUBLIC_LINK} public without Access"]
    assert (link.status, link.reason) == (verify.PASS, "the app's own 404 page, no sign-in")
    root = checks[f"{public} behind access control"]
    assert (root.status, root.reason) == (
        verify.PASS,
        "answered by Cloudflare Access (sign-in required)",
    )
    [stylesheet] = [c for n, c in checks.items() if n.startswith(f"{public}/static/")]
    assert (stylesheet.status, stylesheet.reason) == (verify.PASS, "HTTP 200, no sign-in")


def test_a_bypass_of_p_alone_leaves_the_clients_page_unstyled(live_server: Any) -> None:
    with cloudflare(live_server.url, lambda path: path.startswith("/p/")) as public:
        checks = findings(workflows.url_checks(prod_behind(public, live_server), app_ok=True))

    assert checks[f"{public}{verify.UNKNOWN_PUBLIC_LINK} public without Access"].status == (
        verify.PASS
    )
    [stylesheet] = [c for n, c in checks.items() if n.startswith(f"{public}/static/")]
    assert stylesheet.status == verify.FAIL
    assert "add it to the bypass application" in stylesheet.reason


def test_access_over_the_whole_hostname_fails_the_client_link_check(live_server: Any) -> None:
    with cloudflare(live_server.url, lambda path: False) as public:
        checks = findings(workflows.url_checks(prod_behind(public, live_server), app_ok=True))

    link = checks[f"{public}{verify.UNKNOWN_PUBLIC_LINK} public without Access"]
    assert link.status == verify.FAIL
    assert "add the bypass application for /p/ and /static/" in link.reason
    assert checks[f"{public} behind access control"].status == verify.PASS


def test_a_hostname_without_access_fails_the_sign_in_check(live_server: Any) -> None:
    with cloudflare(live_server.url, lambda path: True) as public:
        checks = findings(workflows.url_checks(prod_behind(public, live_server), app_ok=True))

    assert checks[f"{public}{verify.UNKNOWN_PUBLIC_LINK} public without Access"].status == (
        verify.PASS
    )
    root = checks[f"{public} behind access control"]
    assert root.status == verify.FAIL
    assert "without the Access redirect: it is open" in root.reason


def test_a_link_path_answered_by_something_else_is_not_taken_for_the_app(
    live_server: Any,
) -> None:
    # The edge forwards /p/ to the sign-in page instead: a 200 (or a 302) is not the app's 404.
    upstream = f"{live_server.url}/accounts/login/?next="
    with cloudflare(upstream, lambda path: path.startswith(PUBLIC_PATHS)) as public:
        checks = findings(workflows.url_checks(prod_behind(public, live_server), app_ok=True))

    link = checks[f"{public}{verify.UNKNOWN_PUBLIC_LINK} public without Access"]
    assert link.status == verify.FAIL
    assert "expected the app's 404 page" in link.reason
