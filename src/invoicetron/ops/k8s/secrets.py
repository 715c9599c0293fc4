"""The environment's three secrets: where their values come from, what they must hold, how to check.

`invoicetron-db` (postgres-password), `invoicetron-app` (database-url, better-auth-secret) and the
pull secret `gitlab-registry`, named as in the runbook. Values come from 1Password (`op read`), from
environment variables, or are generated; an empty or placeholder value is refused (an expired
password-manager session returns empty strings: lesson 9), and `database-url` is always built from
the same password, percent-encoded (lesson 4). Nothing here prints a value.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
import secrets
import shutil
import subprocess
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import quote, unquote, urlsplit

from invoicetron.ops import k8s_names as names

SECRET_NAMES = (names.DB_SECRET, names.APP_SECRET, names.PULL_SECRET)
ENVIRONMENT_VARIABLES = {
    names.DB_PASSWORD_KEY: "INVOICETRON_POSTGRES_PASSWORD",
    names.SECRET_KEY_KEY: "INVOICETRON_SECRET_KEY",
    "registry-username": "INVOICETRON_REGISTRY_USERNAME",
    "registry-password": "INVOICETRON_REGISTRY_PASSWORD",
}
PLACEHOLDER = re.compile(
    r"^(change-?me|placeholder|password|secret|todo|xxx+|example|null|none|undefined|"
    r"your[-_ ].*|<.*>|\$\{.*\}|\$\(.*\)|set-by-.*|replace[-_ ]?me)$",
    re.IGNORECASE,
)


class SecretProblem(ValueError):
    """A value is missing, empty or a placeholder; the message names it (never its value)."""


class Source(Protocol):
    @property
    def description(self) -> str: ...

    def read(self, field: str) -> str: ...


def checked(label: str, value: str | None) -> str:
    value = (value or "").strip()
    if not value:
        raise SecretProblem(f"{label} is empty")
    if PLACEHOLDER.match(value):
        raise SecretProblem(f"{label} is a placeholder, not a real value")
    return value


@dataclass
class OnePassword:
    """`op read 'op://<vault>/<item>/<field>'`; vault and items from cluster/settings.yaml."""

    item: str
    vault: str
    token_item: str
    executable: str = "op"

    @property
    def description(self) -> str:
        return f"1Password (op://{self.vault}/{self.item})"

    def reference(self, field: str) -> str:
        if field.startswith("registry-"):
            return f"op://{self.vault}/{self.token_item}/{field.removeprefix('registry-')}"
        return f"op://{self.vault}/{self.item}/{field}"

    def read(self, field: str) -> str:
        reference = self.reference(field)
        if not shutil.which(self.executable):
            raise SecretProblem(
                "the 1Password CLI `op` was not found: install it, or use --secrets env|generate"
            )
        done = subprocess.run(
            [self.executable, "read", "--no-newline", reference],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise SecretProblem(
                f"`op read '{reference}'` failed: {done.stderr.strip().splitlines()[-1:]}. "
                "Sign in first: eval $(op signin)"
            )
        try:
            return checked(f"`op read '{reference}'`", done.stdout)
        except SecretProblem as problem:
            raise SecretProblem(
                f"{problem} (is the 1Password session expired? eval $(op signin))"
            ) from None


@dataclass
class EnvironmentVariables:
    description: str = "environment variables"

    def read(self, field: str) -> str:
        variable = ENVIRONMENT_VARIABLES[field]
        try:
            return checked(variable, os.environ.get(variable))
        except SecretProblem as problem:
            raise SecretProblem(f"{problem}: export {variable}=… first") from None


@dataclass
class Generated:
    """New random values; the registry token cannot be generated, it comes from the environment."""

    description: str = "generated (random, URL-safe)"

    def read(self, field: str) -> str:
        if field == names.DB_PASSWORD_KEY:
            return secrets.token_urlsafe(32)
        if field == names.SECRET_KEY_KEY:
            return secrets.token_urlsafe(50)
        return EnvironmentVariables().read(field)


def database_url(password: str) -> str:
    """The app's DATABASE_URL for the in-namespace database, with the password percent-encoded."""
    return (
        f"postgresql://{names.DB_USER}:{quote(password, safe='')}@{names.DB_NAME}:"
        f"{names.DB_PORT}/{names.DB_DATABASE}"
    )


