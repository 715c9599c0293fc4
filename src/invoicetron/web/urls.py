from django.urls import path

from invoicetron.ops.bench_floor import floor_patterns
from invoicetron.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    *floor_patterns(),  # only with INVOICETRON_BENCH_FLOOR=1 (make bench)
]
