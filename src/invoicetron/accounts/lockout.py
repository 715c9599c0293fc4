"""The sign-in lock (django-axes): who it is keyed on, who is locked now, and lifting a lock.

Failures are counted per normalised email (any spelling of an address is the same account) and
recorded with the client's address as the trusted proxy saw it. A lock lasts
LOGIN_LOCKOUT_MINUTES from the failure that started it: attempts during the lock are refused
without being recorded (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False), so nobody can
keep an account locked for good by trying again now and then. An owner (users page) or the
operator (`invoicetron unlock`) can lift a lock early.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.db.models import Max, Sum
from django.http import HttpRequest
from django.utils import timezone

from invoicetron.accounts.models import User, normalise_email

log = logging.getLogger(__name__)


def lockout_username(request: HttpRequest | None, credentials: dict[str, str] | None) -> str | None:
    """AXES_USERNAME_CALLABLE: the email the attempt was for, spelled as accounts store it."""
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        value = credentials.get(field)
    elif request is not None:
        value = request.POST.get(field)
    else:
        value = None
    return normalise_email(value) if isinstance(value, str) else None


def client_address(request: HttpRequest) -> str | None:
    """AXES_CLIENT_IP_CALLABLE: the address of the client, as the trusted proxy saw it.

    With TRUST_PROXY_HEADERS the one proxy in front of Invoicetron appends the address it received
    the request from to X-Forwarded-For: the last entry. Earlier entries are whatever the client
    chose to send, so they are never used. Without it, X-Forwarded-For is ignored altogether.
    """
    if settings.TRUST_PROXY_HEADERS:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
        if _is_address(forwarded):
            return forwarded
    remote = request.META.get("REMOTE_ADDR")
    return remote if isinstance(remote, str) and _is_address(remote) else None


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class Lock:
    email: str
    failures: int
    last_address: str | None
    until: datetime


def current_locks(emails: Iterable[str]) -> dict[str, Lock]:
    """The locks in force now among these addresses, by normalised email."""
    cool_off = get_cool_off()
    if cool_off is None:  # pragma: no cover - settings always set LOGIN_LOCKOUT_MINUTES
        raise RuntimeError("AXES_COOLOFF_TIME must be set")
    since = timezone.now() - cool_off
    wanted = [normalise_email(email) for email in emails]
    counts = (
        AccessAttempt.objects.filter(username__in=wanted, attempt_time__gte=since)
        .values("username")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
    )
    locks = {}
    for row in counts:
        latest = (
            AccessAttempt.objects.filter(username=row["username"], attempt_time=row["last"])
            .values_list("ip_address", flat=True)
            .first()
        )
        locks[row["username"]] = Lock(
            row["username"], row["failures"], latest, row["last"] + cool_off
        )
    return locks


def unlock(email: str, *, by: User | None = None) -> bool:
    """Lift the lock on an address (and forget its failures). True if it was locked."""
    email = normalise_email(email)
    was_locked = email in current_locks([email])
    reset(username=email)
    if was_locked:
        log.info(
            "sign-in lock lifted",
            extra={"email": email, "by": by.email if by is not None else "command line"},
        )
    return was_locked
