"""A webhook goes to exactly the address that was checked, and its log says what failed, plainly.

The host name of an endpoint is resolved once per delivery: every address it resolves to must be
public (embedded IPv4 forms included), and the connection goes to that checked address while the
request still names the host (Host header, TLS SNI and certificate check). A name that answers
a public address to the check and 127.0.0.1 to the connection (DNS rebinding) never reaches
loopback.

No DNS server can run here, so the tests answer name lookups by patching `socket.getaddrinfo`;
and since a checked public address must not be contacted from a test, `no_egress` refuses (and
records) every connection that is not to loopback, as an unreachable host would.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import socket
import ssl
import subprocess
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
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
SECRET = "whsec-pinning-0123456789-abcdefghijklm"
PUBLIC = "93.184.215.14"  # a public address: passes the check, and no_egress keeps it unreached

# IPv6 forms that carry an internal IPv4 address, or are not routable on the internet at all.
EMBEDDED_FORMS = [
    "::127.0.0.1",  # IPv4-compatible (deprecated)
    "::ffff:127.0.0.1",  # IPv4-mapped
    "::ffff:0:127.0.0.1",  # IPv4-translated (SIIT)
    "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
    "64:ff9b::a00:5",  # NAT64 of 10.0.0.5
    "64:ff9b:1::a00:5",  # local-use NAT64
    "2002:7f00:1::",  # 6to4 of 127.0.0.1
    "2002:a9fe:a9fe::1",  # 6to4 of 169.254.169.254
    "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo
    "fc00::1",  # unique local
    "ff02::1",  # multicast
]


class Receiver(BaseHTTPRequestHandler):
    """A real receiver on loopback: records the Host header and whether the signature holds."""

    received: ClassVar[list[dict[str, Any]]] = []
    answer: ClassVar[int] = 200

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        timestamp = self.headers["Invoicetron-Timestamp"]
        expected = hmac.new(SECRET.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
        Receiver.received.append(
            {
                "host": self.headers["Host"],
                "path": self.path,
                "valid": hmac.compare_digest(
                    "v1=" + expected.hexdigest(), self.headers["Invoicetron-Signature"]
                ),
            }
        )
        self.send_response(Receiver.answer)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def serve(server: ThreadingHTTPServer) -> Iterator[int]:
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield int(server.server_address[1])
    server.shutdown()
    server.server_close()


@pytest.fixture
def receiver() -> Iterator[int]:
    """The port of a plain HTTP receiver on 127.0.0.1."""
    Receiver.received, Receiver.answer = [], 200
    yield from serve(ThreadingHTTPServer(("127.0.0.1", 0), Receiver))


@pytest.fixture
def no_egress(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """Every attempted connection to a non-loopback address, refused before it leaves."""
    attempts: list[tuple[str, int]] = []
    real_connect = socket.socket.connect

    def connect(sock: socket.socket, address: Any) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            host = str(address[0])
            if host not in ("127.0.0.1", "::1"):
                attempts.append((host, int(address[1])))
                raise ConnectionRefusedError(111, f"Connection refused to {host} (test)")
        real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    return attempts


Resolver = Callable[[str, list[str]], list[int]]


@pytest.fixture
def resolve(monkeypatch: pytest.MonkeyPatch) -> Resolver:
    """`resolve(name, answers)`: the name resolves to answers[0], then answers[1], … (the last
    one repeats); returns the list that counts the lookups of that name."""
    real_getaddrinfo = socket.getaddrinfo
    names: dict[str, tuple[list[str], list[int]]] = {}

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host not in names:
            return real_getaddrinfo(host, port, *args, **kwargs)
        answers, lookups = names[host]
        address = answers[min(len(lookups), len(answers) - 1)]
        lookups.append(1)
        return real_getaddrinfo(address, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)

    def add(name: str, answers: list[str]) -> list[int]:
        lookups: list[int] = []
        names[name] = (answers, lookups)
        return lookups

    return add


def queue_one_delivery(url: str, owner: User) -> int:
    WebhookEndpoint.objects.create(url=url, secret=SECRET)
    factories.business()
    factories.issued_invoice(owner)
    return int(WebhookDelivery.objects.get().pk)


def delivery_page(owner: User) -> str:
    as_owner = WebClient()
    as_owner.force_login(owner)
    endpoint = WebhookEndpoint.objects.get()
    response = as_owner.get(reverse("automation:webhook", args=[endpoint.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("address", EMBEDDED_FORMS)
def test_an_endpoint_on_an_embedded_or_non_global_ipv6_address_is_refused(
    address: str, owner: User
) -> None:
    with pytest.raises(ValidationError) as refused:
        save_endpoint(None, url=f"http://[{address}]/hook", events=[], by=owner)
    assert "non-public address" in refused.value.message_dict["url"][0]
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize("address", EMBEDDED_FORMS)
def test_a_name_resolving_to_an_embedded_form_is_never_contacted(
    address: str, owner: User, resolve: Resolver, no_egress: list[tuple[str, int]]
) -> None:
    resolve("inward.example.test", [address])
    delivery = webhooks.deliver(queue_one_delivery("http://inward.example.test/hook", owner))
    assert no_egress == []
    assert delivery.status == WebhookStatus.RETRYING
    assert delivery.last_error.startswith("Refused: inward.example.test")


def test_dns_rebinding_never_delivers_to_loopback(
    receiver: int, owner: User, resolve: Resolver, no_egress: list[tuple[str, int]]
) -> None:
    lookups = resolve("rebind.example.test", [PUBLIC, "127.0.0.1"])
    pk = queue_one_delivery(f"http://rebind.example.test:{receiver}/hook", owner)
    delivery = webhooks.deliver(pk)
    # One lookup gave the public address, and the connection went there (no_egress refused it).
    assert lookups == [1]
    assert no_egress == [(PUBLIC, receiver)]
    assert delivery.last_error == "could not connect"
    # The next attempt's lookup answers loopback: refused before any connection.
    delivery = webhooks.deliver(pk)
    assert delivery.last_error.startswith("Refused: rebind.example.test")
    assert no_egress == [(PUBLIC, receiver)]
    assert Receiver.received == []


def test_a_name_with_one_internal_address_among_public_ones_is_refused(
    receiver: int, owner: User, no_egress: list[tuple[str, int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    real_getaddrinfo = socket.getaddrinfo

    def both(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host != "mixed.example.test":
            return real_getaddrinfo(host, port, *args, **kwargs)
        public = real_getaddrinfo(PUBLIC, port, *args, **kwargs)
        return public + real_getaddrinfo("127.0.0.1", port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", both)
    delivery = webhooks.deliver(queue_one_delivery(f"http://mixed.example.test:{receiver}/", owner))
    assert Receiver.received == [] and no_egress == []
    assert delivery.last_error.startswith("Refused: mixed.example.test")


def test_an_allowed_delivery_goes_to_the_checked_address_with_the_original_host(
    receiver: int, owner: User, resolve: Resolver, settings: Any
) -> None:
    settings.WEBHOOKS_ALLOW_PRIVATE = True  # the receiver listens on loopback
    # A second lookup would give an address where nothing listens: the delivery uses the first.
    lookups = resolve("hooks.example.test", ["127.0.0.1", "127.0.0.2"])
    delivery = webhooks.deliver(
        queue_one_delivery(f"http://hooks.example.test:{receiver}/hook?tenant=7", owner)
    )
    assert delivery.status == WebhookStatus.DELIVERED, delivery.last_error
    assert lookups == [1]
    assert Receiver.received == [
        {"host": f"hooks.example.test:{receiver}", "path": "/hook?tenant=7", "valid": True}
    ]


@pytest.fixture
def tls_receiver(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[int, list]]:
    """An HTTPS receiver on 127.0.0.1 whose certificate names hooks.example.test (trusted through
    SSL_CERT_FILE); yields its port and the server names that clients asked for (SNI)."""
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"),
            *("-keyout", str(key), "-out", str(cert), "-subj", "/CN=hooks.example.test"),
            *("-addext", "subjectAltName=DNS:hooks.example.test"),
        ],
        check=True,
        capture_output=True,
    )
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    names: list[str | None] = []
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    context.sni_callback = lambda _sock, name, _ctx: names.append(name)  # type: ignore[assignment,func-returns-value]
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    Receiver.received, Receiver.answer = [], 200
    for port in serve(server):
        yield port, names


def test_an_https_delivery_names_the_host_for_sni_and_the_certificate(
    tls_receiver: tuple[int, list], owner: User, resolve: Resolver, settings: Any
) -> None:
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    port, names = tls_receiver
    resolve("hooks.example.test", ["127.0.0.1"])
    delivery = webhooks.deliver(queue_one_delivery(f"https://hooks.example.test:{port}/h", owner))
    assert delivery.status == WebhookStatus.DELIVERED, delivery.last_error
    assert names == ["hooks.example.test"]
    assert Receiver.received[0]["host"] == f"hooks.example.test:{port}"


def test_a_certificate_for_another_name_is_a_tls_failure(
    tls_receiver: tuple[int, list], owner: User, resolve: Resolver, settings: Any
) -> None:
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    port, _names = tls_receiver
    resolve("other.example.test", ["127.0.0.1"])
    delivery = webhooks.deliver(queue_one_delivery(f"https://other.example.test:{port}/h", owner))
    assert Receiver.received == []
    assert (delivery.status, delivery.last_error) == (WebhookStatus.RETRYING, "TLS failed")


def test_the_delivery_log_names_no_internal_address_nor_exception(
    owner: User,
    resolve: Resolver,
    settings: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]  # nothing listens once the socket closes
    resolve("hooks.example.test", ["127.0.0.1"])
    with caplog.at_level(logging.WARNING, logger="invoicetron.automation.webhooks"):
        delivery = webhooks.deliver(queue_one_delivery(f"http://hooks.example.test:{port}/", owner))
    assert delivery.last_error == "could not connect"
    page = delivery_page(owner)
    assert "could not connect" in page
    for internal in ("127.0.0.1", "Connection refused", "Errno", "Error", "Traceback"):
        assert internal not in page
    # The details are for the operator, in the server's log.
    assert "127.0.0.1" in caplog.text and "refused" in caplog.text.lower()


def test_a_refused_name_does_not_reveal_what_it_resolved_to(
    owner: User, resolve: Resolver, caplog: pytest.LogCaptureFixture
) -> None:
    resolve("intranet.example.test", ["10.20.30.40"])
    with caplog.at_level(logging.WARNING, logger="invoicetron.automation.webhooks"):
        webhooks.deliver(queue_one_delivery("http://intranet.example.test/hook", owner))
    page = delivery_page(owner)
    assert "Refused: intranet.example.test" in page
    assert "10.20.30.40" not in page
    assert "10.20.30.40" in caplog.text


def test_a_receiver_that_does_not_answer_in_time_is_logged_as_timed_out(
    owner: User, resolve: Resolver, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    monkeypatch.setattr(webhooks, "TIMEOUT_SECONDS", 0.5)
    silent = socket.create_server(("127.0.0.1", 0))  # accepts (backlog) and never answers
    port = silent.getsockname()[1]
    resolve("slow.example.test", ["127.0.0.1"])
    try:
        delivery = webhooks.deliver(queue_one_delivery(f"http://slow.example.test:{port}/", owner))
    finally:
        silent.close()
    assert delivery.last_error == "timed out"


def test_an_error_answer_is_logged_with_its_status_only(
    receiver: int, owner: User, settings: Any
) -> None:
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    Receiver.answer = 500
    delivery = webhooks.deliver(queue_one_delivery(f"http://127.0.0.1:{receiver}/hook", owner))
    assert (delivery.response_status, delivery.last_error) == (500, "answered 500")
