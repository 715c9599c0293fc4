"""The home page after sign-in: the dashboard and the latest invoices.

Its URL keeps the name `web:home` (the page frame links to it), given in invoicetron.urls."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from invoicetron.billing.models import BusinessProfile, Invoice, InvoiceStatus
from invoicetron.billing.services import business_today
from invoicetron.billing.views.invoices import LIST_FIELDS
from invoicetron.reports.views.dashboard import dashboard_context
from invoicetron.web.permissions import member_required

RECENT = 8


@member_required
def home(request: HttpRequest) -> HttpResponse:
    """A cheap overview: a few aggregate queries, whatever the number of invoices."""
    profile = BusinessProfile.load()
    today = business_today(profile)
    context = {
        "profile": profile,
        "today": today,
        "draft_count": Invoice.objects.filter(status=InvoiceStatus.DRAFT).count(),
        "recent": Invoice.objects.select_related("client").only(*LIST_FIELDS)[:RECENT],
    }
    # The reports app's dashboard (outstanding, overdue, paid, charts, aging, activity).
    context |= dashboard_context(profile)
    return render(request, "reports/home.html", context)
