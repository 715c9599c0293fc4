"""Each value of deploy/kubernetes/cluster/settings.yaml is written there and nowhere else.

The scan reads every file git tracks (manifests, .gitlab-ci.yml, docs, Python, tests) and fails on
each place that repeats a settings value, naming the key to use instead. The few places that cannot
read the file (Kustomize's `images:` and the Compose defaults) are listed with the reason, and the
test holds them equal to the settings instead.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from tests.fixtures.deploy import KUBE, REPO

from invoicetron.ops.k8s import cluster_settings
from invoicetron.ops.k8s.environments import environment

SETTINGS_PATH = "deploy/kubernetes/cluster/settings.yaml"
SETTINGS = cluster_settings.load(KUBE)

# Values that are ordinary words or numbers, found in the repository in their other meanings.
NOT_SCANNED = {
    "gateway-namespace": "'default' is a word of every manifest",
    "monitoring-namespace": "'monitoring' names the component too",
    "tunnel-namespace": "'cloudflare' is the vendor's name",
    "tunnel-app-label": "'cloudflared' is the program's name",
    "prod-gateway-section": "'https' is a scheme",
    "secret-store": "'onepassword' is part of the key onepassword-vault",
    "onepassword-vault": "'Kubernetes' is a word of the docs",
    "smtp-port": "a port number, also Django's default",
    "smtp-username": "empty",
}
# Copies the test holds equal to the settings: these files cannot read settings.yaml.
IMAGE_COPIES = {
    "deploy/kubernetes/overlays/dev/environment/kustomization.yaml": "Kustomize `images:` newName",
    "deploy/kubernetes/overlays/prod/environment/kustomization.yaml": "Kustomize `images:` newName",
    "compose.yaml": "Compose's default image",
    "deploy/compose.env.example": "Compose's default image, commented",
}
# Example inputs of tests of other code (settings parsing, image checks): not this cluster.
EXAMPLES = ("tests/test_settings.py", "tests/ops/test_decisions.py", "tests/ops/manifests/")
# Other people's objects, written as they stand: the runbook's installation a takeover starts from,
# and another team's manifests that doctor judges. Their values are theirs, not read from ours.
EXAMPLES += ("tests/ops/runbook_installation.py", "tests/ops/test_doctor_foreign.py")
# Annotation keys with the public hostname as their prefix (the Namespace's 1Password item, the
# replica counts migrate-data keeps on a Deployment): keys, not hostnames.
ANNOTATION_KEY_SUFFIX = ("/secret-item", "/replicas-before-data-restore")


def scanned_values() -> dict[str, str]:
    return {k: v for k, v in SETTINGS.data.items() if k not in NOT_SCANNED and v}


def tracked_texts() -> dict[str, str]:
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout
    texts = {}
    for path in filter(None, listed.split("\0")):
        file = REPO / path
        if path == SETTINGS_PATH or path.startswith(EXAMPLES) or not file.is_file():
            continue
        try:
            texts[path] = file.read_text()
        except UnicodeDecodeError:
            continue  # binary files hold no settings
    return texts


def repeats(texts: dict[str, str]) -> list[str]:
    """`path:line: key` for each occurrence of a settings value outside the settings file."""
    found = []
    for key, value in scanned_values().items():
        pattern = re.compile(rf"(?<![\w.-]){re.escape(value)}(?![\w-])")
        allowed = IMAGE_COPIES if key in {"registry-server", "image-path"} else {}
        for path, text in texts.items():
            if path in allowed:
                continue
            for match in pattern.finditer(text):
                if text.startswith(ANNOTATION_KEY_SUFFIX, match.end()):
                    continue
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path}:{line}: {value!r} is {key} of {SETTINGS_PATH}")
    return found


def test_no_settings_value_is_written_outside_the_settings_file() -> None:
    found = repeats(tracked_texts())
    assert not found, "read these from the settings instead:\n" + "\n".join(found)


def test_the_scan_finds_a_value_written_twice() -> None:
    texts = tracked_texts()
    hostname = SETTINGS.hostname("prod")
    texts["docs/new-page.md"] = f"Open https://{hostname}/ and sign in.\n"
    texts["src/invoicetron/ops/k8s/new.py"] = f'USER = "{SETTINGS.registry_username}"\n'
    found = repeats(texts)
    assert f"docs/new-page.md:1: {hostname!r} is prod-hostname of {SETTINGS_PATH}" in found
    assert any(f.startswith("src/invoicetron/ops/k8s/new.py:1:") for f in found)


@pytest.mark.parametrize("path", sorted(IMAGE_COPIES))
def test_the_image_copies_name_the_settings_repository(path: str) -> None:
    text = (REPO / path).read_text()
    if path.endswith("kustomization.yaml"):
        images = yaml.safe_load(text)["images"]
        assert [i["newName"] for i in images] == [SETTINGS.image_repository]
    else:
        assert f"{SETTINGS.image_repository}:" in text


def test_the_cli_and_ci_read_the_environments_from_the_settings() -> None:
    for name in ("dev", "prod"):
        env = environment(name, KUBE)
        assert env.internal_url == f"https://{SETTINGS.hostname(name)}"
        assert env.secret_item == SETTINGS.secret_item(name)
        printed = subprocess.run(
            [sys.executable, "-m", "invoicetron.ops.k8s.cluster_settings", "url", name],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        )
        assert printed.stdout.strip() == env.internal_url
    public = SETTINGS.public_hostname("prod")
    assert environment("prod", KUBE).public_url == f"https://{public}"


def test_a_missing_setting_is_named_with_the_file(tmp_path: Path) -> None:
    manifests = tmp_path / "kubernetes"
    (manifests / "cluster").mkdir(parents=True)
    data = {k: v for k, v in SETTINGS.data.items() if k != "registry-username"}
    document = {"apiVersion": "v1", "kind": "ConfigMap", "data": data}
    (manifests / "cluster" / "settings.yaml").write_text(yaml.safe_dump(document))
    settings = cluster_settings.load(manifests)
    with pytest.raises(cluster_settings.SettingsError, match=r"data\.registry-username is missing"):
        _ = settings.registry_username


def test_the_manifests_take_the_moved_values_from_the_settings() -> None:
    from tests.fixtures.deploy import one, render, render_with_component

    pull = one(render_with_component("external-secrets"), "ExternalSecret", "gitlab-registry")
    keys = {d["remoteRef"]["key"] for d in pull["spec"]["data"]}
    assert keys == {SETTINGS.registry_token_item}
    prod = render("prod")
    backup = one(prod, "CronJob", "invoicetron-db-backup")
    assert backup["spec"]["timeZone"] == SETTINGS.value("schedule-time-zone")
    claim = one(prod, "PersistentVolumeClaim", "invoicetron-backups")
    assert claim["spec"]["storageClassName"] == SETTINGS.value("storage-class")
