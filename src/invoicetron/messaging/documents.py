"""What can be emailed: each document type says how to load it, render its PDF and address it.

Billing's invoices and credit notes are registered here; other apps (quotes) register their own
types in their AppConfig.ready(), so that messaging never imports them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models

from invoicetron.messaging.models import MessageKind


@dataclass(frozen=True)
class DocumentType:
    model: type[models.Model]
    kind: MessageKind
    render_pdf: Callable[[Any], bytes]
    # Template variables besides `business`, `client` and `link`: number, total, due date…
    context: Callable[[Any], dict[str, Any]]
    client: Callable[[Any], Any]
    can_send: Callable[[Any], str | None]  # None, or why it cannot be sent
    after_send: Callable[[Any, Any], object] | None = None  # (document, user) once delivered
    invoice_id: Callable[[Any], int | None] = lambda document: None

    @property
    def label(self) -> str:
        return str(self.model._meta.label_lower)

    def load(self, pk: int) -> Any:
        return self.model._default_manager.get(pk=pk)


REGISTRY: dict[str, DocumentType] = {}


def register(document_type: DocumentType) -> None:
    REGISTRY[document_type.label] = document_type


def for_object(document: models.Model) -> DocumentType:
    return REGISTRY[document._meta.label_lower]


def by_label(label: str) -> DocumentType:
    return REGISTRY[label]


def register_billing_documents() -> None:
    from invoicetron.billing import pdf
    from invoicetron.billing.models import CreditNote, Invoice
    from invoicetron.billing.services import mark_sent

    register(
        DocumentType(
            model=Invoice,
            kind=MessageKind.INVOICE,
            render_pdf=pdf.render_invoice_pdf,
            context=_invoice_context,
            client=lambda invoice: invoice.client,
            can_send=lambda invoice: (
                "Issue the invoice before sending it." if invoice.is_draft else None
            ),
            after_send=lambda invoice, user: mark_sent(invoice, by=user),
            invoice_id=lambda invoice: invoice.pk,
        )
    )
    register(
        DocumentType(
            model=CreditNote,
            kind=MessageKind.CREDIT_NOTE,
            render_pdf=pdf.render_credit_note_pdf,
            context=_credit_note_context,
            client=lambda note: note.invoice.client,
            can_send=lambda note: None,
            invoice_id=lambda note: note.invoice_id,
        )
    )


def _invoice_context(invoice: Any) -> dict[str, Any]:
    from invoicetron.billing.money import format_amount

    return {
        "number": invoice.number,
        "issue_date": invoice.issue_date,
        "due_date": invoice.due_date,
        "total": format_amount(invoice.total, invoice.currency),
        "balance_due": format_amount(invoice.balance_due, invoice.currency),
    }


def _credit_note_context(note: Any) -> dict[str, Any]:
    from invoicetron.billing.money import format_amount

    return {
        "number": note.number,
        "issue_date": note.issue_date,
        "invoice_number": note.invoice.number,
        "total": format_amount(note.total, note.currency),
    }


# The portal app sets this to give emails the client's public link; empty until it does.
LinkMaker = Callable[[models.Model], str]
_link_maker: list[LinkMaker] = []


def set_link_maker(maker: LinkMaker) -> None:
    _link_maker[:] = [maker]


def makes_links() -> bool:
    return bool(_link_maker)


def public_link(document: models.Model) -> str:
    return _link_maker[0](document) if _link_maker else ""
