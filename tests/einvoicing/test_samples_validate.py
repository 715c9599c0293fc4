"""Every sample e-invoice, written by every writer, passes the official rules and keeps its totals.

The samples (tests/fixtures/einvoices.py) cover every VAT category, allowances and charges at
both levels, base quantities, several currencies and a credit note. Each writer's XML must pass
its XSD and the EN 16931 schematron with zero fatal failures (`einvoicing.rules`), and its
totals (BG-22), VAT breakdown (BG-23) and line net amounts, parsed back, must be the document's.
A writer takes part, with each of its profiles (`PROFILES`), once its module exists
(`einvoicing.ubl`, `einvoicing.cii`); the Factur-X PDF of each sample (`einvoicing.facturx`)
goes through `rules.check_facturx`. The national rules of a profile (XRechnung's KoSIT
schematron) are not among those checked.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from lxml import etree
from weasyprint import HTML

from invoicetron.einvoicing import rules
from invoicetron.einvoicing.document import EInvoice
from tests.fixtures.einvoices import SAMPLES, sample_einvoices

CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
NAMESPACES = {"cac": CAC, "cbc": CBC, "ram": RAM, "rsm": rules.CII}

# BG-22 in each syntax, BT-106 … BT-115 in the order of `TOTALS`; absent optional ones are 0.
TOTALS = (
    "line_net_total",
    "allowance_total",
    "charge_total",
    "total_without_vat",
    "vat_total",
    "total_with_vat",
    "paid",
    "rounding",
    "amount_due",
)
UBL_TOTALS = (
    "cac:LegalMonetaryTotal/cbc:LineExtensionAmount",
    "cac:LegalMonetaryTotal/cbc:AllowanceTotalAmount",
    "cac:LegalMonetaryTotal/cbc:ChargeTotalAmount",
    "cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount",
    "cac:TaxTotal[cac:TaxSubtotal]/cbc:TaxAmount",
    "cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount",
    "cac:LegalMonetaryTotal/cbc:PrepaidAmount",
    "cac:LegalMonetaryTotal/cbc:PayableRoundingAmount",
    "cac:LegalMonetaryTotal/cbc:PayableAmount",
)
CII_SUMMATION = (
    "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement/"
    "ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:"
)
CII_TOTALS = tuple(
    CII_SUMMATION + name
    for name in (
        "LineTotalAmount",
        "AllowanceTotalAmount",
        "ChargeTotalAmount",
        "TaxBasisTotalAmount",
        "TaxTotalAmount",
        "GrandTotalAmount",
        "TotalPrepaidAmount",
        "RoundingAmount",
        "DuePayableAmount",
    )
)


def amounts(root: Any, path: str) -> list[Decimal]:
    return [Decimal(text.strip()) for text in root.xpath(f"{path}/text()", namespaces=NAMESPACES)]


def total(root: Any, path: str) -> Decimal:
    found = amounts(root, path)
    assert len(found) <= 1, f"{path} appears {len(found)} times"
    return found[0] if found else Decimal(0)


@dataclass(frozen=True)
class Paths:
    """Where a syntax keeps BG-22, each BG-23 row (BT-116 and BT-117 in it), and BT-131."""

    totals: tuple[str, ...]
    vat_rows: str
    taxable: str
    tax: str
    line_nets: str


UBL_PATHS = Paths(
    UBL_TOTALS,
    "cac:TaxTotal/cac:TaxSubtotal",
    "cbc:TaxableAmount",
    "cbc:TaxAmount",
    "(cac:InvoiceLine|cac:CreditNoteLine)/cbc:LineExtensionAmount",
)
CII_PATHS = Paths(
    CII_TOTALS,
    "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax",
    "ram:BasisAmount",
    "ram:CalculatedAmount",
    "rsm:SupplyChainTradeTransaction/ram:IncludedSupplyChainTradeLineItem/"
    "ram:SpecifiedLineTradeSettlement/"
    "ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount",
)


def figures(root: Any, paths: Paths) -> dict[str, Any]:
    """The amounts of an e-invoice's XML, as `expected_figures` lists them."""
    rows = root.xpath(paths.vat_rows, namespaces=NAMESPACES)
    return {
        "totals": [total(root, path) for path in paths.totals],
        "breakdown": [(total(row, paths.taxable), total(row, paths.tax)) for row in rows],
        "lines": amounts(root, paths.line_nets),
    }


def expected_figures(doc: EInvoice) -> dict[str, Any]:
    return {
        "totals": [getattr(doc.totals, name) for name in TOTALS],
        "breakdown": [(row.taxable_amount, row.tax_amount) for row in doc.vat_breakdown],
        "lines": [line.net_amount for line in doc.lines],
    }


Writer = tuple[str, Callable[[bytes], rules.Report], Paths]
KNOWN_WRITERS: dict[str, Writer] = {
    "ubl": ("invoicetron.einvoicing.ubl", rules.check_ubl, UBL_PATHS),
    "cii": ("invoicetron.einvoicing.cii", rules.check_cii, CII_PATHS),
}


def writers_and_profiles() -> list[tuple[str, str | None]]:
    """(writer, profile) for every profile of every writer built so far (None: its default).

    The others join this test when their module lands.
    """
    found: list[tuple[str, str | None]] = []
    for name, (module, *_) in KNOWN_WRITERS.items():
        if importlib.util.find_spec(module):
            profiles = getattr(importlib.import_module(module), "PROFILES", (None,))
            found += [(name, profile) for profile in profiles]
    return found


@pytest.fixture(scope="module")
def documents() -> dict[str, EInvoice]:
    return sample_einvoices()


@pytest.mark.parametrize("sample", sorted(SAMPLES))
@pytest.mark.parametrize(("writer", "profile"), writers_and_profiles())
def test_the_sample_passes_the_official_rules_and_keeps_its_figures(
    writer: str, profile: str | None, sample: str, documents: dict[str, EInvoice]
) -> None:
    module, check, paths = KNOWN_WRITERS[writer]
    doc = documents[sample]
    write = importlib.import_module(module).write
    xml = write(doc) if profile is None else write(doc, profile)

    report = check(xml)

    assert report.fatal == [], str(report)
    assert figures(etree.fromstring(xml), paths) == expected_figures(doc)


FACTUR_X = "invoicetron.einvoicing.facturx"  # attach(pdf, doc) -> the Factur-X PDF


@pytest.fixture(scope="module")
def pdf_a3() -> bytes:
    return HTML(string="<h1>Invoice</h1>").write_pdf(pdf_variant="pdf/a-3b")


@pytest.mark.parametrize("sample", sorted(SAMPLES) if importlib.util.find_spec(FACTUR_X) else [])
def test_the_sample_as_factur_x_passes_the_embedding_checks_and_the_rules(
    sample: str, documents: dict[str, EInvoice], pdf_a3: bytes
) -> None:
    attach = importlib.import_module(FACTUR_X).attach

    report = rules.check_facturx(attach(pdf_a3, documents[sample]))

    assert report.fatal == [], str(report)
