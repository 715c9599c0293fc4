"""The owner's user management (list, new user, a user's UI language), among the settings pages
(mounted at settings/users/)."""

from django.urls import path

from invoicetron.accounts import user_views

app_name = "users"

urlpatterns = [
    path("", user_views.user_list, name="list"),
    path("new/", user_views.create, name="new"),
    # Before "change": its <slug:action> would match "language" too.
    path("<int:pk>/language/", user_views.language, name="language"),
    path("<int:pk>/<slug:action>/", user_views.change, name="change"),
]
