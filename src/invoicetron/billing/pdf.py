"""Document PDFs (invoices, credit notes, quotes): HTML/CSS rendered by WeasyPrint, offline,
from the snapshot.

An issued document is rendered from its frozen snapshot, so its PDF never changes after issue
(only the live "paid" and "balance due" figures move). A draft is rendered from a snapshot built
on the fly and is marked DRAFT. Fonts ship in `billing/fonts/` (DejaVu Sans, free licence) and the
URL fetcher refuses everything but those files and inline `data:` URLs: no network at render time.

Public functions (other apps use these, never the private helpers):
- `render_invoice_pdf(invoice)`, `render_credit_note_pdf(note)` -> PDF bytes; each of these
  takes `pdf_variant="pdf/a-3b"` for the PDF/A-3 a Factur-X invoice is made from.
- `render_document_pdf(snapshot, *, template, title, draft=False, extra=None)` -> PDF bytes of
  any document with lines (invoices, credit notes, quotes): the one way a PDF is made.
- `document_context(snapshot, *, title, draft=False) -> dict` — what an issued document shows,
  read from its frozen snapshot, every figure already a display string from `money`, written
  the way the snapshot's locale writes amounts, numbers and dates (Babel; `billing.locales`;
  rendered with the snapshot's language active), with `in_base_currency` when the business
  shows a foreign-currency document's totals in its base currency (lines, tax
  rows per rate, totals, business with logo, client, dates, notes, terms, and the optional
  `valid_until` / `invoice_number` / `reason` of quotes and credit notes). The PDFs and the
  client's public page both render it, so they cannot disagree.
- `settlement_context(invoice) -> dict` — an invoice's live figures: `paid`, `credited` (empty
  when zero), `balance_due`, and `settled` (nothing is left to pay).
- `render_document(template, context) -> bytes` — a PDF from a template given that context.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import logging
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.cache import caches
from django.template.loader import render_to_string
from django.utils.functional import Promise
from django.utils.translation import pgettext, pgettext_lazy
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from invoicetron.billing import locales, money
from invoicetron.billing.formatting import localized_date, localized_number, localized_tax_label
from invoicetron.billing.models import BusinessProfile, CreditNote, Invoice, InvoiceKind
from invoicetron.billing.services.deducting import deductions_snapshot
from invoicetron.billing.services.drafts import invoice_totals
from invoicetron.billing.services.issuing import build_snapshot

FONTS_DIR = Path(__file__).resolve().parent / "fonts"
logger = logging.getLogger(__name__)
# Rendered PDFs, by the SHA-256 of their HTML (see render_document), in settings.CACHES["pdfs"].
PDF_CACHE = "pdfs"
PDF_KEEP_SECONDS = 3600
# Printed in the document's language (render_document_pdf activates it).
INVOICE_TITLE = pgettext_lazy("document", "Invoice")
CREDIT_NOTE_TITLE = pgettext_lazy("document", "Credit note")
DEPOSIT_INVOICE_TITLE = pgettext_lazy("document title", "Deposit invoice")


class OfflineFetcher(URLFetcher):
    """Serves the shipped fonts and `data:` URLs; refuses every other URL (no network)."""

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        if url.startswith("data:"):
            return super().fetch(url, headers)
        if url.startswith("file:"):
            path = Path(url.removeprefix("file://")).resolve()
            if path.parent == FONTS_DIR and path.is_file():
                return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": "font/ttf"})
        logger.warning("PDF rendering refused to fetch %s", url[:100])
        raise ValueError(f"PDF rendering fetches nothing from outside: {url[:100]}")


def render_invoice_pdf(invoice: Invoice, *, pdf_variant: str | None = None) -> bytes:
    snapshot = (
        invoice.snapshot if not invoice.is_draft and invoice.snapshot else _draft_snapshot(invoice)
    )
    return render_document_pdf(
        snapshot,
        template="billing/pdf/invoice.html",
        title=document_title(snapshot),
        draft=invoice.is_draft,
        extra={"settlement": settlement_context(invoice, snapshot)},
        pdf_variant=pdf_variant,
    )


def render_credit_note_pdf(credit_note: CreditNote, *, pdf_variant: str | None = None) -> bytes:
    return render_document_pdf(
        credit_note.snapshot,
        template="billing/pdf/credit_note.html",
        title=CREDIT_NOTE_TITLE,
        pdf_variant=pdf_variant,
    )


def render_document_pdf(
    snapshot: dict[str, Any],
    *,
    template: str,
    title: str | Promise,
    draft: bool = False,
    extra: dict[str, Any] | None = None,
    pdf_variant: str | None = None,
) -> bytes:
    """The PDF of any document with lines, from its snapshot: `document_context` (plus `extra`,
    e.g. an invoice's live settlement) rendered with `template` by `render_document`, in the
    document's language (the snapshot's: see billing.locales)."""
    with locales.speaking(locales.of_snapshot(snapshot)):
        context = document_context(snapshot, title=title, draft=draft) | (extra or {})
        return render_document(template, context, pdf_variant=pdf_variant)


def render_document(
    template: str, context: dict[str, Any], *, pdf_variant: str | None = None
) -> bytes:
    """The PDF of the rendered HTML; the same HTML again reuses this process's earlier PDF.

    Laying out a page takes WeasyPrint 150-400 ms; the HTML holds everything the PDF shows (the
    snapshot, the live settlement figures, the logo), so equal HTML means an equal document and a
    changed figure or logo means a new render. A PDF is never stale, so nothing invalidates
    this cache: its size limit (MAX_ENTRIES) and PDF_KEEP_SECONDS bound it.
    `pdf_variant` is WeasyPrint's (e.g. "pdf/a-3b", the base of a Factur-X PDF); it is part of
    the cache key.
    """
    context["font_dir"] = FONTS_DIR.as_uri()
    html = render_to_string(template, context)
    key = f"pdf:{pdf_variant or ''}:{hashlib.sha256(html.encode()).hexdigest()}"
    cache = caches[PDF_CACHE]
    if (cached := cache.get(key)) is not None:
        return cached
    fonts = FontConfiguration()
    document = HTML(string=html, base_url=FONTS_DIR.as_uri() + "/", url_fetcher=OfflineFetcher())
    pdf = bytes(document.write_pdf(font_config=fonts, pdf_variant=pdf_variant))
    cache.set(key, pdf, PDF_KEEP_SECONDS)
    return pdf


def _draft_snapshot(invoice: Invoice) -> dict[str, Any]:
    lines = list(invoice.lines.prefetch_related("taxes"))
    snapshot = build_snapshot(invoice, lines, invoice_totals(invoice), BusinessProfile.load())
    snapshot["deductions"] = deductions_snapshot(invoice)
    return snapshot


def document_title(snapshot: dict[str, Any]) -> Promise:
    """An invoice's title: a deposit invoice says it is one (German "Anzahlungsrechnung")."""
    if snapshot.get("kind") == InvoiceKind.DEPOSIT:
        return DEPOSIT_INVOICE_TITLE
    return INVOICE_TITLE


