"""`invoicetron serve`: gunicorn, configured from the environment.

Gunicorn because it is the most proven WSGI server for Django: pre-forked workers that share the
preloaded app's memory, a graceful shutdown on SIGTERM (in-flight requests finish within the
graceful timeout, new connections are refused), and worker recycling. The workers are threaded and
read each request head in their event loop (ops/worker.py), so slow or idle clients hold a socket,
never a thread. Nothing here migrates: that is `invoicetron migrate`, a separate step (the
Kubernetes migration Job).
"""

from __future__ import annotations

import gc
import json
import logging
import time
from typing import Any

from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger
from pythonjsonlogger.json import JsonFormatter

from invoicetron.envconfig import Env
from invoicetron.portal.redaction import RedactPublicLinks, redact


def server_options(env: Env) -> dict[str, Any]:
    port = env.number("PORT", 3000, minimum=1, maximum=65535)
    graceful = env.number("INVOICETRON_GRACEFUL_TIMEOUT", 25, minimum=1)
    max_requests = env.number("INVOICETRON_MAX_REQUESTS", 100_000, minimum=100)
    return {
        "bind": [f"0.0.0.0:{port}"],
        "workers": env.number("INVOICETRON_WORKERS", 2, minimum=1, maximum=64),
        "worker_class": "invoicetron.ops.worker.HeadFirstThreadWorker",
        "threads": env.number("INVOICETRON_THREADS", 4, minimum=1, maximum=64),
        # Each worker's event loop must report within this; a slow request holds only its thread.
        "timeout": env.number("INVOICETRON_REQUEST_TIMEOUT", 60, minimum=5),
        "graceful_timeout": graceful,
        # Idle kept-alive connections wait in the event loop; closed after this many seconds.
        "keepalive": 5,
        # Open connections per worker, idle or slow ones included; new ones wait in the backlog.
        "worker_connections": 1000,
        "preload_app": True,
        # Recycle workers now and then so that a slow leak can never grow without bound. Not too
        # often: a new worker starts with cold caches (the kept pages and figures, compiled
        # templates), and at 5,000 a busy worker (300 requests a second in `make bench`) was
        # replaced every 15-30 s, in the middle of a timed run.
        "max_requests": max_requests,
        "max_requests_jitter": max_requests // 10,
        "accesslog": "-",
        "errorlog": "-",
        "logger_class": JsonAccessLogger,
        "forwarded_allow_ips": "*"
        if env.flag("TRUST_PROXY_HEADERS", default=False)
        else "127.0.0.1",
        "proc_name": "invoicetron",
    }


class JsonAccessLogger(Logger):
    """Gunicorn's logger, writing one JSON object per line.

    The access line carries the path without its query string, and public-link tokens redacted:
    URLs must never leak secrets.
    """

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        formatter = JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        )
        for handler in self.error_log.handlers:
            handler.setFormatter(formatter)
            handler.addFilter(RedactPublicLinks())  # e.g. "Error handling request /p/<token>/"
        for handler in self.access_log.handlers:
            handler.setFormatter(_PlainMessage())

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
        if not self.access_log_enabled:
            return
        status = (
            getattr(resp, "status_code", None) or str(getattr(resp, "status", "")).split(" ")[0]
        )
        record = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "level": "INFO",
            "logger": "access",
            "method": environ.get("REQUEST_METHOD"),
            "path": redact(environ.get("PATH_INFO") or ""),
            "status": int(status) if str(status).isdigit() else status,
            "duration_ms": round(request_time.total_seconds() * 1000, 2),
            "bytes": getattr(resp, "sent", None),
            "remote_addr": environ.get("REMOTE_ADDR"),
            "user_agent": environ.get("HTTP_USER_AGENT"),
        }
        self.access_log.info(json.dumps(record))


class _PlainMessage(JsonFormatter):
    def format(self, record: Any) -> str:
        return str(record.getMessage())


class InvoicetronServer(BaseApplication):
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if value is not None:
                self.cfg.set(key, value)

    def load(self) -> Any:
        from django.urls import get_resolver

        from invoicetron.wsgi import application

        # Import every view (WeasyPrint, django-ninja's schemas…) before forking, so that the
        # workers share them instead of each importing its own copy on its first request.
        get_resolver().url_patterns  # noqa: B018 - loading the URLconf is the point
        # The preloaded app's objects are shared with the forked workers until written to; the
        # cyclic garbage collector writes to every object it visits, so keep it off them.
        gc.freeze()
        return application


def log_how_to_create_the_first_owner() -> None:
    """On a fresh installation, say in the log how its first owner is created.

    In production the operator runs `createuser` where the app runs; the setup page (where the
    sign-in page leads while no account exists) says the same to visitors. Locally it is a form.
    """
    from django.conf import settings
    from django.db import DatabaseError, connection

    from invoicetron.accounts.services import FIRST_OWNER_COMMAND, setup_needed

    try:
        needed = setup_needed()
    except DatabaseError:
        return  # not reachable yet: the readiness endpoint reports it, and the app waits for it
    finally:
        connection.close()  # never hand a connection to the forked workers
    if not needed:
        return
    setup_page = f"{settings.APP_URL}/accounts/setup/"
    logging.getLogger("invoicetron.setup").warning(
        "No account exists yet. Create the first owner where Invoicetron runs: %s "
        "(Kubernetes: kubectl exec -it deploy/invoicetron -- %s). %s",
        FIRST_OWNER_COMMAND,
        FIRST_OWNER_COMMAND,
        f"Visitors of {setup_page} are told the same."
        if settings.PRODUCTION
        else f"Outside production {setup_page} creates it in the browser.",
    )


def serve(env: Env) -> int:
    InvoicetronServer(server_options(env)).run()
    return 0
