"""Email and public-link actions on documents, and the email templates in the settings."""

from django.urls import path

from invoicetron.messaging import template_views, views

app_name = "messaging"

urlpatterns = [
    path("documents/<slug:slug>/<int:pk>/email/", views.send, name="send"),
    path("documents/<slug:slug>/<int:pk>/links/", views.new_link, name="new_link"),
    path("emails/<int:pk>/retry/", views.retry, name="retry"),
    path("links/<int:pk>/revoke/", views.revoke, name="revoke"),
    path("settings/emails/", template_views.template_list, name="templates"),
    path("settings/emails/<slug:kind>/", template_views.template_form, name="template"),
]
