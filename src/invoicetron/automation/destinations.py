"""Where webhooks may go: public internet addresses only, unless the operator opts in.

A webhook URL is typed by an owner but fetched by the worker from inside the cluster, so without
this check it could reach what only the server can: the database, the cloud's metadata service
(169.254.169.254), an admin port on loopback. Every address the host name resolves to must be
global; `WEBHOOKS_ALLOW_PRIVATE=true` lifts the rule for receivers on the operator's own network.

The check runs when an endpoint is saved (a clear form error) and again before every delivery.
A delivery resolves the name once, checks every address, and connects to the address it checked
(`resolve_destination` returns it): resolving again to connect would let a name answer a public
address to the check and 127.0.0.1 to the connection (DNS rebinding). Redirects are not
followed, so a public receiver cannot bounce a delivery inward.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

IP = ipaddress.IPv4Address | ipaddress.IPv6Address

# IPv6 ranges that are not routable on the internet whatever Python's `is_global` says (its
# answers changed between versions); the IPv4 inside the translation ranges is checked instead.
_NEVER = tuple(
    ipaddress.IPv6Network(net)
    for net in (
        "::/96",  # IPv4-compatible ::a.b.c.d (deprecated), and :: and ::1
        "::ffff:0:0:0/96",  # IPv4-translated ::ffff:0:a.b.c.d
        "64:ff9b:1::/48",  # local-use NAT64
        "2001::/32",  # Teredo
        "100::/64",  # discard
        "fc00::/7",  # unique local
        "fe80::/10",  # link-local
    )
)
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


class RefusedDestination(ValueError):
    """The URL points at an address webhooks may not reach; the message says why (without the
    internal address, which goes to the server's log only)."""


@dataclass(frozen=True)
class Destination:
    """Where one delivery connects: `address`, the checked IP, for the URL's `host`."""

    scheme: str
    host: str
    port: int
    address: str


def non_global(ip: IP) -> bool:
    """Whether `ip`, or the IPv4 address an IPv6 form carries, is not publicly routable."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return non_global(ip.ipv4_mapped)
        if any(ip in net for net in _NEVER):
            return True
        if ip in _NAT64:
            return non_global(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
        if ip.sixtofour is not None:
            return non_global(ip.sixtofour)
    return not ip.is_global or ip.is_multicast


def unresolved(host: str) -> str:
    return _("The host %(host)s cannot be resolved.") % {"host": host}


def resolve_destination(url: str) -> Destination:
    """Resolve the URL's host once; RefusedDestination unless it resolves and every address is
    public (any address, with WEBHOOKS_ALLOW_PRIVATE). The first address is the one to use."""
    parts = urlsplit(url)
    host = parts.hostname
    if not host or parts.scheme not in ("http", "https"):
        raise RefusedDestination(_("The URL needs an http:// or https:// address with a host."))
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, ValueError) as error:
        logger.warning("webhook host %s does not resolve: %s", host, error)
        raise RefusedDestination(unresolved(host)) from error
    addresses = [ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0]) for *_, sockaddr in found]
    if not addresses:
        raise RefusedDestination(unresolved(host))
    inward = [str(ip) for ip in addresses if non_global(ip)]
    if inward and not settings.WEBHOOKS_ALLOW_PRIVATE:
        logger.warning("webhook host %s refused: resolves to %s", host, ", ".join(inward))
        raise RefusedDestination(
            _(
                "%(host)s is a loopback, private or otherwise non-public address; "
                "webhooks go to public receivers only (an operator can allow private ones "
                "with WEBHOOKS_ALLOW_PRIVATE=true)."
            )
            % {"host": host}
        )
    return Destination(parts.scheme, host, port, str(addresses[0]))


def check_destination(url: str, *, unresolved_ok: bool = False) -> None:
    """RefusedDestination unless every address of the URL's host is a public one.

    `unresolved_ok`: a name that does not resolve now passes (saving an endpoint while DNS is
    down is allowed; the delivery checks again and fails until it resolves).
    """
    if settings.WEBHOOKS_ALLOW_PRIVATE:
        return
    try:
        resolve_destination(url)
    except RefusedDestination as error:
        if unresolved_ok and error.__cause__ is not None:  # it did not resolve
            return
        raise
