"""The site's URLs plus one view that fails, to see the 500 page as a visitor would."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

from invoicetron.urls import urlpatterns as site_patterns


def fails(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug in a view (test)")


urlpatterns = [path("test-only/fails/", fails), *site_patterns]
