"""`invoicetron token create|revoke|list`: personal API tokens from the command line."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db.models import F

from invoicetron.accounts.models import User
from invoicetron.api.models import ApiToken
from invoicetron.api.tokens import TokenError, create_token, revoke_token


class Command(BaseCommand):
    help = (
        "Manage personal API tokens. `create` prints the new token (and nothing else) once: "
        "only its SHA-256 is stored. Scripts send it as `Authorization: Bearer <token>`."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        create = actions.add_parser("create", help="create a token and print it")
        create.add_argument("--email", required=True, help="the user the token acts as")
        create.add_argument("--name", required=True, help="what the token is for, e.g. 'erp-sync'")
        create.add_argument(
            "--read-only", action="store_true", help="the token may read but never change data"
        )
        revoke = actions.add_parser("revoke", help="revoke a token by --id, or --email and --name")
        revoke.add_argument("--id", type=int, help="the token's id (see `token list`)")
        revoke.add_argument("--email", help="the token's user")
        revoke.add_argument("--name", help="the token's name")
        listing = actions.add_parser("list", help="list tokens (never their secrets)")
        listing.add_argument("--email", help="only this user's tokens")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            self._create(options)
        elif action == "revoke":
            self._revoke(options)
        else:
            self._list(options)

    def _create(self, options: dict[str, Any]) -> None:
        user = _user(options["email"])
        try:
            new = create_token(user, options["name"], read_only=options["read_only"])
        except TokenError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(new.secret)

    def _revoke(self, options: dict[str, Any]) -> None:
        token = _find(options)
        if token.revoked_at is not None:
            self.stdout.write(f"Token {token.pk} ({token.name}) was already revoked.")
            return
        revoke_token(token)
        self.stdout.write(f"Revoked token {token.pk} ({token.name}) of {token.user.email}.")

    def _list(self, options: dict[str, Any]) -> None:
        tokens = ApiToken.objects.select_related("user").order_by("id")
        if options["email"]:
            tokens = tokens.filter(user=_user(options["email"]))
        for token in tokens:
            state = f"revoked {token.revoked_at:%Y-%m-%d}" if token.revoked_at else "active"
            used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never"
            self.stdout.write(
                f"{token.pk}\t{token.user.email}\t{token.name}\t{token.scope}\t{token.hint}…"
                f"\tlast used {used}\t{state}"
            )


def _user(email: str) -> User:
    user = User.objects.filter(email__iexact=(email or "").strip()).first()
    if user is None:
        raise CommandError(
            f"--email: no user {email!r} (create one with `invoicetron createuser`)."
        )
    return user


def _find(options: dict[str, Any]) -> ApiToken:
    tokens = ApiToken.objects.select_related("user")
    if options["id"] is not None:
        token = tokens.filter(pk=options["id"]).first()
        if token is None:
            raise CommandError(f"--id: no token {options['id']}.")
        return token
    if not (options["email"] and options["name"]):
        raise CommandError("Say which token: --id N, or --email E --name N.")
    user = _user(options["email"])
    candidates = tokens.filter(user=user, name=options["name"]).order_by(
        F("revoked_at").asc(nulls_first=True), "-id"
    )
    token = candidates.first()  # the active one first (at most one is active per name)
    if token is None:
        raise CommandError(f"{user.email} has no token named {options['name']!r}.")
    return token
