from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from invoicetron.billing.models import OPEN_STATUSES, BusinessProfile, Invoice, InvoiceStatus
from invoicetron.billing.services import business_today
from invoicetron.billing.views.invoices import LIST_FIELDS

RECENT = 8


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """A cheap overview: a few aggregate queries, whatever the number of invoices."""
    profile = BusinessProfile.load()
    today = business_today(profile)
    open_invoices = Invoice.objects.filter(status__in=OPEN_STATUSES)
    outstanding = (
        open_invoices.values("currency")
        .annotate(
            due=Sum("balance_due"),
            overdue=Sum("balance_due", filter=Q(due_date__lt=today)),
            count=Count("id"),
        )
        .order_by("currency")
    )
    context = {
        "profile": profile,
        "today": today,
        "outstanding": list(outstanding),
        "overdue_count": Invoice.objects.overdue(today).count(),
        "draft_count": Invoice.objects.filter(status=InvoiceStatus.DRAFT).count(),
        "recent": Invoice.objects.select_related("client").only(*LIST_FIELDS)[:RECENT],
    }
    return render(request, "web/home.html", context)
