from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from invoicetron.accounts.models import User
from invoicetron.cli import DJANGO_COMMANDS, build_parser
from tests.fixtures.processes import cli_environment, run_cli
from tests.localrun import cleaned_up, local_environment, postmaster_pid

pytestmark = pytest.mark.django_db


@pytest.mark.slow  # runs `invoicetron` in a subprocess
def test_help_lists_every_subcommand() -> None:
    result = run_cli("--help")
    assert result.returncode == 0
    for command in ("dev", "serve", "migrate", "check", "createuser", "manage"):
        assert command in result.stdout


@pytest.mark.slow  # runs `invoicetron` in a subprocess
def test_help_of_django_backed_subcommands_needs_no_configuration() -> None:
    environment = cli_environment()
    for name in ("SECRET_KEY", "DATABASE_URL", "INVOICETRON_ENV", "APP_URL"):
        environment.pop(name, None)
    for command in ("createuser", "token"):
        result = run_cli(command, "--help", env=environment)
        assert result.returncode == 0, result.stderr
        assert "usage: invoicetron " + command in result.stdout


def test_each_subcommand_explains_itself() -> None:
    parser = build_parser()
    actions = [a for a in parser._actions if a.dest == "command"]
    for name, subparser in actions[0].choices.items():  # type: ignore[union-attr]
        if name in DJANGO_COMMANDS:  # Django's own parser writes their --help
            continue
        assert subparser.description, f"`invoicetron {name} --help` needs a description"


def test_createuser_creates_an_owner_with_a_password_from_stdin(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-enough-passphrase\n"))
    call_command("createuser", email="Boss@Example.com", owner=True, password_stdin=True)
    user = User.objects.get(email="boss@example.com")
    assert user.is_owner
    assert user.check_password("a-long-enough-passphrase")


def test_createuser_updates_an_existing_user_instead_of_duplicating(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import io

    User.objects.create_user("boss@example.com", "first-passphrase-123")
    monkeypatch.setattr("sys.stdin", io.StringIO("second-passphrase-456\n"))
    call_command("createuser", email="BOSS@example.com", password_stdin=True)
    assert User.objects.count() == 1
    assert User.objects.get().check_password("second-passphrase-456")


def test_createuser_refuses_a_weak_password_and_keeps_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("password\n"))
    with pytest.raises(CommandError, match="Password refused"):
        call_command("createuser", email="new@example.com", password_stdin=True)
    assert not User.objects.filter(email="new@example.com").exists()


def test_createuser_rejects_an_invalid_email() -> None:
    with pytest.raises(CommandError, match="--email: 'not-an-email' is not a valid email"):
        call_command("createuser", email="not-an-email")


@pytest.mark.slow  # runs `invoicetron` in a subprocess
def test_check_exits_2_on_bad_configuration_naming_the_variable() -> None:
    environment = cli_environment(INVOICETRON_ENV="production", APP_URL="https://x.example.com")
    environment["DATABASE_URL"] = "postgresql://app:sl/ash@db:5432/app"
    result = run_cli("check", env=environment)
    assert result.returncode == 2
    assert "DATABASE_URL" in result.stderr
    assert "sl/ash" not in result.stderr + result.stdout


@pytest.mark.slow  # runs `invoicetron` in a subprocess
def test_check_exits_1_when_the_database_cannot_be_reached() -> None:
    environment = cli_environment(DATABASE_URL="postgresql://app:pw@127.0.0.1:1/app")
    result = run_cli("check", env=environment)
    assert result.returncode == 1
    assert "FAIL  database: cannot connect" in result.stdout
    assert "pw@" not in result.stdout


@pytest.mark.slow  # runs `invoicetron` in a subprocess
def test_check_passes_on_a_migrated_database(
    django_db_setup: None, django_db_blocker: object
) -> None:
    from django.conf import settings

    name = settings.DATABASES["default"]["NAME"]
    environment = cli_environment()
    environment["DATABASE_URL"] = environment["DATABASE_URL"].replace("/postgres?", f"/{name}?")
    result = run_cli("check", env=environment)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok    migrations: all applied" in result.stdout
    assert "PostgreSQL 18." in result.stdout


@pytest.mark.slow
def test_every_local_command_works_with_nothing_but_a_data_directory(tmp_path: Path) -> None:
    environment = local_environment(tmp_path)
    with cleaned_up(tmp_path):
        steps = [
            ("migrate", "--verbosity", "0"),
            ("createuser", "--email", "ada@example.com", "--owner"),
            ("token", "create", "--email", "ada@example.com", "--name", "laptop"),
            ("worker", "--once"),
            ("check",),
            ("manage", "showmigrations", "accounts"),
        ]
        output = {}
        for step in steps:
            result = run_cli(*step, env=environment)
            assert result.returncode == 0, f"invoicetron {' '.join(step)}: {result.stderr}"
            output[step[0]] = result.stdout
        assert "ok    migrations: all applied" in output["check"]
        assert "[X] 0001_initial" in output["manage"]
        assert postmaster_pid(tmp_path) is None, "each command stops the database it started"


@pytest.mark.slow  # runs `invoicetron` in a subprocess
def test_production_still_refuses_to_run_without_a_secret_key(tmp_path: Path) -> None:
    # A configured database means a real installation: production unless INVOICETRON_ENV says not.
    environment = local_environment(tmp_path)
    environment["DATABASE_URL"] = "postgresql://app:pw@127.0.0.1:1/app"
    environment["APP_URL"] = "https://invoices.example.com"
    result = run_cli("worker", "--once", env=environment)
    assert result.returncode == 2
    assert "SECRET_KEY is not set" in result.stderr


@pytest.mark.slow  # runs `invoicetron` in a subprocess
def test_serve_is_the_production_server_even_without_configuration(tmp_path: Path) -> None:
    result = run_cli("serve", env=local_environment(tmp_path))
    assert result.returncode == 2
    assert "SECRET_KEY is not set" in result.stderr
    assert not (tmp_path / "postgres").exists(), "production never starts an embedded database"


@pytest.mark.slow  # runs `invoicetron` in a subprocess
def test_dev_on_a_busy_port_says_so_before_starting_anything(tmp_path: Path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with cleaned_up(tmp_path):
            result = run_cli("dev", "--port", str(port), env=local_environment(tmp_path))
    assert result.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "make run PORT=" in result.stderr
    assert not (tmp_path / "postgres").exists(), "no database is left running for nothing"
