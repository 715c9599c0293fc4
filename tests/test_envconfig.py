from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from hypothesis import given
from hypothesis import strategies as st

from invoicetron.envconfig import Env, parse_database_url, validate_secret_key


def test_bool_accepts_common_words_and_names_the_variable_on_nonsense() -> None:
    env = Env({"A": "yes", "B": "0", "C": "maybe"})
    assert env.flag("A", default=False) is True
    assert env.flag("B", default=True) is False
    assert env.flag("MISSING", default=True) is True
    with pytest.raises(ImproperlyConfigured, match=r"^C must be true or false"):
        env.flag("C", default=False)


def test_int_checks_type_and_bounds() -> None:
    env = Env({"N": "abc", "M": "0", "K": "7"})
    with pytest.raises(ImproperlyConfigured, match="N must be a whole number"):
        env.number("N", 1)
    with pytest.raises(ImproperlyConfigured, match="M must be at least 1"):
        env.number("M", 1, minimum=1)
    assert env.number("K", 1) == 7


def test_list_splits_on_commas_and_drops_blanks() -> None:
    assert Env({"L": " a, b ,,c "}).items("L") == ["a", "b", "c"]
    assert Env({}).items("L") == []


def test_choice_rejects_unknown_values() -> None:
    with pytest.raises(ImproperlyConfigured, match="MODE must be one of a, b"):
        Env({"MODE": "c"}).choice("MODE", ("a", "b"), "a")


def test_secret_reads_from_a_file(tmp_path: Path) -> None:
    secret_file = tmp_path / "key"
    secret_file.write_text("from-the-file\n")
    assert Env({"TOKEN_FILE": str(secret_file)}).secret("TOKEN") == "from-the-file"


def test_secret_alias_is_used_when_the_main_name_is_unset() -> None:
    assert Env({"BETTER_AUTH_SECRET": "s3"}).secret("SECRET_KEY", "BETTER_AUTH_SECRET") == "s3"
    assert (
        Env({"SECRET_KEY": "a", "BETTER_AUTH_SECRET": "b"}).secret(
            "SECRET_KEY", "BETTER_AUTH_SECRET"
        )
        == "a"
    )


def test_secret_refuses_both_value_and_file(tmp_path: Path) -> None:
    with pytest.raises(ImproperlyConfigured, match="Both TOKEN and TOKEN_FILE"):
        Env({"TOKEN": "x", "TOKEN_FILE": str(tmp_path)}).secret("TOKEN")


def test_secret_file_errors_name_the_variable_but_not_the_content(tmp_path: Path) -> None:
    with pytest.raises(ImproperlyConfigured, match=r"TOKEN_FILE points to .* cannot be read"):
        Env({"TOKEN_FILE": str(tmp_path / "missing")}).secret("TOKEN")
    empty = tmp_path / "empty"
    empty.write_text("  \n")
    with pytest.raises(ImproperlyConfigured, match=r"TOKEN_FILE points to .* which is empty"):
        Env({"TOKEN_FILE": str(empty)}).secret("TOKEN")


@pytest.mark.parametrize(
    ("key", "problem"),
    [
        ("changeme", "placeholder"),
        ("<generate-a-secret-with-openssl-rand-hex-32-here>", "placeholder"),
        ("short-but-real-Xy7", "too short"),
        ("a" * 40, "too few distinct"),
    ],
)
def test_weak_secret_keys_are_refused_with_advice_and_without_echo(key: str, problem: str) -> None:
    with pytest.raises(ImproperlyConfigured) as caught:
        validate_secret_key("SECRET_KEY", key)
    message = str(caught.value)
    assert problem in message
    assert "secrets.token_urlsafe" in message
    assert key not in message


def test_a_strong_key_is_accepted() -> None:
    key = "9f2c1e7a4b8d6f0e3a5c7b9d1f2e4a6c8b0d2f4e"
    assert validate_secret_key("SECRET_KEY", key) == key


def test_database_url_is_parsed_into_parts() -> None:
    url = parse_database_url("postgresql://invoicetron:s3cr%2Ft@invoicetron-db:5432/invoicetron")
    config = url.django_config()
    assert config["USER"] == "invoicetron"
    assert config["PASSWORD"] == "s3cr/t"
    assert config["HOST"] == "invoicetron-db"
    assert config["PORT"] == "5432"
    assert config["NAME"] == "invoicetron"


def test_database_url_accepts_a_unix_socket_and_options() -> None:
    url = parse_database_url("postgresql://postgres:@/app?host=/tmp/pg&sslmode=disable")
    assert url.host == "/tmp/pg"
    assert url.name == "app"
    assert url.options == {"sslmode": "disable"}


def test_database_url_accepts_ipv6_hosts() -> None:
    url = parse_database_url("postgres://u:p@[::1]:5433/db")
    assert (url.host, url.port) == ("::1", 5433)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://u:p@h/db", "must start with postgresql://"),
        ("u:p@h/db", "must start with postgresql://"),
        ("postgresql://u:p@h:5432", "missing the database name"),
        ("postgresql://u:p@h:5432/", "missing the database name"),
        ("postgresql://u:pa/ss@h:5432/db", "unencoded '/'"),
        ("postgresql://u:p@ss@h:5432/db", "unencoded '@'"),
        ("postgresql://u:p#ss@h:5432/db", "unencoded '#'"),
        ("postgresql://u:p?ss@h:5432/db", "unencoded '/' or '?'"),
        ("postgresql://u:pa:ss@h:5432/db", "unencoded ':'"),
        ("postgresql://u:p%zzss@h:5432/db", "not followed by two hex digits"),
        ("postgresql://u:p@h:54x2/db", "invalid port"),
        ("postgresql://u:p@h:99999/db", "invalid port"),
        ("postgresql://:p@h:5432/db", "missing the user name"),
        ("postgresql://u:p@h/db?foo=bar", "unknown option 'foo'"),
        ("postgresql://u:p@/db", "missing the host"),
    ],
)
def test_malformed_database_urls_get_clear_errors(url: str, message: str) -> None:
    with pytest.raises(ImproperlyConfigured) as caught:
        parse_database_url(url)
    assert message in str(caught.value)
    assert str(caught.value).startswith("DATABASE_URL")


def test_database_url_errors_never_repeat_the_password() -> None:
    for url in (
        "postgresql://u:TopSecret/Pw@h:5432/db",
        "postgresql://u:TopSecret@Pw@h/db",
        "postgresql://u:TopSecret:Pw@h/db",
    ):
        with pytest.raises(ImproperlyConfigured) as caught:
            parse_database_url(url)
        assert "TopSecret" not in str(caught.value)


@given(st.text(max_size=80))
def test_the_url_parser_never_fails_with_anything_but_a_configuration_error(text: str) -> None:
    for candidate in (text, f"postgresql://{text}", f"postgresql://u:{text}@h:5432/db"):
        with contextlib.suppress(ImproperlyConfigured):
            parse_database_url(candidate)


@given(
    st.text(
        alphabet=st.characters(codec="ascii", exclude_categories=("Cc",)), min_size=1, max_size=40
    )
)
def test_any_percent_encoded_password_round_trips(password: str) -> None:
    from urllib.parse import quote

    url = parse_database_url(f"postgresql://app:{quote(password, safe='')}@db:5432/app")
    assert url.password == password
