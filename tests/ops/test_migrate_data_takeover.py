"""migrate-data against a running target and a live source, on two real PostgreSQL 18 servers.

The target's app and worker are Deployments reached through the kubectl stand-in (it records every
call in order); the databases are real. Django's own rows (django_migrations, content types,
permissions) are made the way a deploy makes them: `invoicetron migrate` on the target.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import make_conninfo

from invoicetron.ops.k8s import quiesce
from tests.fixtures.kubectl import calls, can
from tests.fixtures.processes import cli_environment, run_cli

pytestmark = pytest.mark.slow

RUNNING = {
    "get deployment invoicetron-worker": {
        "stdout": json.dumps({"kind": "Deployment", "spec": {"replicas": 1}})
    },
    "get deployment invoicetron": {
        "stdout": json.dumps({"kind": "Deployment", "spec": {"replicas": 2}})
    },
    "get pods": {"stdout": json.dumps({"items": []})},
}


def k8s(kubectl: Path, *args: str) -> tuple[int, str, str]:
    done = run_cli("k8s", *args, "--kubectl", str(kubectl), env=cli_environment())
    return done.returncode, done.stdout, done.stderr


def migrate_from(kubectl: Path, source: str, target: str, *args: str) -> tuple[int, str, str]:
    """`migrate-data --from source --to target`, with no wait for the source to hold still."""
    return k8s(
        kubectl, "migrate-data", "--from", source, "--to", target, "--quiet-seconds", "0", *args
    )


def scale_calls(kubectl: Path) -> list[str]:
    return [
        " ".join(a for a in call["argv"] if not a.startswith("--namespace"))  # type: ignore[union-attr]
        for call in calls(kubectl)
        if call["argv"][0] == "scale"  # type: ignore[index]
    ]


def migrated(url: str) -> None:
    done = run_cli("migrate", "--verbosity", "0", env=cli_environment(DATABASE_URL=url))
    assert done.returncode == 0, done.stderr


def test_the_target_app_and_worker_are_scaled_to_zero_for_the_restore_and_back_after(
    old_vm: str,
    cluster_db: str,
    tmp_path: Path,
    standin: Path,
) -> None:
    can(standin, RUNNING)

    status, out, err = migrate_from(standin, old_vm, cluster_db, "--backup-dir", str(tmp_path))

    assert status == 0, err
    assert scale_calls(standin) == [
        "scale deployment/invoicetron --replicas=0",
        "scale deployment/invoicetron-worker --replicas=0",
        "scale deployment/invoicetron --replicas=2",
        "scale deployment/invoicetron-worker --replicas=1",
    ]
    assert out.index("scaled from 2 to 0") < out.index("restoring") < out.index("back to 2")
    assert "all identical" in out


def test_an_unreadable_dump_is_refused_before_the_app_is_touched(
    old_vm: str,
    cluster_db: str,
    tmp_path: Path,
    standin: Path,
) -> None:
    can(standin, RUNNING)
    broken = tmp_path / "broken.dump"
    broken.write_bytes(b"PGDMP" + b"\0" * 64)

    status, _, err = k8s(
        standin, "migrate-data", "--from-dump", str(broken), "--to", cluster_db, "--yes"
    )

    assert status == 1
    assert "not a readable pg_dump archive" in err
    assert scale_calls(standin) == []


def test_a_failing_comparison_brings_the_app_back_before_reporting(
    old_vm: str,
    cluster_db: str,
    tmp_path: Path,
    standin: Path,
) -> None:
    can(standin, RUNNING)
    dump = tmp_path / "old.dump"
    k8s(standin, "backup", "now", "--database-url", old_vm, "--backup-dir", str(tmp_path))
    [taken] = tmp_path.glob("invoicetron-dev_*.dump")
    taken.rename(dump)
    with psycopg.connect(cluster_db, autocommit=True) as connection:
        # A table the archive does not hold: the restore leaves it, the comparison flags it.
        connection.execute("CREATE TABLE stray (id int)")
        connection.execute("INSERT INTO stray VALUES (1)")

    status, _, err = k8s(
        standin, "migrate-data", "--from-dump", str(dump), "--to", cluster_db, "--yes"
    )

    assert status == 1 and "the databases differ" in err
    assert scale_calls(standin)[-2:] == [
        "scale deployment/invoicetron --replicas=2",
        "scale deployment/invoicetron-worker --replicas=1",
    ]


def test_restore_latest_also_stops_the_app_and_worker_while_it_replaces_the_tables(
    old_vm: str,
    cluster_db: str,
    tmp_path: Path,
    standin: Path,
) -> None:
    can(standin, RUNNING)
    k8s(standin, "backup", "now", "--database-url", old_vm, "--backup-dir", str(tmp_path))

    status, out, err = k8s(
        standin,
        "restore",
        "latest",
        "--database-url",
        cluster_db,
        "--backup-dir",
        str(tmp_path),
        "--yes",
    )

    assert status == 0, err
    assert scale_calls(standin) == [
        "scale deployment/invoicetron --replicas=0",
        "scale deployment/invoicetron-worker --replicas=0",
        "scale deployment/invoicetron --replicas=2",
        "scale deployment/invoicetron-worker --replicas=1",
    ]
    restored = out.index("into a scratch database to check it")
    assert out.index("scaled from 2 to 0") < restored < out.index("back to 2")


def test_a_source_with_a_connected_app_is_refused_unless_allowed(
    old_vm: str,
    cluster_db: str,
    tmp_path: Path,
    standin: Path,
) -> None:
    can(standin, RUNNING)
    with psycopg.connect(old_vm, autocommit=True, application_name="invoicetron-web") as app:
        app.execute("SELECT 1")
        refused = migrate_from(standin, old_vm, cluster_db, "--backup-dir", str(tmp_path))
        allowed = migrate_from(
            standin,
            old_vm,
            cluster_db,
            "--backup-dir",
            str(tmp_path),
            "--allow-live-source",
            "--yes",
        )

    assert refused[0] == 1
    assert "invoicetron-web" in refused[2] and "--allow-live-source" in refused[2]
    assert allowed[0] == 0, allowed[2]
    assert "all identical" in allowed[1]


def test_dry_run_on_a_deployed_target_holding_only_djangos_rows_prints_the_plan(
    old_vm: str,
    cluster_db: str,
    standin: Path,
) -> None:
    can(standin, RUNNING)
    migrated(cluster_db)  # what the deploy's migration Job leaves: Django's own rows

    status, out, err = migrate_from(standin, old_vm, cluster_db, "--dry-run")

    assert status == 0, err
    assert "dry run" in out and "scale deployment/invoicetron from 2 to 0" in out
    assert scale_calls(standin) == []


def test_no_subprocess_gets_the_password_on_its_command_line(
    old_vm: str,
    cluster_db: str,
    tmp_path: Path,
    standin: Path,
) -> None:
    can(standin, RUNNING)
    password = "s3cret-Passw0rd-on-no-argv"
    with psycopg.connect(old_vm, autocommit=True) as connection:
        connection.execute(f"ALTER ROLE CURRENT_USER WITH PASSWORD '{password}'")
    source = make_conninfo(old_vm, password=password)
    assert password in source
    log = tmp_path / "argv.jsonl"
    # An audit hook in the CLI's own process records the argv of every process it starts.
    script = (
        "import json, sys\n"
        f"log = open({str(log)!r}, 'a')\n"
        "def hook(event, args):\n"
        "    if event == 'subprocess.Popen':\n"
        "        log.write(json.dumps([str(a) for a in args[1]]) + '\\n'); log.flush()\n"
        "sys.addaudithook(hook)\n"
        "from invoicetron.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    import subprocess

    done = subprocess.run(
        [
            sys.executable,
            "-c",
            script,
            "k8s",
            "migrate-data",
            "--from",
            source,
            "--to",
            cluster_db,
            "--backup-dir",
            str(tmp_path),
            "--quiet-seconds",
            "0",
            "--kubectl",
            str(standin),
        ],
        env=cli_environment(),
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )

    assert done.returncode == 0, done.stderr
    started = [json.loads(line) for line in log.read_text().splitlines()]
    assert any("pg_dump" in argv[0] for argv in started)
    assert not [argv for argv in started if any(password in a for a in argv)]
    assert password not in done.stdout + done.stderr


def test_a_freshly_deployed_target_with_a_trial_sign_in_needs_no_yes(
    old_vm: str,
    cluster_db: str,
    tmp_path: Path,
    standin: Path,
) -> None:
    can(standin, RUNNING)
    migrated(cluster_db)
    with psycopg.connect(cluster_db, autocommit=True) as connection:
        connection.execute(
            "INSERT INTO django_session VALUES ('trial', 'e30', now() + interval '1 day')"
        )

    status, out, err = migrate_from(standin, old_vm, cluster_db, "--backup-dir", str(tmp_path))

    assert status == 0, err
    assert "0 rows (plus" in out and "of Django's own)" in out


def test_a_run_after_one_that_died_half_way_brings_the_app_back_to_its_remembered_count(
    old_vm: str,
    cluster_db: str,
    tmp_path: Path,
    standin: Path,
) -> None:
    annotation = quiesce.REPLICAS_ANNOTATION
    left_at_zero = {
        "kind": "Deployment",
        "metadata": {"annotations": {annotation: "3"}},
        "spec": {"replicas": 0},
    }
    can(standin, {**RUNNING, "get deployment invoicetron": {"stdout": json.dumps(left_at_zero)}})

    status, _, err = migrate_from(
        standin, old_vm, cluster_db, "--backup-dir", str(tmp_path), "--yes"
    )

    assert status == 0, err
    assert "scale deployment/invoicetron --replicas=3" in scale_calls(standin)
    annotated = [c["argv"] for c in calls(standin) if c["argv"][0] == "annotate"]  # type: ignore[index]
    assert [a for a in annotated[0] if a.startswith(annotation)] == [f"{annotation}=3"]
    assert [f"{annotation}-"] == [a for a in annotated[-2] if a.startswith(annotation)]