def password_in_url(url: str) -> str | None:
    password = urlsplit(url).password
    return unquote(password) if password is not None else None


# -- Secret objects --------------------------------------------------------------------------------


def secret_object(
    name: str, namespace: str, data: dict[str, str], kind: str = "Opaque"
) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {
            "name": name,
            "namespace": namespace,
            "labels": {names.PART_OF_LABEL: "invoicetron"},
        },
        "type": kind,
        "data": {key: base64.b64encode(value.encode()).decode() for key, value in data.items()},
    }


def registry_secret(namespace: str, server: str, username: str, password: str) -> dict[str, Any]:
    auth = base64.b64encode(f"{username}:{password}".encode()).decode()
    config = {"auths": {server: {"username": username, "password": password, "auth": auth}}}
    return secret_object(
        names.PULL_SECRET,
        namespace,
        {".dockerconfigjson": json.dumps(config)},
        kind="kubernetes.io/dockerconfigjson",
    )


def decoded(secret: dict[str, Any]) -> dict[str, str]:
    """The secret's values (for checks only; never print them)."""
    values = {}
    for key, encoded in (secret.get("data") or {}).items():
        try:
            values[key] = base64.b64decode(encoded).decode()
        except (binascii.Error, UnicodeDecodeError):
            values[key] = ""
    return values


def expected_keys(name: str) -> tuple[str, ...]:
    if name == names.PULL_SECRET:
        return (".dockerconfigjson",)
    return names.SECRET_KEYS[name]


def problems(name: str, secret: dict[str, Any] | None) -> list[str]:
    """What is wrong with one live secret: missing, missing keys, empty or placeholder values."""
    if secret is None:
        return [f"{name} does not exist"]
    values = decoded(secret)
    found = []
    for key in expected_keys(name):
        try:
            checked(f"{name}/{key}", values.get(key))
        except SecretProblem as problem:
            found.append(str(problem))
    if name == names.PULL_SECRET and not found:
        found += registry_problems(values[".dockerconfigjson"])
    return found


def registry_problems(config_json: str) -> list[str]:
    try:
        auths = json.loads(config_json).get("auths") or {}
    except (ValueError, AttributeError):
        return [f"{names.PULL_SECRET} does not hold a valid .dockerconfigjson"]
    if not auths:
        return [f"{names.PULL_SECRET} names no registry"]
    found = []
    for server, entry in auths.items():
        entry = entry or {}
        if not (entry.get("auth") or (entry.get("username") and entry.get("password"))):
            found.append(f"{names.PULL_SECRET} has no credentials for {server}")
    return found


def registry_servers(secret: dict[str, Any] | None) -> set[str]:
    if not secret:
        return set()
    try:
        auths = json.loads(decoded(secret).get(".dockerconfigjson", "{}")).get("auths") or {}
    except (ValueError, AttributeError):
        return set()
    return {re.sub(r"^https?://", "", server).split("/")[0] for server in auths}


def consistency_problems(db: dict[str, Any] | None, app: dict[str, Any] | None) -> list[str]:
    """database-url must carry the database's password, or the app cannot sign in to it."""
    if not db or not app:
        return []
    password = decoded(db).get(names.DB_PASSWORD_KEY, "")
    url = decoded(app).get(names.DATABASE_URL_KEY, "")
    if password and url and password_in_url(url) != password:
        return [
            f"{names.APP_SECRET}/{names.DATABASE_URL_KEY} does not carry the password of "
            f"{names.DB_SECRET}/{names.DB_PASSWORD_KEY}: run `invoicetron k8s rotate-db-password`"
        ]
    return []
