"""The reports speak the user's language (#19) and show the same figures in every language: the
sales and aging pages in German, French and Spanish, their totals equal to the reports' own to
the cent; a refused filter and a refused upload explain themselves in the user's language; the
CSV stays English."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as WebClient
from django.urls import reverse

from invoicetron.accounts.models import User
from invoicetron.billing.formatting import ui_amount
from invoicetron.reports.aging import aging_report
from invoicetron.reports.amounts import Base, DateRange
from invoicetron.reports.dashboard import build_dashboard
from invoicetron.reports.sales import sales_by_period, sum_rows
from tests.fixtures.books import books
from tests.fixtures.forms import text_of
from tests.fixtures.languages import speaking

pytestmark = pytest.mark.django_db
EUR = Base("EUR", 2)


def page(web: WebClient, url: str) -> str:
    response = web.get(url)
    assert response.status_code == 200
    return text_of(response.content.decode())


def test_the_reports_and_the_sales_report_are_in_german_with_the_reports_totals(
    owner: User,
) -> None:
    books(owner)
    web = speaking(owner, "de")
    index = page(web, reverse("reports:index"))
    assert "Berichte" in index and "Umsatz nach Zeitraum" in index
    assert "Altersstruktur der Forderungen" in index and "Zahlungseingänge" in index
    assert "Sales by period" not in index
    sales = page(web, reverse("reports:sales") + "?period=year")
    total = sum_rows(sales_by_period(EUR, DateRange(), "year"))
    assert "Nettoumsatz" in sales and "Zeitraum" in sales and "Jahr" in sales
    assert f"Gesamt {total.invoices} " in sales
    # Figures the German way (#19): 3.136,13 EUR.
    german = [ui_amount(figure, "EUR", "de_DE") for figure in (total.net, total.total)]
    assert all(figure in sales for figure in german)
    assert "Beträge in EUR." in sales and "CSV herunterladen" in sales
    # The CSV is a machine format: its header and total row stay English.
    csv = web.get(reverse("reports:sales") + "?period=year&format=csv")
    lines = b"".join(csv.streaming_content).decode("utf-8-sig").splitlines()  # type: ignore[attr-defined]
    assert lines[0].startswith("period,invoices,invoiced_net")
    assert lines[-1].split(",")[0] == "Total" and lines[-1].split(",")[7] == f"{total.net}"


def test_a_backwards_date_range_is_refused_in_german(owner: User) -> None:
    books(owner)
    refused = page(
        speaking(owner, "de"), reverse("reports:tax") + "?start=2026-02-01&end=2026-01-01"
    )
    assert "Das Enddatum liegt vor dem Startdatum." in refused
    assert "Steuerübersicht" in refused and "Bemessungsgrundlage" in refused


def test_the_aging_report_is_in_french_and_adds_up(owner: User) -> None:
    data = books(owner)
    aging = page(speaking(owner, "fr"), reverse("reports:aging"))
    report = aging_report(EUR, data.today, DateRange())
    assert "Balance âgée des créances" in aging and "Non échu" in aging
    assert "1 à 30 jours" in aging and "Plus de 90 jours" in aging
    # Figures the French way (#19); the page's text has its narrow spaces as plain ones.
    current, total = (
        ui_amount(figure, "EUR", "fr_FR").replace("\u202f", " ")
        for figure in (report.total.buckets["current"], report.total.total)
    )
    assert f"Total {current}" in aging and total in aging
    day = data.today
    months = "janvier février mars avril mai juin juillet août septembre octobre novembre décembre"
    assert f"Au {day.day} {months.split()[day.month - 1]} {day.year}." in aging


def test_a_workbook_upload_is_refused_in_spanish(owner: User) -> None:
    web = speaking(owner, "es")
    data = page(web, reverse("reports:data"))
    assert "Importar y exportar" in data and "Subir y asignar columnas" in data
    assert "Clientes" in data and "Pagos" in data  # the exports, by their names
    workbook = SimpleUploadedFile("books.xlsx", b"PK\x03\x04" + b"\x00" * 64)
    response = web.post(reverse("reports:data"), {"kind": "clients", "file": workbook})
    assert response.status_code == 200
    assert "Esto es un libro de hoja de cálculo (p. ej., .xlsx), no un CSV: guárdelo como CSV." in (
        text_of(response.content.decode())
    )


def test_the_dashboard_counts_in_spanish(owner: User) -> None:
    books(owner)
    dashboard = page(speaking(owner, "es"), reverse("reports:dashboard"))
    assert "Panel" in dashboard and "Pendiente" in dashboard and "Vencido" in dashboard
    figures = build_dashboard()
    assert f"{figures.outstanding_count} facturas abiertas" in dashboard
    assert ui_amount(figures.outstanding, "EUR", "es_ES") in dashboard
    assert "Últimos 12 meses" in dashboard and "Antigüedad por cliente" in dashboard