def deductions_context(
    snapshot: dict[str, Any], totals: money.Totals, write: Writer
) -> list[dict[str, Any]]:
    """The deposit invoices a final invoice deducts (money rule 13), each with its number, date,
    net and tax per rate, as the German and French rules want them shown."""
    rows = snapshot.get("deductions") or []
    return [
        {
            "number": row.get("number", ""),
            "issue_date": write.date(row.get("issue_date")),
            "net_total": write.amount(deduction.net_total),
            "taxes": [
                {
                    "label": localized_tax_label(t.name, t.rate, write.locale),
                    "base": write.amount(t.base),
                    "tax": write.amount(t.tax),
                }
                for t in deduction.taxes
            ],
            "total": write.amount(deduction.total),
        }
        for row, deduction in zip(rows, totals.deductions, strict=False)
    ]


def document_context(
    snapshot: dict[str, Any], *, title: str | Promise, draft: bool = False
) -> dict[str, Any]:
    """What a document shows, from its frozen snapshot (see the module docstring), written the
    way its locale writes numbers, amounts and dates."""
    currency = snapshot["currency"]
    speaks = locales.of_snapshot(snapshot)
    write = Writer(speaks.locale, currency)
    totals = money.totals_from_json(snapshot["totals"])
    lines = [
        _line_context(row, figures, write)
        for row, figures in zip(snapshot["lines"], totals.lines, strict=True)
    ]
    return {
        "title": title,
        "draft": draft,
        "language": speaks.language,
        "locale": speaks.locale,
        "number": snapshot.get("number") or pgettext("document number", "DRAFT"),
        "issue_date": write.date(snapshot.get("issue_date")),
        "due_date": write.date(snapshot.get("due_date")),
        "currency": currency,
        "prices_include_tax": snapshot.get("prices_include_tax", False),
        "business": snapshot["business"],
        "logo": _logo_data_uri(),
        "client": snapshot["client"],
        "lines": lines,
        "has_discounts": any(line["discount"] for line in lines),
        "subtotal": write.amount(totals.subtotal),
        "discount": write.amount(totals.discount) if totals.discount else "",
        "taxes": [
            {
                "label": localized_tax_label(row.name, row.rate, speaks.locale),
                "base": write.amount(row.base),
                "tax": write.amount(row.tax),
            }
            for row in totals.taxes
        ],
        "net_total": write.amount(totals.net_total),
        "tax_total": write.amount(totals.tax_total),
        "total": write.money(totals.total),
        "in_base_currency": _in_base_currency(snapshot, speaks.locale),
        "notes": snapshot.get("notes", ""),
        "terms": snapshot.get("terms", ""),
        "buyer_reference": snapshot.get("buyer_reference", ""),  # absent from old snapshots
        "order_reference": snapshot.get("order_reference", ""),
        "valid_until": write.date(snapshot.get("valid_until")),  # quotes
        "invoice_number": snapshot.get("invoice_number", ""),  # credit notes
        "invoice_issue_date": write.date(snapshot.get("invoice_issue_date")),
        "reason": snapshot.get("reason", ""),
        "deductions": deductions_context(snapshot, totals, write),
    }


