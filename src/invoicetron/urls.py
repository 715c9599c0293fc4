from django.urls import include, path

from invoicetron.api.main import api
from invoicetron.ops.bench_floor import floor_patterns
from invoicetron.reports.views.home import home

# The page frame (web, the UI kit) links to "web:home"; the dashboard serves it.
home_page = ([path("", home, name="home")], "web")

urlpatterns = [
    path("accounts/", include("invoicetron.accounts.urls")),
    path("accounts/tokens/", include("invoicetron.api.urls")),
    path("api/", api.urls),
    path("p/", include("invoicetron.portal.urls")),  # public links: no sign-in
    path("", include(home_page)),
    *floor_patterns(),  # only with INVOICETRON_BENCH_FLOOR=1 (make bench)
    path("", include("invoicetron.billing.urls")),
    path("", include("invoicetron.einvoicing.urls")),
    # After billing's settings pages, as before the user pages moved to accounts.
    path("settings/users/", include("invoicetron.accounts.user_urls")),
    path("", include("invoicetron.reports.urls")),
    path("quotes/", include("invoicetron.quotes.urls")),
    path("", include("invoicetron.messaging.urls")),
    path("", include("invoicetron.automation.urls")),
]

# A database outage met by middleware (outside any view) is still a 503, see health.middleware.
handler500 = "invoicetron.health.middleware.server_error"
