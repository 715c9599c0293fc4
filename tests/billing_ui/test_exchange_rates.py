"""Settings → Exchange rates through its pages: the ECB files imported, bad files refused whole,
rates kept by hand, the list's filters and CSV, and the issue form's rate taken from the table."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as WebClient
from django.urls import reverse

from invoicetron.accounts.models import User
from invoicetron.billing.models import AuditEvent, BusinessProfile, ExchangeRate, RateSource
from invoicetron.billing.rate_files import MAX_FILE_BYTES
from tests.fixtures import factories
from tests.fixtures.ecb import (
    DAY_FILE,
    DAY_FILE_CURRENCIES,
    DAY_QUOTES,
    GONE_COLUMNS,
    HISTORY_FILE,
    HISTORY_GBP,
    HISTORY_USD,
    expected_rate,
)
from tests.fixtures.forms import text_of

IMPORT = "/settings/exchange-rates/import/"
DEC_6 = datetime.date(2024, 12, 6)


def upload(web: WebClient, data: bytes, name: str = "eurofxref.csv") -> Any:
    return web.post(IMPORT, {"file": SimpleUploadedFile(name, data, "text/csv")})


def table(base: str = "EUR") -> dict[tuple[str, str], Decimal]:
    rows = ExchangeRate.objects.filter(base_currency=base)
    return {(row.currency, row.date.isoformat()): row.rate for row in rows}


def test_the_ecb_day_file_becomes_one_rate_per_currency_in_the_tables_convention(
    as_owner: WebClient,
) -> None:
    response = upload(as_owner, DAY_FILE.read_bytes())
    assert response.status_code == 302 and response["Location"] == reverse("billing:rates")
    rates = table()
    assert len(rates) == DAY_FILE_CURRENCIES
    for currency, quote in DAY_QUOTES.items():  # "1 EUR = 1.0581 USD" → 1 USD = 0.945… EUR
        assert rates[(currency, "2024-12-06")] == expected_rate("1", quote), currency
    assert rates[("USD", "2024-12-06")] == Decimal("0.9450902561")
    page = text_of(as_owner.get(reverse("billing:rates")).content.decode())
    assert "Imported the rates of 2024-12-06 to 2024-12-06: 30 new, 0 updated" in page
    assert set(ExchangeRate.objects.values_list("source", flat=True)) == {RateSource.IMPORT}


def test_the_ecb_history_file_skips_na_cells_and_the_currencies_the_euro_replaced(
    as_owner: WebClient,
) -> None:
    response = upload(as_owner, HISTORY_FILE.read_bytes(), "eurofxref-hist.csv")
    assert response.status_code == 302
    rates = table()
    for day, quote in HISTORY_USD.items():
        assert rates[("USD", day)] == expected_rate("1", quote)
        assert rates[("GBP", day)] == expected_rate("1", HISTORY_GBP[day])
    assert not ExchangeRate.objects.filter(currency="RUB").exists()  # N/A every day
    assert len(rates) == 3 * 30
    page = text_of(as_owner.get(reverse("billing:rates")).content.decode())
    assert f"Left out (no longer a currency): {', '.join(GONE_COLUMNS)}." in page
    event = AuditEvent.objects.get(object_type="billing.exchangerate", object_id="import")
    assert event.actor_label == "owner@example.com"
    assert event.new_values["created"] == 90 and event.new_values["last_day"] == "2024-12-06"


def test_importing_the_same_files_again_changes_nothing(as_owner: WebClient) -> None:
    upload(as_owner, HISTORY_FILE.read_bytes(), "eurofxref-hist.csv")
    before = {row.pk: (row.rate, row.updated_at) for row in ExchangeRate.objects.all()}
    upload(as_owner, HISTORY_FILE.read_bytes(), "eurofxref-hist.csv")
    upload(as_owner, DAY_FILE.read_bytes())  # its day is in the history already
    after = {row.pk: (row.rate, row.updated_at) for row in ExchangeRate.objects.all()}
    assert after == before
    page = text_of(as_owner.get(reverse("billing:rates")).content.decode())
    assert "0 new, 0 updated, 30 already there" in page


def test_a_rate_entered_by_hand_is_kept_and_a_corrected_import_updates_its_own(
    as_owner: WebClient,
) -> None:
    as_owner.post(
        reverse("billing:rate_new"), {"currency": "USD", "date": "2024-12-06", "rate": "0.95"}
    )
    upload(as_owner, DAY_FILE.read_bytes())
    assert table()[("USD", "2024-12-06")] == Decimal("0.95")
    corrected = DAY_FILE.read_bytes().replace(b", 158.95,", b", 160.00,")
    upload(as_owner, corrected)
    assert table()[("JPY", "2024-12-06")] == expected_rate("1", "160.00")
    page = text_of(as_owner.get(reverse("billing:rates")).content.decode())
    assert "0 new, 1 updated, 28 already there" in page
    assert "1 rate you entered by hand was kept." in page


def test_a_file_with_bad_rows_is_refused_whole_naming_each_row_and_column(
    as_owner: WebClient,
) -> None:
    lines = HISTORY_FILE.read_text().splitlines()
    lines[1] = lines[1].replace("1.0581", "1.0581x", 1)  # row 2, USD
    lines[3] = lines[3].replace("2024-12-04", "2024-13-04", 1)  # row 4, the date
    lines[2] = lines[2].replace("0.82850", "-0.8", 1)  # row 3, GBP
    response = upload(as_owner, "\n".join(lines).encode(), "eurofxref-hist.csv")
    assert response.status_code == 400
    errors = response.context["form"].errors["file"]
    assert "Row 2, USD: “1.0581x” is not a number (write it like 1.0530, or N/A)." in errors
    assert "Row 3, GBP: a rate must be a number above zero." in errors
    assert (
        "Row 4, Date: “2024-13-04” is not a date (write 2024-12-06 or 06 December 2024)." in errors
    )
    assert ExchangeRate.objects.count() == 0  # the good row was not written either


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\n", "The first row must name the columns, starting with Date"),
        (b"Day,USD\n2024-12-06,1.05\n", "The first row must name the columns, starting with Date"),
        (b"Date,USD,US Dollar\n", "Column 3, “US Dollar”, is not a currency"),
        (b"Date,USD,USD\n2024-12-06,1,1\n", "The column USD appears twice."),
        (b"Date,USD,\n", "The file has a header row but no rates."),
        (
            b"Date,USD\n2024-12-06,1.05\n2024-12-06,1.06\n",
            "Row 3, Date: 2024-12-06 is also on row 2.",
        ),
        (b"Date,USD\n2024-12-06,1.05,9\n", "Row 2, file: the row has 3 cells; the header names 2."),
        (b"PK\x03\x04garbage", "The ZIP archive cannot be read"),
        (b"Date,USD\n" + b"bad,1\n" * 20_001, "The file has more than 20000 days: split it."),
        (b"\xff\xd8\xff\x00\x10JFIF", "This is not a CSV text file"),
    ],
)
def test_files_that_are_not_reference_rates_are_refused_with_what_to_fix(
    as_owner: WebClient, content: bytes, message: str
) -> None:
    response = upload(as_owner, content)
    assert response.status_code == 400
    assert message in text_of(response.content.decode())
    assert ExchangeRate.objects.count() == 0


def test_an_upload_over_the_limit_is_refused_before_it_is_read(as_owner: WebClient) -> None:
    limit = settings.UPLOAD_LIMITS[IMPORT][1]
    assert limit == MAX_FILE_BYTES
    # Announced larger than the file's limit and the form's fields: the middleware answers
    # on the Content-Length, before the CSRF check or the form reads a byte.
    response = as_owner.generic(
        "POST",
        IMPORT,
        b"x" * (limit + settings.FORM_FIELDS_BYTES + 1),
        content_type="multipart/form-data; boundary=b",
    )
    assert response.status_code == 413
    assert "The rates file may be at most 5 MB." in response.content.decode()
    # Within the request's limit but one byte over the file's: the form reads no further.
    response = upload(as_owner, b"Date,USD\n" + b" " * (MAX_FILE_BYTES - 8))
    assert response.status_code == 400
    assert response.context["form"].errors["file"] == [
        "The file is larger than 5 MB: import fewer days at a time."
    ]
    assert ExchangeRate.objects.count() == 0


def test_with_another_base_currency_rates_are_derived_through_the_euro(
    as_owner: WebClient,
) -> None:
    factories.business(base_currency="GBP")
    assert "derived through EUR" in text_of(as_owner.get(IMPORT).content.decode())
    upload(as_owner, HISTORY_FILE.read_bytes(), "eurofxref-hist.csv")
    rates = table("GBP")
    for day, gbp in HISTORY_GBP.items():
        # 1 EUR = 0.83030 GBP and 1.0581 USD, so 1 USD = 0.83030 / 1.0581 GBP.
        assert rates[("USD", day)] == expected_rate(gbp, HISTORY_USD[day])
        assert rates[("EUR", day)] == expected_rate(gbp, "1")
    assert ("GBP", "2024-12-06") not in rates
    assert rates[("EUR", "2024-12-06")] == Decimal("0.8303000000")
    assert not ExchangeRate.objects.filter(base_currency="EUR").exists()


def test_a_base_currency_the_file_does_not_quote_is_refused(as_owner: WebClient) -> None:
    factories.business(base_currency="AED")
    response = upload(as_owner, DAY_FILE.read_bytes())
    assert response.status_code == 400
    assert response.context["form"].errors["file"] == [
        "The file has no column for your base currency, AED, so no rate to AED can be derived "
        "from it."
    ]


def test_the_owner_adds_edits_filters_exports_and_deletes_rates(as_owner: WebClient) -> None:
    new = reverse("billing:rate_new")
    response = as_owner.post(new, {"currency": "EUR", "date": "2024-12-06", "rate": "1"})
    assert response.status_code == 400
    assert "EUR is the base currency" in response.context["form"].errors["currency"][0]
    for rate, expected in (("0", "above zero"), ("0.12345678901", "at most 10 decimals")):
        response = as_owner.post(new, {"currency": "USD", "date": "2024-12-06", "rate": rate})
        assert expected in response.context["form"].errors["rate"][0]
    assert as_owner.post(new, {"currency": "USD", "date": "2024-12-06", "rate": "0.95"})[
        "Location"
    ] == reverse("billing:rates")
    response = as_owner.post(new, {"currency": "USD", "date": "2024-12-06", "rate": "0.96"})
    assert "There is already a USD rate on 2024-12-06" in response.context["form"].errors["date"][0]
    usd = ExchangeRate.objects.get(currency="USD")
    assert (usd.base_currency, usd.source) == ("EUR", RateSource.MANUAL)
    edit = reverse("billing:rate_edit", args=[usd.pk])
    assert 'value="0.95"' in as_owner.get(edit).content.decode()
    as_owner.post(edit, {"currency": "USD", "date": "2024-12-06", "rate": "0.9512"})
    usd.refresh_from_db()
    assert usd.rate == Decimal("0.9512")
    change = AuditEvent.objects.filter(object_type="billing.exchangerate", action="change").get()
    assert change.old_values == {"rate": "0.9500000000"}
    upload(as_owner, HISTORY_FILE.read_bytes(), "eurofxref-hist.csv")

    listing = reverse("billing:rates")
    html = as_owner.get(listing, {"currency": "USD"}).content.decode()
    assert html.count("data-rate=") == 3 and 'data-rate="USD-2024-12-05"' in html
    html = as_owner.get(listing, {"source": "manual"}).content.decode()
    assert html.count("data-rate=") == 1
    html = as_owner.get(listing, {"date_from": "2024-12-05", "currency": "GBP"}).content.decode()
    assert html.count("data-rate=") == 2
    export = as_owner.get(reverse("billing:rate_export"), {"currency": "USD"})
    lines = b"".join(export.streaming_content).decode().splitlines()  # type: ignore[attr-defined]
    assert lines == [
        "currency,base_currency,date,rate,source",
        "USD,EUR,2024-12-06,0.9512,manual",
        f"USD,EUR,2024-12-05,{expected_rate('1', '1.0552').normalize()},import",
        f"USD,EUR,2024-12-04,{expected_rate('1', '1.0517').normalize()},import",
    ]

    delete = reverse("billing:rate_delete", args=[usd.pk])
    assert "Delete the exchange rate" in text_of(as_owner.get(delete).content.decode())
    assert as_owner.post(delete)["Location"] == listing
    assert not ExchangeRate.objects.filter(pk=usd.pk).exists()
    deleted = AuditEvent.objects.get(object_type="billing.exchangerate", action="delete")
    assert deleted.old_values["rate"] == "0.9512000000"


def test_a_colleague_cannot_reach_the_rate_table(as_colleague: WebClient) -> None:
    for url in (reverse("billing:rates"), IMPORT, reverse("billing:rate_new")):
        assert as_colleague.get(url).status_code == 403
    assert upload(as_colleague, DAY_FILE.read_bytes()).status_code == 403
    assert ExchangeRate.objects.count() == 0


def test_the_issue_form_takes_the_rate_on_the_issue_date_or_the_latest_before_it(
    as_owner: WebClient, owner: User
) -> None:
    upload(as_owner, HISTORY_FILE.read_bytes(), "eurofxref-hist.csv")
    saturday = factories.draft(owner, currency="USD", issue_date=datetime.date(2024, 12, 7))
    form = as_owner.get(reverse("billing:invoice", args=[saturday.pk])).context["issue_form"]
    friday = expected_rate("1", HISTORY_USD["2024-12-06"])
    assert form.initial["exchange_rate"] == str(friday.normalize())
    assert form.fields["exchange_rate"].help_text == (
        f"From the rate table: 1 USD = {friday.normalize()} EUR on 2024-12-06."
    )
    thursday = factories.draft(owner, currency="USD", issue_date=datetime.date(2024, 12, 5))
    html = as_owner.get(reverse("billing:invoice", args=[thursday.pk])).content.decode()
    assert f'value="{expected_rate("1", HISTORY_USD["2024-12-05"]).normalize()}"' in html
    too_early = factories.draft(owner, currency="USD", issue_date=datetime.date(2024, 12, 1))
    form = as_owner.get(reverse("billing:invoice", args=[too_early.pk])).context["issue_form"]
    assert "exchange_rate" not in form.initial
    assert "no USD rate on or before 2024-12-01" in form.fields["exchange_rate"].help_text
    in_euros = factories.draft(owner)
    form = as_owner.get(reverse("billing:invoice", args=[in_euros.pk])).context["issue_form"]
    assert form.initial == {} and BusinessProfile.load().base_currency == "EUR"


def test_issuing_with_the_rate_left_blank_freezes_the_tables_rate_for_the_issue_date(
    as_owner: WebClient, owner: User
) -> None:
    upload(as_owner, HISTORY_FILE.read_bytes(), "eurofxref-hist.csv")
    draft = factories.draft(owner, currency="USD")
    response = as_owner.post(
        reverse("billing:invoice_issue", args=[draft.pk]),
        {"issue_date": "2024-12-05", "exchange_rate": ""},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    thursday = expected_rate("1", HISTORY_USD["2024-12-05"])
    assert draft.exchange_rate == thursday
    assert draft.snapshot["exchange_rate"] == str(thursday)
    # Changing the table afterwards changes no issued invoice.
    ExchangeRate.objects.filter(currency="USD").update(rate=Decimal("2"))
    draft.refresh_from_db()
    assert draft.exchange_rate == thursday and draft.snapshot["exchange_rate"] == str(thursday)
    early = factories.draft(owner, currency="USD")
    response = as_owner.post(
        reverse("billing:invoice_issue", args=[early.pk]), {"issue_date": "2024-11-29"}
    )
    assert response.status_code == 400
    message = response.context["issue_form"].errors["exchange_rate"][0]
    assert "or add one on Settings → Exchange rates" in message


def test_the_rate_pages_and_their_errors_speak_german(as_owner: WebClient) -> None:
    # A signed-in user's language comes from their choice or the cookie, before the business
    # default and the browser's (billing/language.py).
    as_owner.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
    page = text_of(as_owner.get(reverse("billing:rates")).content.decode())
    assert "Wechselkurse" in page and "Kurs in EUR" in page
    bad = b"Date,USD\n2024-12-06,abc\n"
    response = as_owner.post(IMPORT, {"file": SimpleUploadedFile("eurofxref.csv", bad, "text/csv")})
    assert response.context["form"].errors["file"] == [
        "Zeile 2, USD: „abc“ ist keine Zahl (schreiben Sie z. B. 1.0530 oder N/A)."
    ]
