from django.urls import include, path

urlpatterns = [
    path("accounts/", include("invoicetron.accounts.urls")),
    path("", include("invoicetron.web.urls")),
    path("", include("invoicetron.reports.urls")),
]
