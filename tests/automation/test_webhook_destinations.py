"""Webhooks reach public receivers only: no loopback, private or metadata addresses, no redirects
(unless WEBHOOKS_ALLOW_PRIVATE says the receivers are on the operator's own network)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest
from django.core.exceptions import ValidationError
from django.test import Client as WebClient
from django.urls import reverse

from invoicetron.accounts.models import User
from invoicetron.automation import webhooks
from invoicetron.automation.endpoints import save_endpoint
from invoicetron.automation.models import WebhookDelivery, WebhookEndpoint, WebhookStatus
from tests.fixtures import factories

pytestmark = pytest.mark.usefixtures("job_tables")

INTERNAL_URLS = [
    "http://127.0.0.1:8080/hook",
    "http://localhost:5432/",
    "http://169.254.169.254/latest/meta-data/",
    "http://10.0.0.5/hook",
    "http://192.168.1.10/hook",
    "http://[::1]/hook",
    "http://[::ffff:127.0.0.1]/hook",
    "http://0.0.0.0/hook",
]


class Inner(BaseHTTPRequestHandler):
    """A loopback server: /hook answers a redirect to /secret; any hit is recorded."""

    hits: ClassVar[list[str]] = []

    def do_POST(self) -> None:
        Inner.hits.append(self.path)
        if self.path == "/hook":
            self.send_response(302)
            self.send_header("Location", "/secret")
        else:
            self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def inner() -> Iterator[str]:
    Inner.hits = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Inner)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.mark.parametrize("url", INTERNAL_URLS)
def test_an_endpoint_on_an_internal_address_is_refused_on_the_url_field(
    url: str, owner: User
) -> None:
    with pytest.raises(ValidationError) as refused:
        save_endpoint(None, url=url, events=["invoice.paid"], by=owner)
    assert "WEBHOOKS_ALLOW_PRIVATE" in refused.value.message_dict["url"][0]
    assert not WebhookEndpoint.objects.exists()


def test_the_operator_may_allow_receivers_on_a_private_network(owner: User, settings: Any) -> None:
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    endpoint = save_endpoint(None, url="http://10.0.0.5/hook", events=["invoice.paid"], by=owner)
    assert endpoint.url == "http://10.0.0.5/hook"


def test_the_settings_page_shows_the_refusal_beside_the_url(owner: User) -> None:
    as_owner = WebClient()
    as_owner.force_login(owner)
    data = {"url": "http://169.254.169.254/latest/meta-data/", "active": "on"}
    response = as_owner.post(reverse("automation:webhook_new"), data)
    assert response.status_code == 400
    assert "non-public address" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_a_delivery_to_an_internal_address_is_never_sent(inner: str, owner: User) -> None:
    # Saved before the rule, or its name resolves inward now: the delivery checks again.
    WebhookEndpoint.objects.create(url=f"{inner}/secret", secret="s" * 32)
    factories.business()
    factories.issued_invoice(owner)
    delivery = webhooks.deliver(WebhookDelivery.objects.get().pk)
    assert Inner.hits == []
    assert delivery.status == WebhookStatus.RETRYING
    assert delivery.last_error.startswith("Refused: 127.0.0.1 is a loopback")


def test_a_redirect_is_a_failed_delivery_and_is_not_followed(
    inner: str, owner: User, settings: Any
) -> None:
    settings.WEBHOOKS_ALLOW_PRIVATE = True  # the receiver is on loopback
    WebhookEndpoint.objects.create(url=f"{inner}/hook", secret="s" * 32)
    factories.business()
    factories.issued_invoice(owner)
    delivery = webhooks.deliver(WebhookDelivery.objects.get().pk)
    assert Inner.hits == ["/hook"]
    assert (delivery.status, delivery.response_status) == (WebhookStatus.RETRYING, 302)
