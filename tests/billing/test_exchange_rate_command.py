"""`invoicetron rates import FILE`: the ECB's files from the command line, all or nothing."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from invoicetron.billing.models import BusinessProfile, ExchangeRate
from invoicetron.billing.rate_files import MAX_FILE_BYTES
from tests.fixtures.ecb import DAY_FILE, HISTORY_FILE, HISTORY_USD, expected_rate
from tests.fixtures.processes import cli_environment, run_cli, shared_database_url

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("rates", *args, stdout=out)
    return out.getvalue()


def test_the_history_file_is_imported_and_a_second_time_changes_nothing(
    business: BusinessProfile,
) -> None:
    said = run("import", str(HISTORY_FILE))
    assert "2024-12-04 to 2024-12-06, 30 currencies in EUR: 90 new, 0 updated" in said
    assert "Left out (no longer currencies): CYP, EEK" in said
    said = run("import", str(HISTORY_FILE))
    assert "0 new, 0 updated, 90 unchanged" in said
    usd = ExchangeRate.objects.get(currency="USD", date="2024-12-05")
    assert usd.rate == expected_rate("1", HISTORY_USD["2024-12-05"])


def test_the_zip_archive_the_ecb_offers_is_read_as_its_csv(
    business: BusinessProfile, tmp_path: Path
) -> None:
    archive = tmp_path / "eurofxref.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.write(DAY_FILE, "eurofxref.csv")
    assert "30 currencies in EUR: 30 new" in run("import", str(archive))


def test_a_zip_that_unpacks_beyond_the_limit_is_refused_while_it_is_read(
    business: BusinessProfile, tmp_path: Path
) -> None:
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("eurofxref.csv", b"Date,USD\n" + b" " * (MAX_FILE_BYTES + 10))
    assert archive.stat().st_size < 100_000  # small on disk, more than the limit inside
    with pytest.raises(CommandError, match="nothing was written"):
        run("import", str(archive))
    assert ExchangeRate.objects.count() == 0


def test_bad_rows_are_listed_and_nothing_is_written(
    business: BusinessProfile, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "eurofxref-hist.csv"
    bad.write_text(HISTORY_FILE.read_text().replace("2024-12-04,1.0517", "2024-12-04,N/B", 1))
    errors = io.StringIO()
    with pytest.raises(CommandError, match="was not imported; nothing was written"):
        call_command("rates", "import", str(bad), stderr=errors)
    assert "Row 4, USD: “N/B” is not a number" in errors.getvalue()
    assert ExchangeRate.objects.count() == 0
    with pytest.raises(CommandError, match="No such file"):
        run("import", str(tmp_path / "missing.csv"))
    big = tmp_path / "big.csv"
    big.write_bytes(b"Date,USD\n" + b" " * MAX_FILE_BYTES)
    with pytest.raises(CommandError, match="larger than 5 MB"):
        run("import", str(big))


@pytest.mark.slow  # runs `invoicetron` in a subprocess
@pytest.mark.django_db(transaction=True)
def test_invoicetron_rates_import_is_the_command(business: BusinessProfile) -> None:
    environment = cli_environment(DATABASE_URL=shared_database_url())
    result = run_cli("rates", "import", str(DAY_FILE), env=environment)
    assert result.returncode == 0, result.stderr
    assert "2024-12-06 to 2024-12-06, 30 currencies in EUR: 30 new" in result.stdout
    assert ExchangeRate.objects.filter(base_currency="EUR").count() == 30
    assert "reference rates" in run_cli("rates", "--help", env=environment).stdout
