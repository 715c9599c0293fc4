"""Template tags of the billing pages.

Fast paths: the few tags below write HTML in Python, with `format_html` (which escapes every
value), because the template engine took a measured share of a benchmarked page (`make bench`,
bench/run.py's "invoice list" and "invoice page" rows; how each was measured is in
bench/results/2026-11-26-performance-notes.md, fixes 6, 9 and 10). Every other piece of HTML is
a template. Each fast path has a template twin that writes the same HTML from the same context;
tests/billing_ui/test_fast_paths.py renders both with hostile values (markup, quotes,
ampersands, non-ASCII) and compares them, and fails on a `format_html` or `mark_safe` in a
module not listed here. A new fast path needs a benchmark figure, a twin and an entry here; a
change to one changes its twin too.
"""

from __future__ import annotations

from typing import NamedTuple


class FastPath(NamedTuple):
    tag: str  # the tag or filter
    library: str  # its module
    twin: str  # the template that writes the same HTML from the same context
    page: str  # the benchmark row (bench/run.py `pages`) that shows it matters
    measured: str  # what the template cost there, and what the tag costs


FAST_PATHS: tuple[FastPath, ...] = (
    FastPath(
        "invoice_rows",
        "invoicetron.billing.templatetags.invoice_list",
        "billing/twins/invoice_rows.html",
        "invoice list",
        "25 rows: Python CPU 9.3 → 6 to 7 ms a request (fix 10)",
    ),
    FastPath(
        "status_badge",
        "invoicetron.billing.templatetags.billing",
        "billing/twins/status_badge.html",
        "invoice list",
        "an include per row: list CPU 24.5 → 15.5 ms a page, with the row changes (fix 6)",
    ),
    FastPath(
        "filter_fields",
        "invoicetron.billing.templatetags.billing",
        "billing/twins/filter_fields.html",
        "invoice list",
        "the filter form 1.5 → 0.25 ms; list p50 11.6 → 9.7 ms (fix 9)",
    ),
    FastPath(
        "trail_rows",
        "invoicetron.billing.templatetags.invoice_page",
        "billing/twins/trail_rows.html",
        "invoice page",
        "about 0.5 ms a history row in the template, 24 rows 2.2 ms with format_html (fix 10)",
    ),
    FastPath(
        "plain_form",
        "invoicetron.billing.templatetags.invoice_page",
        "web/_form.html",
        "invoice page",
        "the payment form about 1 ms in templates, a fraction written here (fix 10)",
    ),
)
