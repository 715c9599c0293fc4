"""Creating, finding and revoking personal API tokens."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from invoicetron.accounts.models import User
from invoicetron.api.models import ApiToken, TokenScope

# A recognisable prefix lets secret scanners and people spot a leaked Invoicetron token.
TOKEN_PREFIX = "itron_"  # noqa: S105 - a public prefix, not a secret
HINT_LENGTH = len(TOKEN_PREFIX) + 6
# Writing last_used_at on every request would turn each read into a write.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


# Every API request runs this query, so it is written out: the ORM took three times as long to
# build it as the database took to answer. The user is checked here but loaded only if the
# request needs it (see auth.Caller.user).
FIND_ACTIVE_SQL = """
SELECT token.* FROM api_apitoken token JOIN accounts_user account ON account.id = token.user_id
WHERE token.token_hash = %s AND token.revoked_at IS NULL AND account.is_active
"""


class TokenError(ValueError):
    """A token operation the caller asked for cannot be done; the message says why."""


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # shown once, never stored


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def create_token(user: User, name: str, *, read_only: bool = False) -> NewToken:
    name = name.strip()
    if not name:
        raise TokenError(_("Give the token a name, e.g. the script or system that uses it."))
    if len(name) > ApiToken._meta.get_field("name").max_length:  # type: ignore[operator]
        raise TokenError(_("The name is too long (100 characters at most)."))
    if user.api_tokens.filter(name=name, revoked_at__isnull=True).exists():
        raise TokenError(
            _("%(email)s already has an active token named “%(name)s”.")
            % {"email": user.email, "name": name}
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)  # 256 bits of randomness
    token = ApiToken.objects.create(
        user=user,
        name=name,
        scope=TokenScope.READ if read_only else TokenScope.READ_WRITE,
        token_hash=hash_secret(secret),
        hint=secret[:HINT_LENGTH],
    )
    return NewToken(token=token, secret=secret)


def find_active_token(secret: str) -> ApiToken | None:
    """The active token with this secret whose user may still sign in, else None."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    token = next(iter(ApiToken.objects.raw(FIND_ACTIVE_SQL, [hash_secret(secret)])), None)
    if token is not None:
        _touch(token)
    return token


def _touch(token: ApiToken) -> None:
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def revoke_token(token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def revoke_all_tokens(user: User) -> int:
    """Revoke every active token of the user (on deactivation: reactivating them revives none)."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def revoke_tokens_of_deactivated_user(sender: object, *, user: User, **kwargs: object) -> None:
    """Receiver of accounts' `user_deactivated` signal (connected in ApiConfig.ready())."""
    revoke_all_tokens(user)


def visible_tokens(user: User) -> QuerySet[ApiToken]:
    """The tokens a user may see and revoke: their own, or everyone's for an owner."""
    tokens = ApiToken.objects.select_related("user").order_by(
        F("revoked_at").asc(nulls_first=True), "-created_at", "-id"
    )
    return tokens if user.is_owner else tokens.filter(user=user)
