"""Sending one queued email: attach the PDF, talk to the mail server, log what happened.

A failure keeps the server's answer and queues a retry with growing delays; after the last
attempt the delivery is marked failed, which the invoice page and the dashboard show. The
delivery row is locked while it is sent, and a sent delivery is never sent again.

The client's public link is made here, at send time, and never stored in plain text. A queued
email holds `LINK_MARK` where the link goes; the attempt creates a fresh link (only its token's
hash is stored, by the portal), sends the email with the real address, and keeps in the
delivery log the address with its token redacted to the last 4 characters (`/p/…abcd/`: enough
to tell links apart on the page, useless to open one). The link is created in a savepoint with
the sending: a failed attempt leaves no orphan link behind, and the retry makes its own.
Why not keep the token encrypted until sent: a token made when the email goes out never exists
at rest at all, and there is no key to manage.
"""

from __future__ import annotations

import datetime
import logging
import re
import smtplib
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from invoicetron.automation.queue import defer
from invoicetron.messaging import documents
from invoicetron.messaging.models import PENDING_STATUSES, Delivery, DeliveryStatus

logger = logging.getLogger(__name__)
# Seconds to wait after the 1st, 2nd… failed attempt; one attempt more than there are delays.
RETRY_DELAYS = (60, 300, 1800, 7200)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
# Where a queued email's link goes (private-use brackets: not something a template writes).
LINK_MARK = "\ue000the client's link, made when the email is sent\ue001"


def deliver(delivery_id: int) -> Delivery:
    """Attempt one delivery (the job's body). Idempotent: a finished delivery is left alone."""
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().get(pk=delivery_id)
        if delivery.status not in PENDING_STATUSES:
            return delivery
        document_type = documents.by_label(delivery.document_type)
        document = document_type.load(delivery.document_id)
        reason = _cancel_reason(delivery, document)
        if reason:
            delivery.status, delivery.last_error = DeliveryStatus.CANCELLED, reason
        else:
            _attempt(delivery, document_type, document)
        delivery.save()
        return delivery


def _cancel_reason(delivery: Delivery, document: Any) -> str:
    from invoicetron.billing.models import OPEN_STATUSES

    if delivery.kind == "reminder" and (
        document.status not in OPEN_STATUSES or document.balance_due <= 0
    ):
        return f"Not sent: the invoice is {document.get_status_display().lower()}."
    return ""


def _attempt(delivery: Delivery, document_type: documents.DocumentType, document: Any) -> None:
    delivery.attempts += 1
    try:
        with transaction.atomic():  # the link made for this attempt goes if the send fails
            link = _link_for(delivery, document)
            subject, body = (
                text.replace(LINK_MARK, link) for text in (delivery.subject, delivery.body)
            )
            _message(delivery, document_type, document, subject, body).send()
    except (smtplib.SMTPException, OSError) as error:
        _failed(delivery, server_answer(error))
        return
    if link:  # the log keeps the address the client got, less its token
        shown = redacted(link)
        delivery.subject = delivery.subject.replace(LINK_MARK, shown)
        delivery.body = delivery.body.replace(LINK_MARK, shown)
    delivery.status, delivery.sent_at, delivery.next_attempt_at = (
        DeliveryStatus.SENT,
        timezone.now(),
        None,
    )
    if document_type.after_send is not None and delivery.kind == document_type.kind:
        document_type.after_send(document, delivery.created_by)


def _link_for(delivery: Delivery, document: Any) -> str:
    """A link made now when the email has a place for one, else ""."""
    if LINK_MARK not in delivery.subject and LINK_MARK not in delivery.body:
        return ""
    return documents.public_link(document)


# A public link's address ends with its token: …/p/<token>/.
_TOKEN = re.compile(r"/([A-Za-z0-9_-]{5,})/?$")


def redacted(link: str) -> str:
    """The link with its token cut to the last 4 characters: https://…/p/…abcd/."""
    return _TOKEN.sub(lambda match: f"/…{match.group(1)[-4:]}/", link)


def _message(
    delivery: Delivery,
    document_type: documents.DocumentType,
    document: Any,
    subject: str,
    body: str,
) -> Any:
    message = EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=delivery.recipients,
    )
    filename = f"{delivery.document_label or 'document'}.pdf".replace("/", "-")
    message.attach(filename, document_type.render_pdf(document), "application/pdf")
    return message


def _failed(delivery: Delivery, answer: str) -> None:
    from invoicetron.messaging.tasks import send_delivery

    delivery.last_error = answer
    if delivery.attempts >= MAX_ATTEMPTS:
        delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
        logger.warning("email failed for good", extra={"delivery": delivery.pk})
        return
    delay = RETRY_DELAYS[delivery.attempts - 1]
    delivery.status = DeliveryStatus.RETRYING
    delivery.next_attempt_at = timezone.now() + datetime.timedelta(seconds=delay)
    defer(send_delivery, delay_seconds=delay, delivery_id=delivery.pk)


def server_answer(error: BaseException) -> str:
    """What the mail server said (code and text), or why it could not be reached."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "; ".join(
            f"{address}: {code} {_text(text)}" for address, (code, text) in error.recipients.items()
        )
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{error.smtp_code} {_text(error.smtp_error)}"
    return f"{type(error).__name__}: {error}"


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value