class Writer:
    """Figures and dates of one document as its locale writes them (display only)."""

    def __init__(self, locale: str, currency: str) -> None:
        self.locale, self.currency = locale, currency
        self.digits = money.minor_unit(currency)

    def amount(self, value: Decimal) -> str:
        """An amount in a column (the currency is said once): `1.234,50`."""
        rounded = money.round_to_minor_unit(value, self.currency)
        return localized_number(rounded, self.locale, self.digits)

    def money(self, value: Decimal) -> str:
        """An amount standing alone, with its currency: `1.234,50 €`."""
        return money.format_money(value, self.currency, self.locale)

    def number(self, value: Decimal, min_decimals: int = 0) -> str:
        return localized_number(value, self.locale, min_decimals)

    def date(self, value: str | None) -> str:
        return localized_date(datetime.date.fromisoformat(value), self.locale) if value else ""


def _line_context(row: dict[str, Any], figures: money.LineAmount, write: Writer) -> dict[str, Any]:
    discount = ""
    if Decimal(row.get("discount_value", 0)):
        value = Decimal(row["discount_value"])
        discount = (
            f"{write.number(value)} %" if row["discount_type"] == "percent" else write.amount(value)
        )
    return {
        "description": row["description"],
        "quantity": write.number(Decimal(row["quantity"])),
        "unit": row.get("unit", ""),
        "unit_price": write.number(Decimal(row["unit_price"]), write.digits),
        "taxes": ", ".join(
            localized_tax_label(tax["name"], tax["rate"], write.locale) for tax in row["taxes"]
        ),
        "discount": discount,
        "amount": write.amount(figures.amount),
    }


def base_currency_figures(
    snapshot: dict[str, Any],
) -> tuple[str, Decimal, money.BaseFigures] | None:
    """(base currency, rate, figures): a document's totals in the business's base currency at
    its snapshot's exchange rate (money rule 9), when the business asked for them (frozen at
    issue with the business) and the document is in another currency; else None."""
    business = snapshot.get("business") or {}
    base, rate = business.get("base_currency"), snapshot.get("exchange_rate")
    if not business.get("show_base_currency_totals") or not base or not rate:
        return None
    if base == snapshot["currency"]:
        return None
    totals = money.totals_from_json(snapshot["totals"])
    return base, Decimal(rate), money.in_base_currency(totals, Decimal(rate), base)


def _in_base_currency(snapshot: dict[str, Any], locale: str) -> dict[str, str] | None:
    """`base_currency_figures`, written the way the document's locale writes them."""
    found = base_currency_figures(snapshot)
    if found is None:
        return None
    base, rate, figures = found
    return {
        "currency": base,
        "rate": localized_number(rate, locale),
        "net_total": money.format_money(figures.net_total, base, locale),
        "tax_total": money.format_money(figures.tax_total, base, locale),
        "total": money.format_money(figures.total, base, locale),
    }


def settlement_context(invoice: Invoice, snapshot: dict[str, Any] | None = None) -> dict[str, Any]:
    """An invoice's live settlement figures (they move after issue; the snapshot does not),
    written the way the document's locale writes them (`snapshot`: the invoice's, by default)."""
    currency = invoice.currency
    locale = locales.of_snapshot(snapshot or invoice.snapshot or {}).locale
    write = Writer(locale, currency)
    balance = invoice.balance_due if not invoice.is_draft else invoice.total
    return {
        "paid": write.amount(invoice.amount_paid) if invoice.amount_paid else "",
        "credited": write.amount(invoice.amount_credited) if invoice.amount_credited else "",
        "rounding": write.amount(invoice.credit_rounding) if invoice.credit_rounding else "",
        "balance_due": write.money(balance),
        "settled": balance <= 0,
    }


def _logo_data_uri() -> str:
    """The current logo, inline. Logos are not part of the snapshot: they are not billing data."""
    profile = (
        BusinessProfile.objects.filter(singleton=True).only("logo", "logo_content_type").first()
    )
    if profile is None or not profile.logo or not profile.logo_content_type.startswith("image/"):
        return ""
    encoded = base64.b64encode(bytes(profile.logo)).decode("ascii")
    return f"data:{profile.logo_content_type};base64,{encoded}"
