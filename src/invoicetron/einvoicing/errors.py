"""Why a document cannot be an e-invoice, in words that say what to fill in and where.

Each text is kept as its English template (marked with `gettext_noop`) and its values, so that it
can be read in two languages: `message` is English (the API, logs and the worker's records keep
it), `translated()` is in the active language (the pages show it). The document itself is built
in its client's language, which is not necessarily the reader's: the translation happens when the
refusal is read, not when it is raised.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext, gettext_noop


def _render(template: str, values: Mapping[str, Any], *, translate: bool) -> str:
    """`template` % `values`: English, or (`translate`) in the active language, values included."""
    text = gettext(template) if translate else template
    shown = {
        name: value.translated() if translate and isinstance(value, Readable) else value
        for name, value in values.items()
    }
    return text % shown


class Readable:
    """A text read in English (`str`) or in the active language (`translated`)."""

    def translated(self) -> str:
        raise NotImplementedError


@dataclass(frozen=True)
class Missing(Readable):
    """One thing EN 16931 needs that the document lacks: what it is, and how to provide it.

    `what` and `fix` are English templates marked for translation; `values` fills their
    placeholders."""

    what: str  # "the client's country (BT-55)"
    fix: str  # "add it in Clients → edit"
    values: Mapping[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{_render(self.what, self.values, translate=False)}: {self.fix}"

    def translated(self) -> str:
        what = _render(self.what, self.values, translate=True)
        return gettext("%(what)s: %(fix)s") % {"what": what, "fix": gettext(self.fix)}


@dataclass(frozen=True)
class Gaps(Readable):
    """Several missing things, one after the other."""

    missing: tuple[Missing, ...]

    def __str__(self) -> str:
        return "; ".join(str(item) for item in self.missing)

    def translated(self) -> str:
        return "; ".join(item.translated() for item in self.missing)


class EInvoiceError(Exception):
    """The document cannot be written as an EN 16931 e-invoice; the message says why and what to
    do. `missing` lists each gap when there are several.

    `message`: an English template marked with `gettext_noop` (a `%` written `%%`), filled in
    with `values`."""

    def __init__(self, message: str, missing: Sequence[Missing] = (), **values: Any) -> None:
        self.template, self.values = message, values
        self.message = _render(message, values, translate=False)
        super().__init__(self.message)
        self.missing = tuple(missing)

    def translated(self) -> str:
        """The message in the active language (the reader's)."""
        return _render(self.template, self.values, translate=True)


def missing_error(document: str, missing: Sequence[Missing]) -> EInvoiceError:
    """One error naming every gap of `document` ("Invoice INV-2026-0001") at once.

    An issued document never changes: what is filled in now reaches the documents issued after.
    """
    return EInvoiceError(
        gettext_noop(
            "%(document)s cannot be an EN 16931 e-invoice. It lacks %(gaps)s. An issued document "
            "keeps what it was issued with: the documents issued after these are filled in "
            "carry them."
        ),
        missing,
        document=document,
        gaps=Gaps(tuple(missing)),
    )
