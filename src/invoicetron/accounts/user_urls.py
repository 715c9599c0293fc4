"""The owner's user management, among the settings pages (mounted at settings/users/)."""

from django.urls import path

from invoicetron.accounts import user_views

app_name = "users"

urlpatterns = [
    path("", user_views.user_list, name="list"),
    path("new/", user_views.create, name="new"),
    path("<int:pk>/<slug:action>/", user_views.change, name="change"),
]
