"""The UI ships complete in German, French and Spanish.

Each app listed in the Makefile's I18N_APPS keeps its catalogues in `<app>/locale/<lang>/
LC_MESSAGES/django.po`. These tests fail when:
- a catalogue is missing, is fuzzy (Babel would not compile it), has an untranslated or fuzzy
  message, or a translation whose placeholders (`%(name)s`) differ from the English;
- the code marks a message the catalogue does not have (or the catalogue keeps one the code no
  longer marks): `make messages` brings them in line, then translate what it added;
- a template shows text that is not marked for translation at all.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from django.template.base import Lexer, TokenType

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "invoicetron"
LANGUAGES = ("de", "fr", "es")


def i18n_apps() -> list[str]:
    """The Makefile's I18N_APPS: the one list `make messages` and these tests share."""
    match = re.search(r"^I18N_APPS := (.+)$", (ROOT / "Makefile").read_text(), re.MULTILINE)
    assert match, "the Makefile defines I18N_APPS"
    return match.group(1).split()


APPS = i18n_apps()


def catalogue_path(app: str, language: str) -> Path:
    return PACKAGE / app / "locale" / language / "LC_MESSAGES" / "django.po"


def read_catalogue(path: Path) -> Catalog:
    with path.open("rb") as file:
        return read_po(file)


def message_keys(catalogue: Catalog) -> set[tuple[str, str | None]]:
    """(first msgid, context) of every message but the header."""
    keys = set()
    for message in catalogue:
        if not message.id:
            continue
        first = message.id[0] if isinstance(message.id, tuple) else message.id
        keys.add((first, message.context))
    return keys


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("app", APPS)
def test_catalogue_is_complete(app: str, language: str) -> None:
    path = catalogue_path(app, language)
    assert path.exists(), (
        f"{path.relative_to(ROOT)} is missing: run `make messages`, then translate"
    )
    catalogue = read_catalogue(path)
    # Babel compiles no catalogue whose header is fuzzy, as makemessages writes a new one.
    assert not catalogue.fuzzy, f"{path.relative_to(ROOT)}: remove `#, fuzzy` above its header"
    untranslated, fuzzy = [], []
    for message in catalogue:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            untranslated.append(message.id)
        if message.fuzzy:
            fuzzy.append(message.id)
    assert not untranslated, f"{path.relative_to(ROOT)}: untranslated {untranslated[:10]}"
    assert not fuzzy, f"{path.relative_to(ROOT)}: fuzzy (check and unmark) {fuzzy[:10]}"
    broken = [
        (message.id, [str(error) for error in errors]) for message, errors in catalogue.check()
    ]
    assert not broken, (
        f"{path.relative_to(ROOT)}: placeholders differ from the English {broken[:5]}"
    )


@pytest.mark.parametrize("app", APPS)
def test_catalogues_hold_the_same_messages(app: str) -> None:
    keys = {
        language: message_keys(read_catalogue(catalogue_path(app, language)))
        for language in LANGUAGES
    }
    assert keys["fr"] == keys["de"], f"{app}: fr and de catalogues differ: run `make messages`"
    assert keys["es"] == keys["de"], f"{app}: es and de catalogues differ: run `make messages`"


@pytest.mark.slow
@pytest.mark.parametrize("app", APPS)
def test_catalogue_has_every_marked_message(app: str, tmp_path: Path) -> None:
    """Extract the app's messages as `make messages` does, into a copy, and compare."""
    if shutil.which("xgettext") is None:
        pytest.fail(
            "GNU gettext's xgettext is needed (apt-get install gettext; make test installs it)"
        )
    copy = tmp_path / app
    shutil.copytree(
        PACKAGE / app, copy, ignore=shutil.ignore_patterns("__pycache__", "locale", "*.mo")
    )
    (copy / "locale").mkdir()
    environment = os.environ | {
        "INVOICETRON_ENV": "test",
        "SECRET_KEY": "translation-test-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "DATABASE_URL": "postgresql://unused:unused@127.0.0.1:5432/unused",
    }
    # -P: the copy is the working directory, and its modules must not shadow libraries (the
    # einvoicing app's facturx.py is also the name of the Factur-X library it imports).
    command = [sys.executable, "-P", "-m", "invoicetron", "manage", "makemessages"]
    command += ["--no-location"]
    command += ["--ignore", "migrations/*", "--locale", "de", "--verbosity", "0"]
    subprocess.run(command, cwd=copy, env=environment, check=True, timeout=120)
    extracted_path = copy / "locale" / "de" / "LC_MESSAGES" / "django.po"
    extracted = message_keys(read_catalogue(extracted_path)) if extracted_path.exists() else set()
    committed = message_keys(read_catalogue(catalogue_path(app, "de")))
    missing = sorted(extracted - committed, key=str)
    stale = sorted(committed - extracted, key=str)
    assert not missing, (
        f"{app}: marked in the code, not in the catalogues (make messages): {missing[:10]}"
    )
    assert not stale, f"{app}: in the catalogues, no longer marked (make messages): {stale[:10]}"


