"""A real SMTP server on loopback (aiosmtpd) for the email tests."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from tests.conftest import free_port


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage


@dataclass
class MailServer:
    """A real SMTP server on loopback; `refuse` makes it answer RCPT with a 550; `hold`, once
    set, keeps each message's DATA unanswered until it is set again (`arrived` says one is)."""

    port: int
    received: list[Received] = field(default_factory=list)
    refuse: bool = False
    hold: threading.Event | None = None
    arrived: threading.Event = field(default_factory=threading.Event)

    async def handle_RCPT(  # noqa: N802 - the name aiosmtpd calls
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if self.refuse:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # noqa: N802 - the name aiosmtpd calls
        self, server: Any, session: Any, envelope: Any
    ) -> str:
        self.arrived.set()
        while self.hold is not None and not self.hold.is_set():
            await asyncio.sleep(0.01)
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


def serving(settings: Any, **controller_options: Any) -> Iterator[MailServer]:
    """A MailServer on a free loopback port, with Django's email settings pointing at it."""
    server = MailServer(port=free_port())
    controller = Controller(server, hostname="127.0.0.1", port=server.port, **controller_options)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.DEFAULT_FROM_EMAIL = "Acme Studio <billing@acme.example>"
    yield server
    controller.stop()


@pytest.fixture
def mail_server(settings: Any) -> Iterator[MailServer]:
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield from serving(settings)


def refuse_every_login(*_args: Any) -> AuthResult:
    """An authenticator that answers every AUTH with 535 (wrong credentials)."""
    return AuthResult(success=False, handled=False)


@pytest.fixture
def refusing_login_server(settings: Any) -> Iterator[MailServer]:
    """A real SMTP server on loopback that offers AUTH and refuses every user and password
    (loopback only: the test's throwaway password travels without TLS)."""
    yield from serving(settings, authenticator=refuse_every_login, auth_require_tls=False)


def pdf_attachments(message: EmailMessage) -> list[tuple[str, bytes]]:
    return [
        (str(part.get_filename()), bytes(part.get_content()))
        for part in message.iter_attachments()
        if part.get_content_type() == "application/pdf"
    ]
