"""The data commands: migrate-data, compare, backup now/list/verify/drill, restore, rollback data.

Each works on PostgreSQL URLs: the environment's database is reached through a port-forward by
default (workflows.environment_database), or any URL given with --to/--database-url.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from invoicetron.ops.k8s import backups, compare, database, pull, quiesce, retention
from invoicetron.ops.k8s.environments import Environment
from invoicetron.ops.k8s.kubectl import Kubectl
from invoicetron.ops.k8s.workflows import Say, StepFailed


def confirm(args: argparse.Namespace, env: Environment, what: str) -> None:
    """Ask on a terminal (type the namespace), or require --yes; prod always asks or needs it."""
    if args.yes:
        return
    if sys.stdin.isatty():
        answer = input(f"{what}\nType {env.namespace} to go on: ")
        if answer.strip() == env.namespace:
            return
        raise StepFailed("not confirmed; nothing was changed")
    raise StepFailed(f"{what}. Pass --yes to go on (no terminal to ask on)")


def print_comparison(rows: list[compare.Comparison], say: Say) -> None:
    say(compare.format_comparison(rows))
    if compare.differences(rows):
        raise StepFailed(
            "the databases differ (table above). Nothing is deleted: investigate, then run the "
            "command again"
        )


def guard_target(args: argparse.Namespace, env: Environment, target: str, say: Say) -> None:
    """Ask before replacing data; Django's own rows (what a deploy writes) are not data."""
    tables, rows, framework = compare.row_total(target)
    say(
        f"target {database.redact(target)}: {tables} tables, {rows} rows"
        + (f" (plus {framework} of Django's own)" if framework else "")
    )
    if not rows:
        return
    what = f"This replaces {rows} rows in {tables} tables of {env.namespace}"
    if args.dry_run:
        say(f"dry run: {what.lower()}; the real run asks (or needs --yes)")
        return
    confirm(args, env, what)


def safety_backup(target: str, env: Environment, directory: Path, say: Say) -> None:
    tables, _, _ = compare.row_total(target)
    if not tables:
        say("the target is empty: no safety backup needed")
        return
    path = backups.new_backup_path(directory, env.name, datetime.now(UTC), "before-restore")
    info = database.dump(target, path)
    say(f"safety backup: {info.path} ({backups.format_size(info.size)}, {info.tables} tables)")


def check_source(args: argparse.Namespace, say: Say) -> None:
    """Refuse a source that still takes writes: the dump would miss them (--allow-live-source)."""
    if args.from_dump:
        say(
            "the source is a dump: it holds what the database held when it was taken (stop the "
            "old app before dumping)"
        )
        return
    say(f"watching the source for {args.quiet_seconds:g} s: other sessions, changed rows…")
    activity = quiesce.source_activity(args.from_url, args.quiet_seconds)
    if not activity.live:
        say("the source holds still: no other session, nothing changed")
        return
    if args.allow_live_source:
        say(
            f"WARNING: the source is in use ({activity.describe()}); going on (--allow-live-source)"
        )
        return
    raise StepFailed(
        f"the source is still in use: {activity.describe()}. Stop the old app first "
        "(Compose: `docker compose stop app worker`), or pass --allow-live-source to copy it anyway"
    )


def kubectl_from(args: argparse.Namespace) -> Kubectl:
    return Kubectl(executable=args.kubectl, context=args.context, kubeconfig=args.kubeconfig)


def migrate_data(args: argparse.Namespace, env: Environment, target: str, say: Say) -> None:
    directory = args.backup_dir or backups.default_directory(env.name)
    keep = retention.keep_from_environment()
    if args.from_dump:
        dump = Path(args.from_dump)
        info = database.verify_dump(dump)
        say(f"{dump}: readable, {info.tables} tables of data, {backups.format_size(info.size)}")
    else:
        database.check_tool_version(args.from_url, "pg_dump")
        say(f"source {database.redact(args.from_url)}")
    database.check_tool_version(target, "pg_restore")
    check_source(args, say)
    guard_target(args, env, target, say)
    kubectl = kubectl_from(args)
    if args.dry_run:
        say_scale_plan(kubectl, env, say)
        say("dry run: would dump the source (pg_dump -Fc), restore it here, compare every table")
        return
    if not args.from_dump:
        path = backups.new_backup_path(directory, env.name, datetime.now(UTC), "source")
        say(f"dumping the source to {path}…")
        info = database.dump(args.from_url, path)
        say(f"dump: {backups.format_size(info.size)}, {info.tables} tables of data")
        retention.after_write(path, keep, say)
    with quiesce.workloads_stopped(kubectl, env.namespace, say):
        warn_about_sessions(target, say)
        if args.from_dump:
            rows = restore_into(Path(args.from_dump), target, say)
        else:
            say(f"restoring into {database.redact(target)}…")
            database.restore(path, target)
            rows = compare.compare(args.from_url, target, say)
    print_comparison(rows, say)


def say_scale_plan(kubectl: Kubectl, env: Environment, say: Say) -> None:
    for name, _ in quiesce.WORKLOADS:
        deployment = kubectl.get("deployment", name, env.namespace)
        if deployment is not None:
            count = quiesce.replicas_to_restore(deployment)
            say(f"dry run: would scale deployment/{name} from {count} to 0, then back")


def warn_about_sessions(target: str, say: Say) -> None:
    sessions = quiesce.other_sessions(target)
    if sessions:
        say(
            "note: still connected to the target (the restore waits for their locks): "
            + ", ".join(sorted(set(sessions)))
        )


