"""`invoicetron rates import FILE`: the ECB's reference rates into the exchange-rate table."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from invoicetron.billing import services
from invoicetron.billing.models import BusinessProfile
from invoicetron.billing.rate_files import MAX_FILE_BYTES, REFERENCE_CURRENCY, too_large


class Command(BaseCommand):
    help = (
        "The exchange-rate table a foreign-currency invoice's rate defaults to. `import FILE` "
        "reads the European Central Bank's euro reference rates (eurofxref.csv, "
        "eurofxref-hist.csv, or the ZIP they are downloaded in) and stores, for each day and "
        "currency, how many units of the base currency one unit is worth. All or nothing: a file "
        "with any bad row is refused (each row's problem is printed, exit status 1) and nothing "
        "is written. Importing the same file again changes nothing; rates entered by hand are "
        "kept."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        imports = actions.add_parser(
            "import", help="import a file of daily reference rates in the ECB's layout"
        )
        imports.add_argument("file", type=Path, help="eurofxref.csv, eurofxref-hist.csv or .zip")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            with path.open("rb") as file:
                data = file.read(MAX_FILE_BYTES + 1)  # the limit, checked while reading
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror}") from error
        if len(data) > MAX_FILE_BYTES:
            raise CommandError(f"{path}: {too_large()}")
        base = BusinessProfile.load().base_currency
        try:
            result = services.import_rates(data, by=None, filename=path.name)
        except ValidationError as error:
            for message in error.messages:
                self.stderr.write(message)
            raise CommandError(f"{path} was not imported; nothing was written.") from error
        self.stdout.write(
            f"{result.first_day} to {result.last_day}, {len(result.currencies)} currencies "
            f"in {base}: {result.created} new, {result.updated} updated, "
            f"{result.unchanged} unchanged, {result.kept_manual} entered by hand and kept."
        )
        if result.unknown_columns:
            self.stdout.write(
                f"Left out (no longer currencies): {', '.join(result.unknown_columns)}"
            )
        if result.days_without_base:
            self.stdout.write(
                f"{result.days_without_base} days without a rate for {base} were left out "
                f"(rates in {base} are derived through {REFERENCE_CURRENCY})."
            )
