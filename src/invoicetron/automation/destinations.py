"""Where webhooks may go: public internet addresses only, unless the operator opts in.

A webhook URL is typed by an owner but fetched by the worker from inside the cluster, so without
this check it could reach what only the server can: the database, the cloud's metadata service
(169.254.169.254), an admin port on loopback. Every address the host name resolves to must be
global; `WEBHOOKS_ALLOW_PRIVATE=true` lifts the rule for receivers on the operator's own network.

The check runs when an endpoint is saved (a clear form error) and again before every delivery
(the name may resolve elsewhere by then). Redirects are not followed, so a public receiver
cannot bounce a delivery inward.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings


class RefusedDestination(ValueError):
    """The URL points at an address webhooks may not reach; the message says why."""


def _non_global(address: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone (fe80::1%eth0)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 is loopback too
    return None if ip.is_global and not ip.is_multicast else ip


def check_destination(url: str, *, unresolved_ok: bool = False) -> None:
    """RefusedDestination unless every address of the URL's host is a public one.

    `unresolved_ok`: a name that does not resolve now passes (saving an endpoint while DNS is
    down is allowed; the delivery checks again and fails until it resolves).
    """
    if settings.WEBHOOKS_ALLOW_PRIVATE:
        return
    parts = urlsplit(url)
    host = parts.hostname
    if not host:
        raise RefusedDestination("The URL has no host.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, ValueError) as error:
        if unresolved_ok:
            return
        raise RefusedDestination(f"The host {host} cannot be resolved.") from error
    for *_rest, sockaddr in found:
        ip = _non_global(str(sockaddr[0]))
        if ip is not None:
            raise RefusedDestination(
                f"{host} is a loopback, private or otherwise non-public address ({ip}); "
                "webhooks go to public receivers only (an operator can allow private ones "
                "with WEBHOOKS_ALLOW_PRIVATE=true)."
            )
