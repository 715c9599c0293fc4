"""Sending one queued email: attach the PDF (or the e-invoice files the business chose, see
`einvoicing.files.email_attachments`), talk to the mail server, log what happened.

The attempt goes through `jobs.retries` (shared with webhooks): the delivery is claimed in a
short transaction, the email is sent without the delivery row locked, and the outcome recorded
after; a failure keeps the server's answer and queues a retry with growing delays; after the
last attempt the delivery is marked failed, which the invoice page and the dashboard show. A sent
delivery is never sent again.

The client's public link is made here, at send time, and never stored in plain text. A queued
email holds `LINK_MARK` where the link goes; the attempt creates a fresh link (only its token's
hash is stored, by the portal), sends the email with the real address, and keeps in the
delivery log the address with its token redacted to the last 4 characters (`/p/…abcd/`: enough
to tell links apart on the page, useless to open one). The link is created in a transaction with
the sending: a failed attempt leaves no orphan link behind, and the retry makes its own.
That transaction stays open while the mail server is talked to, on purpose: it holds only the
rows it inserts (the link and its audit event, invisible to others until it commits), and the
audit trail cannot be deleted from, so rolling back is the only way to leave no link behind.
Emails without a link open no transaction while sending.
Why not keep the token encrypted until sent: a token made when the email goes out never exists
at rest at all, and there is no key to manage.
"""

from __future__ import annotations

import contextlib
import re
import smtplib
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from procrastinate import JobContext
from procrastinate.contrib.django import app

from invoicetron.einvoicing import files
from invoicetron.jobs import retries
from invoicetron.messaging import documents
from invoicetron.messaging.models import Delivery, DeliveryStatus

# Seconds to wait after the 1st, 2nd… failed attempt; one attempt more than there are delays.
RETRY_DELAYS = (60, 300, 1800, 7200)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
# Where a queued email's link goes (private-use brackets: not something a template writes).
LINK_MARK = "\ue000the client's link, made when the email is sent\ue001"


@app.task(name="messaging.send_delivery", pass_context=True)
def send_delivery(context: JobContext, delivery_id: int) -> None:
    deliver(delivery_id, job_id=context.job.id)


POLICY = retries.RetryPolicy("email", RETRY_DELAYS, send_delivery)


def deliver(delivery_id: int, *, job_id: int | None = None) -> Delivery:
    """Attempt one delivery (the job's body). Idempotent: a finished delivery is left alone."""
    loaded: dict[str, Any] = {}

    def cancel_reason(delivery: Delivery) -> str:
        loaded["type"] = document_type = documents.by_label(delivery.document_type)
        loaded["document"] = document = document_type.load(delivery.document_id)
        # A document that cannot be the e-invoice the business sends would fail every retry.
        return _cancel_reason(delivery, document) or files.email_refusal(document)

    def send(delivery: Delivery) -> None:
        _send(delivery, loaded["type"], loaded["document"])

    def delivered(delivery: Delivery) -> None:
        document_type, document = loaded["type"], loaded["document"]
        delivery.status, delivery.sent_at = DeliveryStatus.SENT, timezone.now()
        if document_type.after_send is not None and delivery.kind == document_type.kind:
            document_type.after_send(document, delivery.created_by)

    return retries.attempt(
        POLICY,
        Delivery.objects.all(),
        delivery_id,
        cancel_reason=cancel_reason,
        send=send,
        delivered=delivered,
        job_id=job_id,
    )


def _cancel_reason(delivery: Delivery, document: Any) -> str:
    from invoicetron.billing.models import OPEN_STATUSES

    if delivery.kind == "reminder" and (
        document.status not in OPEN_STATUSES or document.balance_due <= 0
    ):
        return f"Not sent: the invoice is {document.get_status_display().lower()}."
    return ""


def _send(delivery: Delivery, document_type: documents.DocumentType, document: Any) -> None:
    """Send the email; SendFailed with the server's answer if it is not accepted."""
    with_link = LINK_MARK in delivery.subject or LINK_MARK in delivery.body
    try:
        # The link made for this attempt goes if the send fails (see the module's docstring).
        with transaction.atomic() if with_link else contextlib.nullcontext():
            link = documents.public_link(document) if with_link else ""
            subject, body = (
                text.replace(LINK_MARK, link) for text in (delivery.subject, delivery.body)
            )
            _message(delivery, document_type, document, subject, body).send()
    except (smtplib.SMTPException, OSError) as error:
        raise retries.SendFailed(server_answer(error)) from error
    if link:  # the log keeps the address the client got, less its token
        shown = redacted(link)
        delivery.subject = delivery.subject.replace(LINK_MARK, shown)
        delivery.body = delivery.body.replace(LINK_MARK, shown)


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
    pdf = document_type.render_pdf(document)
    for attachment in files.email_attachments(document, filename, pdf):
        message.attach(attachment.filename, attachment.content, attachment.content_type)
    return message


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
