from django.urls import include, path

from invoicetron.api.main import api

urlpatterns = [
    path("accounts/", include("invoicetron.accounts.urls")),
    path("accounts/tokens/", include("invoicetron.api.urls")),
    path("api/", api.urls),
    path("p/", include("invoicetron.portal.urls")),  # public links: no sign-in
    path("", include("invoicetron.web.urls")),
    path("", include("invoicetron.billing.urls")),
    path("", include("invoicetron.reports.urls")),
    path("quotes/", include("invoicetron.quotes.urls")),
    path("", include("invoicetron.messaging.urls")),
    path("", include("invoicetron.automation.urls")),
]

# A database outage met by middleware (outside any view) is still a 503, see health.middleware.
handler500 = "invoicetron.health.middleware.server_error"
