"""Where backups live on the operator's machine, what they are called, and how old they are.

A backup is a pg_dump custom-format archive named ``invoicetron-<env>_<UTC stamp>.dump`` (taken
by `backup now`); the in-cluster CronJob's ``invoicetron_<stamp>.dump`` files, fetched by
`backup pull`, are recognised too. Safety dumps carry a label: ``invoicetron-<env>-source_…``
(what migrate-data copied) and ``invoicetron-<env>-before-restore_…`` (the target before a
restore). They are listed, but ``latest`` never means one of them: restoring "the latest backup"
must not bring back the database as it was just before the last restore.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

STAMP_FORMAT = "%Y%m%dT%H%M%SZ"
STAMP = re.compile(r"_(\d{8}T\d{6}Z)\.dump$")
SAFETY_LABELS = ("source", "before-restore")
SAFETY = re.compile(r"^invoicetron-[a-z0-9]+-(" + "|".join(SAFETY_LABELS) + r")_")
DEFAULT_MAX_AGE = timedelta(hours=26)  # a daily backup plus its run time


@dataclass(frozen=True)
class Backup:
    path: Path
    taken_at: datetime
    size: int

    def age(self, now: datetime) -> timedelta:
        return now - self.taken_at

    @property
    def kind(self) -> str:
        """scheduled (the CronJob's), manual (`backup now`), or the label of a safety dump."""
        if self.path.name.startswith("invoicetron_"):
            return "scheduled"
        found = SAFETY.match(self.path.name)
        return found.group(1) if found else "manual"

    @property
    def is_safety_dump(self) -> bool:
        return self.kind in SAFETY_LABELS


def newest(backups: list[Backup]) -> Backup | None:
    """The newest scheduled or manual backup: what `latest` means. Never a safety dump."""
    regular = [backup for backup in backups if not backup.is_safety_dump]
    return regular[-1] if regular else None


def default_directory(environment: str) -> Path:
    from invoicetron.localdata import data_dir

    return data_dir() / "backups" / environment


def new_backup_path(directory: Path, environment: str, now: datetime, label: str = "") -> Path:
    suffix = f"-{label}" if label else ""
    return directory / f"invoicetron-{environment}{suffix}_{now.strftime(STAMP_FORMAT)}.dump"


def taken_at(path: Path) -> datetime:
    found = STAMP.search(path.name)
    if found:
        return datetime.strptime(found.group(1), STAMP_FORMAT).replace(tzinfo=UTC)
    return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)


def list_backups(directory: Path) -> list[Backup]:
    """Every finished backup in the directory, oldest first (.partial files are unfinished)."""
    if not directory.is_dir():
        return []
    found = [
        Backup(path=path, taken_at=taken_at(path), size=path.stat().st_size)
        for path in directory.glob("invoicetron*.dump")
        if path.is_file()
    ]
    return sorted(found, key=lambda backup: (backup.taken_at, backup.path.name))


def resolve(directory: Path, reference: str) -> Path:
    """``latest`` or a file name/path, as a path that exists; ValueError says what is missing."""
    if reference == "latest":
        found = newest(list_backups(directory))
        if found is None:
            raise ValueError(
                f"no scheduled or manual backup in {directory} (safety dumps do not count as "
                "latest; name one to use it): run `invoicetron k8s backup pull` or `backup now` "
                "first, or pass --backup-dir"
            )
        return found.path
    path = Path(reference).expanduser()
    if not path.is_absolute() and not path.exists():
        path = directory / reference
    if not path.is_file():
        raise ValueError(f"backup {reference} not found (looked in . and {directory})")
    return path


def format_age(age: timedelta) -> str:
    minutes = int(age.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min"


def format_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"  # unreachable; keeps mypy's return analysis simple


def age_problem(backup: Backup | None, now: datetime, max_age: timedelta) -> str | None:
    """Why the newest backup is not good enough, or None."""
    if backup is None:
        return "there is no backup at all"
    if backup.age(now) > max_age:
        return (
            f"the newest backup is {format_age(backup.age(now))} old "
            f"(more than {format_age(max_age)}): backups are failing or not scheduled"
        )
    return None
