"""Billing models, one module per concern; import them from here."""

from invoicetron.billing.models.audit import AuditAction, AuditEvent
from invoicetron.billing.models.client_credit import (
    ClientCreditBalance,
    CreditEntry,
    CreditKind,
)
from invoicetron.billing.models.common import DiscountType, ImmutableDocument
from invoicetron.billing.models.credit_notes import CreditNote, CreditNoteLine
from invoicetron.billing.models.deposits import DepositDeduction
from invoicetron.billing.models.invoices import (
    OPEN_STATUSES,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    is_overdue,
)
from invoicetron.billing.models.parties import (
    Client,
    Contact,
    Product,
    clients_matching,
    document_currency,
    number_or_client_contains,
)
from invoicetron.billing.models.payments import Payment, PaymentMethod, Refund
from invoicetron.billing.models.rates import ExchangeRate, RateSource
from invoicetron.billing.models.setup import (
    REASON_CATEGORIES,
    ZERO_RATE_CATEGORIES,
    BusinessProfile,
    DocumentKind,
    EInvoiceFormat,
    NumberCounter,
    NumberSeries,
    PaymentMeansCode,
    TaxRate,
    VatCategory,
    business_today,
    kept_business_today,
)
from invoicetron.billing.models.summary import (
    ClientSummaryMonth,
    PaymentSummaryDay,
    SalesSummaryDay,
    SummaryKind,
    TaxSummaryDay,
)

__all__ = [
    "OPEN_STATUSES",
    "REASON_CATEGORIES",
    "ZERO_RATE_CATEGORIES",
    "AuditAction",
    "AuditEvent",
    "BusinessProfile",
    "Client",
    "ClientCreditBalance",
    "ClientSummaryMonth",
    "Contact",
    "CreditEntry",
    "CreditKind",
    "CreditNote",
    "CreditNoteLine",
    "DepositDeduction",
    "DiscountType",
    "DocumentKind",
    "EInvoiceFormat",
    "ExchangeRate",
    "ImmutableDocument",
    "Invoice",
    "InvoiceKind",
    "InvoiceLine",
    "InvoiceStatus",
    "NumberCounter",
    "NumberSeries",
    "Payment",
    "PaymentMeansCode",
    "PaymentMethod",
    "PaymentSummaryDay",
    "Product",
    "RateSource",
    "Refund",
    "SalesSummaryDay",
    "SummaryKind",
    "TaxRate",
    "TaxSummaryDay",
    "VatCategory",
    "business_today",
    "clients_matching",
    "document_currency",
    "is_overdue",
    "kept_business_today",
    "number_or_client_contains",
]
