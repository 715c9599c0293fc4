"""`invoicetron password --email E --password-stdin`: set a new password for an existing account."""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from invoicetron.accounts.models import normalise_email
from invoicetron.accounts.services import UnknownAccount, reset_password


class Command(BaseCommand):
    help = (
        "Set a new password for an existing account (for a forgotten password), lift its "
        "sign-in lock and sign it out everywhere. The password is read from the first line of "
        "standard input, never from the command line (where other users and shell history "
        "could see it): printf '%s\\n' \"$NEW_PASSWORD\" | invoicetron password --email E "
        "--password-stdin. Unknown addresses are refused (`invoicetron createuser` creates "
        "accounts)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--email", required=True, help="the address the user signs in with")
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            required=True,
            help="read the new password from the first line of standard input (required)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        email = normalise_email(options["email"])
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise CommandError("--password-stdin: standard input held no password.")
        try:
            user = reset_password(email, password)
        except UnknownAccount as error:
            raise CommandError(str(error)) from None
        except ValidationError as error:
            raise CommandError("Password refused: " + " ".join(error.messages)) from None
        self.stdout.write(f"New password set for {user.email}; it is signed out everywhere.")
