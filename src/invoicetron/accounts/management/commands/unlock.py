"""`invoicetron unlock --email E`: lift the sign-in lock on an account."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from invoicetron.accounts.lockout import unlock
from invoicetron.accounts.models import normalise_email


class Command(BaseCommand):
    help = (
        "Lift the sign-in lock on an account now, instead of waiting LOGIN_LOCKOUT_MINUTES. "
        "An account is locked after LOGIN_FAILURE_LIMIT wrong passwords; its recorded failures "
        "are forgotten too. To set a new password instead, use `invoicetron password`."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--email", required=True, help="the address of the locked account (any spelling)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        email = normalise_email(options["email"])
        if unlock(email):
            self.stdout.write(f"Unlocked: {email} can sign in again.")
        else:
            self.stdout.write(f"{email} was not locked; nothing to do.")
