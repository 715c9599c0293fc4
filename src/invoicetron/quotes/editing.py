"""Writing draft quotes from the pages: create or replace a draft's header and lines.

Line errors are keyed like billing's (`lines-2-quantity`), so the form puts them beside the
field; a quote is editable only while it is a draft.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from invoicetron.accounts.models import User
from invoicetron.billing import money
from invoicetron.billing.lines import LineData, checked_discount, validate_lines
from invoicetron.billing.models import AuditAction, Client, DiscountType, document_currency
from invoicetron.billing.services.audit import record
from invoicetron.billing.validation import checked_currency
from invoicetron.quotes.models import Quote, QuoteStatus
from invoicetron.quotes.services import add_lines, create_quote, quote_totals


def checked_lines(lines: Sequence[LineData], currency: str) -> list[LineData]:
    """Billing's line checks, errors keyed `lines-N-field`; at least one line."""
    if not lines:
        raise ValidationError({"lines": _("Add at least one line.")})
    return validate_lines(lines, currency)


@transaction.atomic
def save_quote(
    quote: Quote | None,
    *,
    by: User | None,
    client: Client,
    lines: Sequence[LineData],
    currency: str = "",
    valid_until: datetime.date | None = None,
    prices_include_tax: bool = False,
    discount_type: str = DiscountType.PERCENT,
    discount_value: Decimal | str = "0",
    notes: str = "",
    terms: str = "",
) -> Quote:
    """A new draft quote, or `quote` (a draft) with this header, discount and these lines."""
    currency = checked_currency(document_currency(client, currency))
    cleaned = checked_lines(lines, currency)
    discount = checked_discount(discount_type, discount_value or "0", currency)
    if quote is None:
        quote = create_quote(client=client, by=by, currency=currency, lines=cleaned)
        creating = True
    else:
        quote = Quote.objects.select_for_update().get(pk=quote.pk)
        if quote.status != QuoteStatus.DRAFT:
            raise ValidationError(_("Only a draft quote can be changed."), code="not_draft")
        add_lines(quote, cleaned)  # replaces the draft's lines
        creating = False
    quote.client, quote.currency, quote.valid_until = client, currency, valid_until
    quote.prices_include_tax, quote.notes, quote.terms = prices_include_tax, notes, terms
    quote.discount_type, quote.discount_value = discount_type, discount
    try:
        quote.total = quote_totals(quote).total
    except money.MoneyError as error:  # a discount larger than the lines: nothing is kept
        raise ValidationError({"discount_value": str(error)}) from error
    quote.save()
    if not creating:
        action = AuditAction.CHANGE
        record(action, quote, by=by, new={"client": client.pk, "total": quote.total})
    return quote
