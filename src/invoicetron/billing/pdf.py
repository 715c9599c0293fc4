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
  read from its frozen snapshot, every figure already a display string from `money` (lines, tax
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
from django.utils.translation import pgettext_lazy
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from invoicetron.billing import money
from invoicetron.billing.formatting import grouped, tax_label
from invoicetron.billing.models import BusinessProfile, CreditNote, Invoice, InvoiceKind
from invoicetron.billing.services.deducting import deductions_snapshot
from invoicetron.billing.services.drafts import invoice_totals
from invoicetron.billing.services.issuing import build_snapshot

FONTS_DIR = Path(__file__).resolve().parent / "fonts"
logger = logging.getLogger(__name__)
# Rendered PDFs, by the SHA-256 of their HTML (see render_document), in settings.CACHES["pdfs"].
PDF_CACHE = "pdfs"
PDF_KEEP_SECONDS = 3600


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
        extra={"settlement": settlement_context(invoice)},
        pdf_variant=pdf_variant,
    )


def render_credit_note_pdf(credit_note: CreditNote, *, pdf_variant: str | None = None) -> bytes:
    return render_document_pdf(
        credit_note.snapshot,
        template="billing/pdf/credit_note.html",
        title="Credit note",
        pdf_variant=pdf_variant,
    )


def render_document_pdf(
    snapshot: dict[str, Any],
    *,
    template: str,
    title: str,
    draft: bool = False,
    extra: dict[str, Any] | None = None,
    pdf_variant: str | None = None,
) -> bytes:
    """The PDF of any document with lines, from its snapshot: `document_context` (plus `extra`,
    e.g. an invoice's live settlement) rendered with `template` by `render_document`."""
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


def document_title(snapshot: dict[str, Any]) -> str:
    """An invoice's title: a deposit invoice says it is one (German "Anzahlungsrechnung")."""
    if snapshot.get("kind") == InvoiceKind.DEPOSIT:
        return pgettext_lazy("document title", "Deposit invoice")  # type: ignore[return-value]
    return "Invoice"


def deductions_context(snapshot: dict[str, Any], totals: money.Totals) -> list[dict[str, Any]]:
    """The deposit invoices a final invoice deducts (money rule 13), each with its number, date,
    net and tax per rate, as the German and French rules want them shown."""
    currency = snapshot["currency"]
    rows = snapshot.get("deductions") or []
    return [
        {
            "number": row.get("number", ""),
            "issue_date": _date(row.get("issue_date")),
            "net_total": _amount(deduction.net_total, currency),
            "taxes": [
                {
                    "label": tax_label(t.name, t.rate),
                    "base": _amount(t.base, currency),
                    "tax": _amount(t.tax, currency),
                }
                for t in deduction.taxes
            ],
            "total": _amount(deduction.total, currency),
        }
        for row, deduction in zip(rows, totals.deductions, strict=False)
    ]


def document_context(
    snapshot: dict[str, Any], *, title: str, draft: bool = False
) -> dict[str, Any]:
    """What a document shows, from its frozen snapshot (see the module docstring)."""
    currency = snapshot["currency"]
    totals = money.totals_from_json(snapshot["totals"])
    lines = [
        _line_context(row, figures, currency)
        for row, figures in zip(snapshot["lines"], totals.lines, strict=True)
    ]
    return {
        "title": title,
        "draft": draft,
        "number": snapshot.get("number") or "DRAFT",
        "issue_date": _date(snapshot.get("issue_date")),
        "due_date": _date(snapshot.get("due_date")),
        "currency": currency,
        "prices_include_tax": snapshot.get("prices_include_tax", False),
        "business": snapshot["business"],
        "logo": _logo_data_uri(),
        "client": snapshot["client"],
        "lines": lines,
        "has_discounts": any(line["discount"] for line in lines),
        "subtotal": _amount(totals.subtotal, currency),
        "discount": _amount(totals.discount, currency) if totals.discount else "",
        "taxes": [
            {
                "label": tax_label(row.name, row.rate),
                "base": _amount(row.base, currency),
                "tax": _amount(row.tax, currency),
            }
            for row in totals.taxes
        ],
        "net_total": _amount(totals.net_total, currency),
        "tax_total": _amount(totals.tax_total, currency),
        "total": money.format_amount(totals.total, currency),
        "notes": snapshot.get("notes", ""),
        "terms": snapshot.get("terms", ""),
        "buyer_reference": snapshot.get("buyer_reference", ""),  # absent from old snapshots
        "order_reference": snapshot.get("order_reference", ""),
        "valid_until": _date(snapshot.get("valid_until")),  # quotes
        "invoice_number": snapshot.get("invoice_number", ""),  # credit notes
        "invoice_issue_date": _date(snapshot.get("invoice_issue_date")),
        "reason": snapshot.get("reason", ""),
        "deductions": deductions_context(snapshot, totals),
    }


def _line_context(row: dict[str, Any], figures: money.LineAmount, currency: str) -> dict[str, Any]:
    discount = ""
    if Decimal(row.get("discount_value", 0)):
        value = Decimal(row["discount_value"])
        discount = (
            f"{grouped(value)} %" if row["discount_type"] == "percent" else _amount(value, currency)
        )
    return {
        "description": row["description"],
        "quantity": grouped(Decimal(row["quantity"])),
        "unit": row.get("unit", ""),
        "unit_price": grouped(Decimal(row["unit_price"]), money.minor_unit(currency)),
        "taxes": ", ".join(tax_label(tax["name"], tax["rate"]) for tax in row["taxes"]),
        "discount": discount,
        "amount": _amount(figures.amount, currency),
    }


def settlement_context(invoice: Invoice) -> dict[str, Any]:
    """An invoice's live settlement figures (they move after issue; the snapshot does not)."""
    currency = invoice.currency
    balance = invoice.balance_due if not invoice.is_draft else invoice.total
    return {
        "paid": _amount(invoice.amount_paid, currency) if invoice.amount_paid else "",
        "credited": _amount(invoice.amount_credited, currency) if invoice.amount_credited else "",
        "rounding": _amount(invoice.credit_rounding, currency) if invoice.credit_rounding else "",
        "balance_due": money.format_amount(balance, currency),
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


def _amount(value: Decimal, currency: str) -> str:
    return money.format_amount(value, currency, with_code=False)


def _date(value: str | None) -> str:
    if not value:
        return ""
    day = datetime.date.fromisoformat(value)
    return f"{day.day} {day:%B %Y}"
