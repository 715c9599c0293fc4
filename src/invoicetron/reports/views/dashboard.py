"""The dashboard page (also shown as the home page after sign-in)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from invoicetron.billing.models import BusinessProfile
from invoicetron.reports.charts import aging_bars, month_chart
from invoicetron.reports.dashboard import build_dashboard
from invoicetron.web.permissions import member_required


def dashboard_context(profile: BusinessProfile | None = None) -> dict[str, Any]:
    """Everything the dashboard template needs (include "reports/_dashboard.html")."""
    figures = build_dashboard(profile)
    return {
        "dash": figures,
        "month_chart": month_chart(figures.months, figures.base.currency),
        "aging_bars": aging_bars(figures.aging),
    }


@member_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "reports/dashboard.html", dashboard_context())
