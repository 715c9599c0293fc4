"""The benchmark's floor: a bare Django view, served only when INVOICETRON_BENCH_FLOOR=1.

`make bench` measures every page as a ratio to this view, which runs the whole middleware stack
but touches neither the database nor a template: what Django itself costs on this server. Off by
default, so production never exposes it.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path

from invoicetron.envconfig import Env

FLOOR_PATH = "bench/floor/"


def floor(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")


def floor_patterns() -> list[URLPattern]:
    if not Env().flag("INVOICETRON_BENCH_FLOOR", default=False):
        return []
    return [path(FLOOR_PATH, floor, name="bench_floor")]
