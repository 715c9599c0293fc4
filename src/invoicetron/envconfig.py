"""Small strict readers for configuration taken from the environment.

Every variable the settings module reads goes through one of these helpers. Each raises
``ImproperlyConfigured`` with a message that names the variable and says how to fix it. Messages
never contain the value of a secret.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})

# Values people paste from examples and templates; a key like these is no key at all.
PLACEHOLDER_SECRETS = frozenset(
    {
        "changeme",
        "change-me",
        "change_me",
        "secret",
        "password",
        "placeholder",
        "replace-me",
        "your-secret-key",
        "your-secret-here",
        "xxx",
        "todo",
    }
)
PLACEHOLDER_MARKERS = ("changeme", "change-me", "replace-me", "placeholder", "<", ">")


class Env:
    """A view of an environment mapping with strict, typed readers."""

    # Every variable name any reader was asked for; the manifests' contract tests compare to it.
    names_read: set[str] = set()  # noqa: RUF012 - shared on purpose, across instances

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self.environ = os.environ if environ is None else environ

    def _raw(self, name: str) -> str | None:
        Env.names_read.add(name)
        value = self.environ.get(name)
        if value is None:
            return None
        value = value.strip()
        return value or None

    def text(self, name: str, default: str | None = None) -> str | None:
        value = self._raw(name)
        return default if value is None else value

    def required(self, name: str, hint: str) -> str:
        value = self._raw(name)
        if value is None:
            raise ImproperlyConfigured(f"{name} is not set. {hint}")
        return value

    def flag(self, name: str, default: bool) -> bool:
        value = self._raw(name)
        if value is None:
            return default
        word = value.lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise ImproperlyConfigured(
            f"{name} must be true or false (also accepted: 1/0, yes/no, on/off), got {value!r}."
        )

    def number(
        self, name: str, default: int, *, minimum: int = 0, maximum: int | None = None
    ) -> int:
        value = self._raw(name)
        if value is None:
            return default
        try:
            number = int(value)
        except ValueError:
            raise ImproperlyConfigured(f"{name} must be a whole number, got {value!r}.") from None
        if number < minimum or (maximum is not None and number > maximum):
            upper = "" if maximum is None else f" and at most {maximum}"
            raise ImproperlyConfigured(f"{name} must be at least {minimum}{upper}, got {number}.")
        return number

    def choice(self, name: str, choices: tuple[str, ...], default: str) -> str:
        value = self._raw(name)
        if value is None:
            return default
        if value.lower() not in choices:
            raise ImproperlyConfigured(
                f"{name} must be one of {', '.join(choices)}; got {value!r}."
            )
        return value.lower()

    def items(self, name: str) -> list[str]:
        value = self._raw(name)
        if value is None:
            return []
        return [item.strip() for item in value.split(",") if item.strip()]

    def secret(self, name: str, *aliases: str) -> str | None:
        """Read a secret from NAME or NAME_FILE (the way containers mount secrets).

        Aliases are other names for the same secret, tried in order after NAME.
        """
        for candidate in (name, *aliases):
            direct = self._raw(candidate)
            file_name = self._raw(f"{candidate}_FILE")
            if direct is not None and file_name is not None:
                raise ImproperlyConfigured(
                    f"Both {candidate} and {candidate}_FILE are set; keep only one of them."
                )
            if direct is not None:
                return direct
            if file_name is not None:
                return _read_secret_file(f"{candidate}_FILE", Path(file_name))
        return None


def _read_secret_file(variable: str, path: Path) -> str:
    try:
        content = path.read_text(encoding="utf-8").strip()
    except OSError as error:
        raise ImproperlyConfigured(
            f"{variable} points to {path}, which cannot be read ({error.strerror}). "
            "Mount the secret file there or unset the variable."
        ) from None
    if not content:
        raise ImproperlyConfigured(f"{variable} points to {path}, which is empty.")
    return content


def is_placeholder(secret: str) -> bool:
    lowered = secret.lower()
    return lowered in PLACEHOLDER_SECRETS or any(mark in lowered for mark in PLACEHOLDER_MARKERS)


def validate_secret_key(variable: str, key: str) -> str:
    how = (
        'Generate one with: python -c "import secrets; print(secrets.token_urlsafe(50))" '
        "and set it as SECRET_KEY (or BETTER_AUTH_SECRET, or a file named by SECRET_KEY_FILE)."
    )
    if is_placeholder(key):
        raise ImproperlyConfigured(f"{variable} is a placeholder, not a secret. {how}")
    if len(key) < 32:
        raise ImproperlyConfigured(
            f"{variable} is too short ({len(key)} characters; at least 32 are needed). {how}"
        )
    if len(set(key)) < 8:
        raise ImproperlyConfigured(f"{variable} has too few distinct characters. {how}")
    return key


# -- DATABASE_URL ---------------------------------------------------------------------------------

URL_SCHEMES = ("postgresql", "postgres")
ALLOWED_QUERY_OPTIONS = frozenset(
    {"host", "sslmode", "sslrootcert", "sslcert", "sslkey", "connect_timeout", "application_name"}
)
_ENCODE_HINT = (
    "Percent-encode reserved characters in the user name and password "
    "(for example '/' as %2F, '@' as %40, ':' as %3A, '#' as %23, '?' as %3F), "
    "or use a password made of letters, digits, '-' and '_' only."
)


@dataclass(frozen=True)
class DatabaseURL:
    """The parts of a PostgreSQL connection URL that Django needs."""

    user: str
    password: str
    host: str
    port: int | None
    name: str
    options: dict[str, str]

    def django_config(self) -> dict[str, object]:
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": self.name,
            "USER": self.user,
            "PASSWORD": self.password,
            "HOST": self.host,
            "PORT": "" if self.port is None else str(self.port),
            "OPTIONS": dict(self.options),
        }


def parse_database_url(url: str, variable: str = "DATABASE_URL") -> DatabaseURL:
    """Parse ``postgresql://user:password@host:port/database`` strictly.

    The errors name the variable and the problem, and never repeat the password.
    """
    scheme, sep, rest = url.partition("://")
    if not sep or scheme.lower() not in URL_SCHEMES:
        raise ImproperlyConfigured(
            f"{variable} must start with postgresql:// "
            f"(format: postgresql://user:password@host:5432/database)."
        )
    if "#" in rest:
        raise ImproperlyConfigured(f"{variable} contains an unencoded '#'. {_ENCODE_HINT}")
    authority, slash, path_and_query = rest.partition("/")
    if authority.count("@") > 1:
        raise ImproperlyConfigured(
            f"{variable} contains an unencoded '@' in its user name or password. {_ENCODE_HINT}"
        )
    if "@" in path_and_query.partition("?")[0] or "@" in authority.partition("?")[2]:
        raise ImproperlyConfigured(
            f"{variable} has a '/' or '?' before the host: its password probably contains an "
            f"unencoded '/' or '?'. {_ENCODE_HINT}"
        )
    if "?" in authority:
        raise ImproperlyConfigured(f"{variable} is missing the database name after the host.")
    userinfo, at, hostport = authority.rpartition("@")
    user, password = _split_userinfo(variable, userinfo) if at else ("", "")
    host, port = _split_hostport(variable, hostport)
    path, _, query = path_and_query.partition("?")
    name = unquote(path)
    if not slash or not name:
        raise ImproperlyConfigured(
            f"{variable} is missing the database name (…@host:5432/<database>)."
        )
    if "/" in name:
        raise ImproperlyConfigured(f"{variable} has a database name containing '/'.")
    options = _parse_options(variable, query)
    socket_dir = options.pop("host", "")
    if not host and not socket_dir:
        raise ImproperlyConfigured(
            f"{variable} is missing the host (…@<host>:5432/database, or ?host=/socket/dir)."
        )
    split_check = urlsplit(f"postgresql://{hostport}")
    if host and split_check.hostname is None:
        raise ImproperlyConfigured(f"{variable} has an invalid host.")
    return DatabaseURL(user, password, host or socket_dir, port, name, options)


def _split_userinfo(variable: str, userinfo: str) -> tuple[str, str]:
    user, colon, password = userinfo.partition(":")
    if ":" in password:
        raise ImproperlyConfigured(
            f"{variable} contains an unencoded ':' in its password. {_ENCODE_HINT}"
        )
    for part in (user, password):
        if "%" in part and not _is_valid_percent_encoding(part):
            raise ImproperlyConfigured(
                f"{variable} contains a '%' that is not followed by two hex digits "
                f"in its user name or password. {_ENCODE_HINT}"
            )
    if not user:
        raise ImproperlyConfigured(f"{variable} is missing the user name (user:password@host).")
    return unquote(user), unquote(password) if colon else ""


def _is_valid_percent_encoding(text: str) -> bool:
    hexdigits = set("0123456789abcdefABCDEF")
    index = text.find("%")
    while index != -1:
        pair = text[index + 1 : index + 3]
        if len(pair) != 2 or not set(pair) <= hexdigits:
            return False
        index = text.find("%", index + 3)
    return True


def _split_hostport(variable: str, hostport: str) -> tuple[str, int | None]:
    if hostport.startswith("["):  # IPv6 literal
        host, _, after = hostport[1:].partition("]")
        port_text = after.removeprefix(":") if after.startswith(":") else ""
        if after and not after.startswith(":"):
            raise ImproperlyConfigured(f"{variable} has an invalid IPv6 host.")
    else:
        host, _, port_text = hostport.partition(":")
    if not port_text:
        return unquote(host), None
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise ImproperlyConfigured(
            f"{variable} has an invalid port {port_text!r}: use a number from 1 to 65535. "
            f"If that is part of the password, {_ENCODE_HINT[0].lower()}{_ENCODE_HINT[1:]}"
        )
    return unquote(host), int(port_text)


def _parse_options(variable: str, query: str) -> dict[str, str]:
    options: dict[str, str] = {}
    for key, values in parse_qs(query, keep_blank_values=True, strict_parsing=False).items():
        if key not in ALLOWED_QUERY_OPTIONS:
            allowed = ", ".join(sorted(ALLOWED_QUERY_OPTIONS))
            raise ImproperlyConfigured(
                f"{variable} has an unknown option {key!r}; supported options: {allowed}."
            )
        options[key] = values[-1]
    return options