# Words a template may show untranslated: codes, formats and names that are the same in every
# language.
SAME_IN_EVERY_LANGUAGE = frozenset(
    {"Invoicetron", "Factur", "XRechnung", "Peppol", "Leitweg", "Chromium", "PostgreSQL", "TOTP"}
)
HUMAN_ATTRIBUTES = re.compile(r'\b(?:placeholder|title|alt|aria-label)="([^"\x00]*)"')
WORD = re.compile(r"[^\W\d_]{2,}")
BLOCK_REGIONS = {"blocktranslate": "endblocktranslate", "blocktrans": "endblocktrans"}
SKIPPED_REGIONS = BLOCK_REGIONS | {"comment": "endcomment", "verbatim": "endverbatim"}


def untranslated_words(source: str) -> list[str]:
    """Words of a template's visible text (and of its placeholder/title/alt/aria-label attributes)
    that no {% translate %} or {% blocktranslate %} covers. Template tags and variables are kept
    as a blank marker so that HTML tags around them stay whole."""
    source = re.sub(r"<(script|style)\b.*?</\1>", "", source, flags=re.DOTALL | re.IGNORECASE)
    parts: list[str] = []
    closing: str | None = None
    for token in Lexer(source).tokenize():
        if closing is not None:
            if token.token_type == TokenType.BLOCK and token.contents.split()[0] == closing:
                closing = None
            continue
        if token.token_type == TokenType.TEXT:
            parts.append(token.contents)
            continue
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0]
            if name in SKIPPED_REGIONS:
                closing = SKIPPED_REGIONS[name]
        parts.append("\x00")
    text = re.sub(r"<!--.*?-->", "", "".join(parts), flags=re.DOTALL)
    attributes = " ".join(HUMAN_ATTRIBUTES.findall(text))
    visible = re.sub(r"<[^>]*>", " ", text) + " " + attributes
    words = WORD.findall(html.unescape(visible))
    return [word for word in words if not word.isupper() and word not in SAME_IN_EVERY_LANGUAGE]


@pytest.mark.parametrize("app", APPS)
def test_templates_show_no_unmarked_text(app: str) -> None:
    found = {}
    for template in sorted((PACKAGE / app / "templates").rglob("*")):
        if template.suffix not in {".html", ".txt"}:
            continue
        words = untranslated_words(template.read_text())
        if words:
            found[str(template.relative_to(PACKAGE))] = " ".join(words[:12])
    assert not found, "text not marked for translation ({% translate %}):\n" + "\n".join(
        f"  {name}: {words}" for name, words in found.items()
    )


def test_the_template_check_finds_unmarked_text() -> None:
    """The checker itself: marked text, tags, variables and comments pass; bare text does not."""
    marked = (
        '{% load i18n %}<p class="lead">{% translate "Hello" %} {{ name }}</p>'
        "{% blocktranslate %}Due {{ date }}{% endblocktranslate %}{# a note #}"
        '<a href="{% url "x" %}" title="{% translate "Open" %}">EUR · 12</a>'
    )
    assert untranslated_words(marked) == []
    assert untranslated_words("<p>Hello <b>{{ name }}</b></p>") == ["Hello"]
    assert untranslated_words('<input placeholder="Search invoices">') == ["Search", "invoices"]
    assert untranslated_words("<script>let label = 'Hidden';</script>") == []


def test_a_message_reads_the_same_in_every_app() -> None:
    """Django merges the apps' catalogues into one per language, and the app first in
    INSTALLED_APPS wins a message two apps translate differently: the other app then shows a word
    it did not choose (German reports said "Gesamtbetrag" for a table's "Gesamt")."""
    differing = []
    for language in LANGUAGES:
        translations: dict[tuple[str | None, str], dict[str, str]] = {}
        for app in APPS:
            for message in read_catalogue(catalogue_path(app, language)):
                if not message.id:
                    continue
                first = message.id[0] if isinstance(message.id, tuple) else message.id
                string = message.string[0] if isinstance(message.string, tuple) else message.string
                translations.setdefault((message.context, first), {})[app] = string
        differing += [
            f"  {language} {msgid!r}" + (f" (context {context!r})" if context else "") + f": {apps}"
            for (context, msgid), apps in translations.items()
            if len(set(apps.values())) > 1
        ]
    assert not differing, (
        "translated differently by several apps (only one wins): align the catalogues on one "
        "wording, or, where the word must differ by use, give the message a context "
        '(pgettext_lazy("invoice status", "…"), {% translate "…" context "…" %}):\n'
        + "\n".join(differing)
    )
