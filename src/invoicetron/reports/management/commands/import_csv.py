"""`invoicetron manage import_csv KIND FILE`: the CSV import for operators, dry run by default."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from invoicetron.reports.csvio.reader import MAX_FILE_BYTES, FileRefused, parse
from invoicetron.reports.importers.runner import KINDS, guess_mapping, mapping_problems, run_import
from invoicetron.reports.importers.values import DATE_FORMATS, Existing, Options


class Command(BaseCommand):
    help = (
        "Import clients, products or invoices from a CSV file. Without --commit it is a dry run "
        "that lists every row's errors and writes nothing; with --commit everything is imported "
        "in one transaction, or nothing is when any row has an error. Exit status 1 on errors."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=sorted(KINDS), help="what the file holds")
        parser.add_argument("file", type=Path, help="the CSV file")
        parser.add_argument("--commit", action="store_true", help="write, if no row has errors")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="FIELD=COLUMN",
            help="match a field to the file's column (repeatable); others are guessed by name",
        )
        parser.add_argument("--decimal-comma", action="store_true", help="numbers like 1234,50")
        parser.add_argument(
            "--date-format",
            default="%Y-%m-%d",
            choices=sorted(DATE_FORMATS),
            help="how dates are written (default %%Y-%%m-%%d)",
        )
        parser.add_argument(
            "--existing",
            default=Existing.REFUSE,
            choices=[str(choice) for choice in Existing],
            help="records that already exist (a client or product by name, an invoice by "
            "number): an error (refuse, the default), left out (skip), or updated from the file "
            "(update; an issued invoice is never changed, it is left out)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if path.stat().st_size > MAX_FILE_BYTES:
            raise CommandError(f"{path} is larger than {MAX_FILE_BYTES // 1048576} MB.")
        try:
            parsed = parse(path.read_bytes())
        except FileRefused as error:
            raise CommandError(str(error)) from error
        kind = options["kind"]
        mapping = guess_mapping(kind, parsed.header)
        for item in options["map"]:
            field, _, column = item.partition("=")
            mapping[field.strip()] = column.strip()
        problems = mapping_problems(kind, mapping, parsed.header)
        if problems:
            raise CommandError(" ".join(problems) + f" Columns: {', '.join(parsed.header)}.")
        self.stdout.write(
            f"Read {len(parsed.rows)} rows ({parsed.encoding}); columns: "
            + ", ".join(f"{f}={c}" for f, c in mapping.items())
        )
        outcome = run_import(
            kind,
            parsed,
            mapping,
            by=None,
            commit=options["commit"],
            options=Options(
                options["decimal_comma"], options["date_format"], Existing(options["existing"])
            ),
        )
        for problem in outcome.errors:
            self.stdout.write(f"row {problem.row}, {problem.column}: {problem.message}")
        if outcome.errors.more_rows:
            self.stdout.write(f"… and {outcome.errors.more_rows} more rows with errors.")
        created = ", ".join(f"{n} {what}" for what, n in outcome.created.items()) or "nothing"
        if outcome.errors:
            raise CommandError(f"{len(outcome.errors)} errors; nothing was imported.")
        verb = "Imported" if options["commit"] else "Dry run: would import"
        others = [f"{n} {what} updated" for what, n in outcome.updated.items()]
        others += [f"{n} {what} skipped (they exist)" for what, n in outcome.skipped.items()]
        self.stdout.write(
            self.style.SUCCESS(f"{verb} {created}{''.join('; ' + o for o in others)}.")
        )
