"""The neutral EN 16931 form of an issued invoice or credit note, read by every writer.

Each field names its business term (BT-n, BG-n). Amounts come from the document's frozen totals
and `billing.money.en16931`; writers format them and never add, subtract or round money.
Codes are the standard's: VAT category (UNCL5305: S, Z, E, AE, K, G, O, L, M), unit
(UN/ECE Rec. 20: HUR, DAY, C62…), payment means (UNCL4461: 30, 58…), electronic address scheme
(EAS: 0088, 9930…), document type (UNCL1001: 380 invoice, 381 credit note).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from invoicetron.billing.money.en16931 import DocumentTotals

INVOICE = "380"
CREDIT_NOTE = "381"
PREPAYMENT_INVOICE = "386"  # a deposit (advance payment) invoice


@dataclass(frozen=True)
class Address:
    """BG-5 / BG-8: a postal address; `country` is ISO 3166-1 alpha-2 (BT-40, BT-55)."""

    street: str = ""  # BT-35 / BT-50
    additional_street: str = ""  # BT-36 / BT-51
    city: str = ""  # BT-37 / BT-52
    postcode: str = ""  # BT-38 / BT-53
    subdivision: str = ""  # BT-39 / BT-54
    country: str = ""  # BT-40 / BT-55


@dataclass(frozen=True)
class Party:
    """BG-4 seller / BG-7 buyer."""

    name: str  # BT-27 / BT-44
    address: Address
    vat_id: str = ""  # BT-31 / BT-48, with its country prefix (DE123456789)
    registration_id: str = ""  # BT-30 / BT-47: legal registration (trade register, SIREN…)
    endpoint_id: str = ""  # BT-34 / BT-49: electronic address
    endpoint_scheme: str = ""  # its scheme (EAS code, e.g. 0088 GLN, 9930 German VAT, EM email)
    contact_name: str = ""  # BT-41 / BT-56
    contact_email: str = ""  # BT-43 / BT-58
    contact_phone: str = ""  # BT-42 / BT-57


@dataclass(frozen=True)
class VatCategory:
    """A VAT category and rate: BT-151/BT-152 on a line, BT-118/BT-119 in the breakdown."""

    code: str  # S, Z, E, AE, K, G, O, L, M
    rate: Decimal  # percent; 0 for Z, E, AE, K, G; writers omit it for O
    exemption_code: str = ""  # BT-121 (VATEX-EU-…) where the category needs a reason
    exemption_reason: str = ""  # BT-120


@dataclass(frozen=True)
class Adjustment:
    """An allowance (charge=False) or charge: BG-20/BG-21 on the document, BG-27/BG-28 on a line."""

    charge: bool
    amount: Decimal  # BT-92 / BT-99 / BT-136 / BT-141
    reason: str = ""  # BT-97 / BT-104 / BT-139 / BT-144
    reason_code: str = (
        ""  # BT-98 / BT-105 / BT-140 / BT-145 (UNCL5189 allowances, UNCL7161 charges)
    )
    percent: Decimal | None = None  # BT-94 / BT-101 / BT-138 / BT-143
    base: Decimal | None = None  # BT-93 / BT-100 / BT-137 / BT-142 (given with `percent`)
    vat: VatCategory | None = None  # document level only (BT-95/96, BT-102/103)


@dataclass(frozen=True)
class Line:
    """BG-25: one invoice (or credit note) line."""

    id: str  # BT-126
    name: str  # BT-153 (the item name; the whole description when it is one line)
    description: str  # BT-154 (the rest of the description, or "")
    quantity: Decimal  # BT-129
    unit_code: str  # BT-130
    net_amount: Decimal  # BT-131
    net_price: Decimal  # BT-146 (the unit price without VAT, before line allowances)
    base_quantity: Decimal  # BT-149
    vat: VatCategory  # BT-151 / BT-152
    adjustments: tuple[Adjustment, ...] = ()  # line allowances (the line discount) and charges


@dataclass(frozen=True)
class VatBreakdown:
    """BG-23: one row per VAT category and rate."""

    vat: VatCategory
    taxable_amount: Decimal  # BT-116
    tax_amount: Decimal  # BT-117


@dataclass(frozen=True)
class PaymentMeans:
    """BG-16 and BT-20."""

    code: str = "58"  # BT-81 (UNCL4461; 58 SEPA credit transfer, 30 credit transfer)
    iban: str = ""  # BT-84
    bic: str = ""  # BT-86
    account_name: str = ""  # BT-85
    remittance: str = ""  # BT-83 (usually the document number)
    terms: str = ""  # BT-20


@dataclass(frozen=True)
class EInvoice:
    """BG-0: a whole invoice (type 380) or credit note (type 381) as EN 16931 sees it."""

    type_code: str  # BT-3: INVOICE or CREDIT_NOTE
    number: str  # BT-1
    issue_date: str  # BT-2, ISO 8601 (YYYY-MM-DD)
    currency: str  # BT-5
    seller: Party
    buyer: Party
    lines: tuple[Line, ...]
    vat_breakdown: tuple[VatBreakdown, ...]
    totals: DocumentTotals  # BG-22 (BT-106 … BT-115)
    adjustments: tuple[Adjustment, ...] = ()  # BG-20 / BG-21 (the document discount included)
    payment: PaymentMeans = field(default_factory=PaymentMeans)
    due_date: str = ""  # BT-9
    buyer_reference: str = ""  # BT-10 (XRechnung: the Leitweg-ID, required)
    order_reference: str = ""  # BT-13 (purchase order)
    preceding_invoice: str = ""  # BT-25 (a credit note's invoice number)
    preceding_invoice_date: str = ""  # BT-26
    # A final invoice's deposit invoices (number, issue date): one BG-3 each, besides the above.
    deducted_invoices: tuple[tuple[str, str], ...] = ()
    note: str = ""  # BT-22
    tax_point_date: str = ""  # BT-7 (unused for now)
    # BT-72 and BG-13/BG-15: an intra-community supply (K) needs the delivery date (or an
    # invoicing period) and the country delivered to (BR-IC-11, BR-IC-12).
    delivery_date: str = ""  # BT-72, ISO 8601
    delivery_address: Address | None = None  # BG-15 (BT-80: its country)
    vat_currency: str = ""  # BT-6 when VAT is also accounted in another currency
    vat_total_in_vat_currency: Decimal | None = None  # BT-111

    def billing_references(self) -> tuple[tuple[str, str], ...]:
        """Every BG-3 (BT-25 number, BT-26 date): the credited invoice or the deposit invoices."""
        first = ((self.preceding_invoice, self.preceding_invoice_date),)
        return (first if self.preceding_invoice else ()) + self.deducted_invoices