def restore_into(dump: Path, target: str, say: Say) -> list[compare.Comparison]:
    """Restore into a scratch database first (proves the archive), then into the target; compare."""
    with database.scratch_database(target, "check") as scratch:
        say(f"restoring {dump.name} into a scratch database to check it…")
        database.restore(dump, scratch)
        say(f"restoring {dump.name} into {database.redact(target)}…")
        database.restore(dump, target)
        say("comparing every table of the archive and the restored database…")
        return compare.compare(scratch, target, say)


def backup_now(args: argparse.Namespace, env: Environment, url: str, say: Say) -> None:
    directory = args.backup_dir or backups.default_directory(env.name)
    path = backups.new_backup_path(directory, env.name, datetime.now(UTC))
    keep = retention.keep_from_environment()
    if args.dry_run:
        say(f"dry run: would write {path} (pg_dump -Fc) and check it with pg_restore --list")
        return
    say(f"dumping {database.redact(url)}…")
    info = database.dump(url, path)
    say(f"backup: {path} ({backups.format_size(info.size)}, {info.tables} tables), verified")
    retention.after_write(path, keep, say)


def backup_list(args: argparse.Namespace, env: Environment, say: Say) -> None:
    directory = args.backup_dir or backups.default_directory(env.name)
    found = backups.list_backups(directory)
    if not found:
        say(f"no backups in {directory}")
        return
    now = datetime.now(UTC)
    for backup in found:
        age = backups.format_age(backup.age(now))
        say(
            f"{backup.path.name}  {backup.kind:<14}  {backups.format_size(backup.size):>10}  "
            f"{age} old"
        )


def backup_pull(args: argparse.Namespace, env: Environment, say: Say) -> None:
    directory = args.backup_dir or backups.default_directory(env.name)
    pull.pull(kubectl_from(args), env.namespace, directory, say, dry_run=args.dry_run)


def backup_verify(args: argparse.Namespace, env: Environment, say: Say) -> None:
    directory = args.backup_dir or backups.default_directory(env.name)
    path = backups.resolve(directory, args.file)
    info = database.verify_dump(path)
    say(f"{path}: readable by pg_restore, {info.tables} tables, {backups.format_size(info.size)}")
    if args.file == "latest":
        newest = backups.newest(backups.list_backups(directory))
        problem = backups.age_problem(newest, datetime.now(UTC), max_age(args))
        if problem or newest is None:
            raise StepFailed(problem or "there is no backup at all")
        say(f"age: {backups.format_age(newest.age(datetime.now(UTC)))}")


def max_age(args: argparse.Namespace) -> timedelta:
    return timedelta(hours=args.max_age_hours)


def backup_drill(args: argparse.Namespace, env: Environment, live: str, say: Say) -> None:
    """The restore test nobody runs by hand: latest backup → scratch database → compare."""
    directory = args.backup_dir or backups.default_directory(env.name)
    newest = backups.newest(backups.list_backups(directory))
    now = datetime.now(UTC)
    if newest is None:
        raise StepFailed(
            f"no scheduled or manual backup in {directory}: run `invoicetron k8s backup pull` "
            "or `backup now`"
        )
    say(
        f"newest backup: {newest.path.name}, {backups.format_size(newest.size)}, "
        f"{backups.format_age(newest.age(now))} old"
    )
    database.verify_dump(newest.path)
    if args.dry_run:
        say("dry run: would restore it into a scratch database and compare it with the live one")
        return
    admin = getattr(args, "admin_url", None)
    for name in database.leftover_scratch_databases(admin or live, database.user_name(live)):
        say(f"dropping {name}, the scratch database of an earlier run that did not finish…")
        database.drop_database(admin or live, name)
    with database.scratch_database(live, "drill", admin) as scratch:
        say("restoring into a scratch database…")
        database.restore(newest.path, scratch)
        rows = compare.compare(live, scratch, say)
    say(compare.format_comparison(rows))
    drill_verdict(rows, newest, now, args, say)


def drill_verdict(
    rows: list[compare.Comparison],
    newest: backups.Backup,
    now: datetime,
    args: argparse.Namespace,
    say: Say,
) -> None:
    missing = [row.name for row in rows if row.target is None and row.kind == "table"]
    changed = [row.name for row in compare.differences(rows) if row.name not in missing]
    problems = []
    if missing:
        problems.append("tables missing from the backup: " + ", ".join(missing))
    if changed and args.strict:
        problems.append("tables differ from the live database: " + ", ".join(changed))
    elif changed:
        say(
            f"note: {len(changed)} table(s) changed since the backup was taken (expected for a "
            "live database; --strict fails on it)"
        )
    age = backups.age_problem(newest, now, max_age(args))
    if age:
        problems.append(age)
    if problems:
        raise StepFailed("backup drill failed: " + "; ".join(problems))
    say("backup drill passed: the newest backup restores and holds every table")


def restore(args: argparse.Namespace, env: Environment, target: str, say: Say) -> None:
    directory = args.backup_dir or backups.default_directory(env.name)
    dump = backups.resolve(directory, args.backup)
    info = database.verify_dump(dump)
    say(f"restoring {dump} ({backups.format_size(info.size)}, {info.tables} tables)")
    guard_target(args, env, target, say)
    kubectl = kubectl_from(args)
    if args.dry_run:
        say_scale_plan(kubectl, env, say)
        say("dry run: would take a safety backup, restore, and compare every table")
        return
    safety_backup(target, env, directory, say)
    # The same reason as migrate-data: no app or worker may run while the tables are replaced.
    with quiesce.workloads_stopped(kubectl, env.namespace, say):
        warn_about_sessions(target, say)
        rows = restore_into(dump, target, say)
    print_comparison(rows, say)


def compare_databases(args: argparse.Namespace, env: Environment, target: str, say: Say) -> None:
    print_comparison(compare.compare(args.from_url, target, say), say)
