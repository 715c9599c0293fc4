"""Products and services: what the business sells, with a price and default taxes."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from invoicetron.accounts.acting import acting_user
from invoicetron.billing import services
from invoicetron.billing.forms.parties import ProductForm
from invoicetron.billing.models import Product
from invoicetron.web.errors import place_errors
from invoicetron.web.lists import paginate, search_text
from invoicetron.web.permissions import member_required


@member_required
def product_list(request: HttpRequest) -> HttpResponse:
    search, search_error = search_text(request)
    archived = request.GET.get("archived") == "1"
    products = Product.objects.filter(archived=archived).prefetch_related("default_taxes")
    if search_error:
        products = products.none()
    elif search:
        products = products.filter(name__icontains=search)
    context = {"page": paginate(request, products), "q": search, "archived": archived}
    context |= {"search_error": search_error}
    return render(
        request, "billing/products/list.html", context, status=400 if search_error else 200
    )


def _page(request: HttpRequest, product: Product | None) -> HttpResponse:
    form = ProductForm(request.POST or None, instance=product)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_record(
                form.save(commit=False),
                by=acting_user(request),
                m2m={"default_taxes": form.cleaned_data["default_taxes"]},
            )
        except ValidationError as error:
            errors = place_errors(error, form)
        else:
            messages.success(request, _("%(name)s is saved.") % {"name": saved.name})
            return redirect("billing:products")
    status = 400 if request.method == "POST" else 200
    context = {"product": product, "form": form, "errors": errors}
    return render(request, "billing/products/form.html", context, status=status)


@member_required
def create(request: HttpRequest) -> HttpResponse:
    return _page(request, None)


@member_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, get_object_or_404(Product, pk=pk))


@require_POST
@member_required
def archive(request: HttpRequest, pk: int) -> HttpResponse:
    """Archive (or restore) a product: past invoices keep their own copy of its lines."""
    product = get_object_or_404(Product, pk=pk)
    product.archived = not product.archived
    services.save_record(product, by=acting_user(request))
    done = _("%(name)s is archived.") if product.archived else _("%(name)s is restored.")
    messages.success(request, done % {"name": product.name})
    return redirect("billing:products")
