"""`invoicetron createuser --email E [--password-stdin] [--owner]`: create or update an account."""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from invoicetron.accounts.services import create_or_update_user


class Command(BaseCommand):
    help = (
        "Create a user, or update an existing one's password or owner flag. "
        "The password is read from standard input (never from the command line, where other "
        "users and shell history could see it)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--email", required=True, help="the address the user signs in with")
        parser.add_argument("--name", default=None, help="the user's full name")
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="read the password from the first line of standard input",
        )
        parser.add_argument(
            "--owner",
            action="store_true",
            help="make the user an owner (manages settings and users)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        email: str = options["email"]
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"--email: {email!r} is not a valid email address.") from None
        password = self._read_password() if options["password_stdin"] else None
        try:
            user, created = create_or_update_user(
                email, password, owner=options["owner"], full_name=options["name"]
            )
        except ValidationError as error:
            raise CommandError("Password refused: " + " ".join(error.messages)) from None
        verb = "Created" if created else "Updated"
        role = "owner" if user.is_owner else "user"
        self.stdout.write(f"{verb} {role} {user.email}.")
        if created and password is None:
            self.stdout.write(
                "No password was set: run again with --password-stdin to set one before signing in."
            )

    def _read_password(self) -> str:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise CommandError("--password-stdin: standard input held no password.")
        return password
