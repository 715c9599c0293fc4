"""The owner's pages write amounts, numbers and dates the way the UI language does (#19): German
pages 1.234,50 EUR and "7. Dezember 2026", French ones 1 234,50 EUR (CLDR's narrow no-break
space), English ones as they always did (1,234.50 EUR, "7 December 2026"). A business whose
locale speaks the UI language keeps its own conventions (de_CH, en_US); typed amounts stay
"1234.50"; a kept fragment never shows another language's figures.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.cache import caches
from django.test import Client as WebClient
from django.urls import reverse
from django.utils import translation

from invoicetron.accounts.models import User
from invoicetron.billing import formatting
from invoicetron.billing.language import keep_business_language, locale_for_language
from invoicetron.billing.models import BusinessProfile, Invoice, business_today
from invoicetron.reports.charts import compact
from tests.fixtures import factories
from tests.fixtures.forms import text_of
from tests.fixtures.languages import speaking

NNBSP = "\u202f"  # CLDR's French group separator
DAY = datetime.date(2026, 12, 7)


def issued(owner: User) -> Invoice:
    """An invoice of 1,234.50 EUR (1,028.75 + 20 % VAT), issued on 7 December 2026."""
    vat = factories.tax_rate()
    lines = [factories.line("Consulting", "1", "1028.75", [vat])]
    invoice = factories.issued_invoice(owner, lines=lines, issue_date=DAY)
    assert invoice.total == Decimal("1234.50")
    return invoice


def html(web: WebClient, url: str) -> str:
    response = web.get(url)
    assert response.status_code == 200
    return response.content.decode()


def pages(web: WebClient, invoice: Invoice) -> dict[str, str]:
    """The invoice page, the invoice list, the dashboard and the aging report."""
    return {
        "invoice": html(web, reverse("billing:invoice", args=[invoice.pk])),
        "list": html(web, reverse("billing:invoices")),
        "dashboard": html(web, reverse("reports:dashboard")),
        "aging": html(web, reverse("reports:aging") + f"?as_of={DAY.isoformat()}"),
    }


def with_locale(locale: str) -> BusinessProfile:
    profile = factories.business(locale=locale)
    keep_business_language(profile.locale)
    return profile


@pytest.mark.django_db
class TestPages:
    @pytest.fixture(autouse=True)
    def _business(self, business: BusinessProfile) -> Iterator[None]:
        keep_business_language(business.locale)
        yield
        caches["fragments"].clear()

    def test_german_pages_write_german_amounts_and_dates(self, owner: User) -> None:
        shown = pages(speaking(owner, "de"), issued(owner))
        for name, page in shown.items():
            assert "1.234,50 EUR" in page, name
        # (The invoice page's email preview is in the client's language: English here.)
        assert all("1,234.50" not in shown[name] for name in ("list", "dashboard", "aging"))
        assert "7. Dezember 2026" in shown["invoice"]
        assert "7. Dezember 2026" in text_of(shown["aging"])
        assert "7 Dezember 2026" not in shown["invoice"]
        # The line's quantity and price, the tax's amount.
        assert "1.028,75" in shown["invoice"] and "205,75 EUR" in shown["invoice"]

    def test_french_pages_write_french_amounts_and_dates(self, owner: User) -> None:
        shown = pages(speaking(owner, "fr"), issued(owner))
        for name, page in shown.items():
            assert f"1{NNBSP}234,50 EUR" in page, name
        assert "7 décembre 2026" in shown["invoice"] and "7 décembre 2026" in shown["aging"]

    def test_english_pages_are_unchanged(self, owner: User) -> None:
        shown = pages(speaking(owner, "en"), issued(owner))
        for name, page in shown.items():
            assert "1,234.50 EUR" in page, name
        assert "7 December 2026" in shown["invoice"] and "7 December 2026" in shown["aging"]

    def test_the_dashboards_months_are_in_german(self, owner: User) -> None:
        issued(owner)
        today = business_today()  # the dashboard's day, in the business's time zone
        page = html(speaking(owner, "de"), reverse("reports:dashboard"))
        month = formatting.ui_date(today, "de_DE", "yMMMM")
        assert month in page and formatting.ui_date(today, "de_DE") in page
        # The recent activity: "7. Dez., 14:05" (the issue just recorded).
        assert f"{formatting.ui_date(today, 'de_DE', 'MMMd')}, " in page

    def test_a_lines_fractional_tax_rate_has_the_german_decimal_sign(self, owner: User) -> None:
        qst = factories.tax_rate("QST", "9.975")
        invoice = factories.issued_invoice(
            owner, lines=[factories.line("Work", "1.5", "100", [qst])]
        )
        page = html(speaking(owner, "de"), reverse("billing:invoice", args=[invoice.pk]))
        assert "QST 9,975 %" in page  # (the history keeps the text it recorded: QST 9.975)
        assert ">1,5 " in page  # the quantity

    def test_a_swiss_business_keeps_its_own_conventions_in_german_only(self, owner: User) -> None:
        with_locale("de_CH")
        invoice = issued(owner)
        url = reverse("billing:invoice", args=[invoice.pk])
        assert "1&#x27;234.50 EUR" in html(speaking(owner, "de"), url)
        caches["fragments"].clear()
        assert f"1{NNBSP}234,50 EUR" in html(speaking(owner, "fr"), url)

    def test_an_american_business_writes_american_dates_in_english(self, owner: User) -> None:
        with_locale("en_US")
        page = html(speaking(owner, "en"), reverse("billing:invoice", args=[issued(owner).pk]))
        assert "December 7, 2026" in page and "1,234.50 EUR" in page

    def test_a_payment_typed_with_a_point_is_recorded_and_confirmed_in_german(
        self, owner: User
    ) -> None:
        invoice = issued(owner)
        web = speaking(owner, "de")
        response = web.post(
            reverse("billing:invoice_pay", args=[invoice.pk]),
            {"amount": "234.50", "date": DAY.isoformat(), "method": "bank_transfer"},
            follow=True,
        )
        assert response.status_code == 200
        invoice.refresh_from_db()
        assert invoice.amount_paid == Decimal("234.50")
        page = response.content.decode()
        assert "234,50 EUR" in page and "1.000,00 EUR" in page


@pytest.mark.django_db(transaction=True)
def test_a_kept_fragment_is_kept_per_language_and_locale(owner: User) -> None:
    """The list's rows are kept (committed data): German, then English, then a Swiss business's
    German are three fragments, each in its own format."""
    caches["fragments"].clear()
    with_locale("de_DE")
    issued(owner)
    url = reverse("billing:invoices")
    german = speaking(owner, "de")
    assert "1.234,50 EUR" in html(german, url)
    assert "1.234,50 EUR" in html(german, url)
    english = html(speaking(owner, "en"), url)
    assert "1,234.50 EUR" in english and "1.234,50" not in english
    # Another process may keep the old locale for a minute after the business's changes (the
    # marker moves with the save): the key has the locale, so its rows are not the German ones.
    BusinessProfile.objects.filter(singleton=True).update(locale="de_CH")
    keep_business_language("de_CH")
    assert "1&#x27;234.50 EUR" in html(german, url)
    caches["fragments"].clear()
    translation.activate(settings.LANGUAGE_CODE)


class TestFormats:
    """The functions the filters call, for locales the pages do not show above."""

    @pytest.mark.parametrize(
        ("locale", "expected"),
        [
            ("en_GB", "1,234,567.50 EUR"),
            ("de_DE", "1.234.567,50 EUR"),
            ("fr_FR", f"1{NNBSP}234{NNBSP}567,50 EUR"),
            ("es_ES", "1.234.567,50 EUR"),
            ("de_CH", "1'234'567.50 EUR"),
            ("en_IN", "12,34,567.50 EUR"),
        ],
    )
    def test_an_amount_in_a_locale(self, locale: str, expected: str) -> None:
        assert formatting.ui_amount(Decimal("1234567.5"), "EUR", locale) == expected

    def test_an_amount_has_its_currencys_digits_and_sign(self) -> None:
        assert formatting.ui_amount(Decimal("-1234.5"), "JPY", "de_DE") == "-1.235 JPY"
        assert formatting.ui_amount(Decimal("1.2345"), "BHD", "fr_FR") == "1,235 BHD"

    def test_a_quantity_keeps_its_digits_without_grouping(self) -> None:
        assert formatting.ui_number(Decimal("1500.500"), "de_DE") == "1500,5"
        assert formatting.ui_number(Decimal("9.975"), "fr_FR") == "9,975"
        assert formatting.ui_number(Decimal("3.000"), "en_GB") == "3"
        assert formatting.ui_number(None, "de_DE") == ""

    def test_dates_and_moments(self) -> None:
        assert formatting.ui_date(DAY, "de_DE") == "7. Dezember 2026"
        assert formatting.ui_date(DAY, "es_ES", "yMMMM") == "diciembre de 2026"
        moment = datetime.datetime(2026, 12, 7, 14, 5)
        assert formatting.ui_datetime(moment, "fr_FR") == "7 décembre 2026, 14:05"

    @pytest.mark.parametrize(
        ("language", "business", "expected"),
        [
            ("de", "en", "de_DE"),
            ("de", "de_AT", "de_AT"),
            ("fr", "de_CH", "fr_FR"),
            ("en", "en", "en_GB"),  # a locale without a country: what English pages always showed
            ("en", "en_US", "en_US"),
            ("es", "", "es_ES"),
            ("en-us", "fr_CA", "en_GB"),
        ],
    )
    def test_the_ui_locale(self, language: str, business: str, expected: str) -> None:
        assert locale_for_language(language, business) == expected

    def test_the_charts_axis_has_the_locales_decimal_sign(self) -> None:
        assert compact(Decimal(1500), ",") == "1,5k" and compact(Decimal(1500)) == "1.5k"


@pytest.mark.django_db
def test_a_refused_payment_says_its_amounts_in_german(
    owner: User, business: BusinessProfile
) -> None:
    keep_business_language(business.locale)
    invoice = issued(owner)
    response = speaking(owner, "de").post(
        reverse("billing:invoice_pay", args=[invoice.pk]),
        {"amount": "2000.00", "date": DAY.isoformat(), "method": "bank_transfer"},
    )
    page = text_of(response.content.decode())
    assert "1.234,50 EUR" in page and "2.000,00 EUR" in page
    invoice.refresh_from_db()
    assert invoice.amount_paid == 0
