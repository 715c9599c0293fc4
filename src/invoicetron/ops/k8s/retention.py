"""Dumps of production data on the operator's machine: kept private, and not kept forever.

`backup now`, `migrate-data` (the `-source` dump) and `restore` (the `-before-restore` safety dump)
write pg_dump archives to the backup directory (default `<data dir>/backups/<env>`). They hold
every invoice, client and password hash in clear, so after each write:

- the directory is made private to the operator (0700) and every dump in it too (0600): other
  accounts on the laptop cannot read them;
- the series just written to (the name without its time stamp: `invoicetron-prod` for `backup
  now`, `invoicetron-prod-source` for `migrate-data`) keeps its newest N dumps, N from
  INVOICETRON_BACKUP_KEEP (default 7; 0 keeps everything); its older dumps are deleted. Other
  series are left alone, so a restore never loses the file it is about to read; the
  `-before-restore` safety dumps are kept until the operator deletes them.

The dumps are not encrypted: pg_restore must read them as they are. deploy/README.md says how to
encrypt a copy with gpg or age before it leaves the machine.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from invoicetron.ops.k8s import backups

KEEP_VARIABLE = "INVOICETRON_BACKUP_KEEP"
DEFAULT_KEEP = 7
DIRECTORY_MODE = 0o700
DUMP_MODE = 0o600


@dataclass
class Outcome:
    directory: Path
    keep: int
    kept: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)

    def describe(self) -> str:
        limit = "all kept" if self.keep == 0 else f"the newest {self.keep} of this kind kept"
        removed = f", {len(self.removed)} older removed" if self.removed else ""
        return (
            f"dumps are in {self.directory} (readable by you only): {len(self.kept)} of this "
            f"kind, {limit}"
            f"{removed} ({KEEP_VARIABLE})"
        )


def keep_from_environment() -> int:
    """INVOICETRON_BACKUP_KEEP as a count; a bad value is refused with what to write instead."""
    raw = os.environ.get(KEEP_VARIABLE, "").strip()
    if not raw:
        return DEFAULT_KEEP
    if not raw.isdigit():
        raise ValueError(
            f"{KEEP_VARIABLE}={raw!r} is not a whole number: set how many dumps of one kind "
            "to keep (0 keeps everything)"
        )
    return int(raw)


def series(path: Path) -> str:
    """The dump's kind: its name without the time stamp."""
    found = backups.STAMP.search(path.name)
    return path.name[: found.start()] if found else path.stem


def prune(written: Path, keep: int) -> Outcome:
    """Make the dumps private, and keep the newest ``keep`` of the series ``written`` is in."""
    directory = written.parent
    outcome = Outcome(directory=directory, keep=keep)
    directory.chmod(DIRECTORY_MODE)
    found = backups.list_backups(directory)
    for backup in found:
        if stat.S_IMODE(backup.path.stat().st_mode) != DUMP_MODE:
            backup.path.chmod(DUMP_MODE)
    same = [b for b in found if series(b.path) == series(written)]
    # list_backups is oldest first: the tail is what stays, and the dump just written is in it.
    stale = same[:-keep] if keep else []
    for backup in stale:
        backup.path.unlink()
        outcome.removed.append(backup.path)
    outcome.kept = [b.path for b in same[len(stale) :]]
    return outcome


def after_write(written: Path, keep: int, say: Callable[[str], None]) -> Outcome:
    """Call after writing a dump (``keep`` read before it): apply the retention, say where."""
    outcome = prune(written, keep)
    say(outcome.describe())
    return outcome
