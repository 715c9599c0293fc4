from django.urls import include, path

urlpatterns = [
    path("accounts/", include("invoicetron.accounts.urls")),
    path("p/", include("invoicetron.portal.urls")),  # public links: no sign-in
    path("", include("invoicetron.web.urls")),
    path("", include("invoicetron.reports.urls")),
]
