"""`make image-test` (deploy/testing/): its container runs as the pod does, and it fails loudly.

The image test itself needs root and podman and runs in `.ci/run`, not here; these tests pin what
it must keep true whatever the machine: the container's settings follow the Kubernetes manifest,
and where podman is missing and cannot be installed it says so and exits non-zero.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
from pathlib import Path
from types import ModuleType

from tests.fixtures.deploy import REPO, containers, one, render

TESTING = REPO / "deploy" / "testing"


def run_image_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("run_image", TESTING / "run_image.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_image_test_runs_the_container_as_the_manifest_runs_the_app_pod() -> None:
    flags = run_image_module().AS_THE_MANIFEST_RUNS_IT
    template = one(render("prod"), "Deployment", "invoicetron")["spec"]["template"]
    pod = template["spec"]
    (app,) = [c for c in containers(template) if c["name"] == "app"]
    security = app["securityContext"]
    assert security["readOnlyRootFilesystem"] is True and "--read-only" in flags
    # The pod's only writable path is its /tmp emptyDir: podman must not add /run and /var/tmp.
    assert "--read-only-tmpfs=false" in flags
    (mount,) = app["volumeMounts"]
    (volume,) = [v for v in pod["volumes"] if v["name"] == mount["name"]]
    limit = volume["emptyDir"]["sizeLimit"]
    assert limit.endswith("Mi")
    assert f"--tmpfs={mount['mountPath']}:rw,size={limit[:-2]}m,mode=1777" in flags
    user = pod["securityContext"]
    assert f"--user={user['runAsUser']}:{user['runAsGroup']}" in flags
    assert security["capabilities"]["drop"] == ["ALL"] and "--cap-drop=ALL" in flags
    assert security["allowPrivilegeEscalation"] is False
    assert "--security-opt=no-new-privileges" in flags
    assert app["command"] == ["invoicetron"] and app["args"] == ["serve"]


def test_without_podman_and_without_root_the_image_test_says_so_and_fails(tmp_path: Path) -> None:
    # A PATH holding only what the script needs before it looks for podman, and an `id` that says
    # "not root", so that it cannot install anything.
    for tool in ("dirname", "cat"):
        (tmp_path / tool).symlink_to(f"/usr/bin/{tool}")
    fake_id = tmp_path / "id"
    fake_id.write_text("#!/bin/sh\necho 1000\n")
    fake_id.chmod(0o755)
    result = subprocess.run(
        ["/bin/bash", str(TESTING / "image-test"), "python3"],
        env={"PATH": str(tmp_path), "HOME": str(tmp_path)} | {"LANG": os.environ.get("LANG", "C")},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2, result.stdout + result.stderr
    assert "needs podman runc debootstrap" in result.stderr
    assert "No image was built or tested" in result.stderr


def test_make_image_test_runs_the_script_and_ci_runs_it_after_the_tests() -> None:
    makefile = (REPO / "Makefile").read_text()
    assert "image-test: $(STAMP)" in makefile
    assert "deploy/testing/image-test $(BIN)/python" in makefile
    ci_run = (REPO / ".ci" / "run").read_text().splitlines()
    steps = [line for line in ci_run if line.startswith("make ")]
    assert steps == ["make lint", "make test", "make image-test"]


def test_the_stand_in_base_is_tagged_with_the_dockerfiles_base_image() -> None:
    # image-test hands standin-base the first FROM's image; every stage must build on that one.
    froms = [
        line.split()[1]
        for line in (REPO / "Dockerfile").read_text().splitlines()
        if line.upper().startswith("FROM ")
    ]
    assert len(set(froms)) == 1, froms
    script = (TESTING / "image-test").read_text()
    assert """awk 'toupper($1) == "FROM" { print $2; exit }' Dockerfile""" in script
    assert '"$here/standin-base" "$base"' in script
