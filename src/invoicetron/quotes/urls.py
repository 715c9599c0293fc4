"""The quote pages (mounted at /quotes/)."""

from django.urls import path

from invoicetron.quotes import views

app_name = "quotes"

urlpatterns = [
    path("", views.quote_list, name="list"),
    path("new/", views.create, name="new"),
    path("<int:pk>/", views.quote_detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/pdf/", views.quote_pdf, name="pdf"),
    path("<int:pk>/duplicate/", views.duplicate, name="duplicate"),
    path("<int:pk>/deposit/", views.request_deposit, name="deposit"),
    path("<int:pk>/<slug:action>/", views.act, name="act"),
]
