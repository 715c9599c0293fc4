"""Recurring invoices (/recurring/) and the owner's reminder and webhook settings."""

from django.urls import path

from invoicetron.automation.views import recurring, settings

app_name = "automation"

urlpatterns = [
    path("recurring/", recurring.schedule_list, name="recurring"),
    path("recurring/new/", recurring.create, name="schedule_new"),
    path("recurring/<int:pk>/", recurring.schedule_detail, name="schedule"),
    path("recurring/<int:pk>/edit/", recurring.edit, name="schedule_edit"),
    path("recurring/<int:pk>/pause/", recurring.pause, {"active": False}, name="schedule_pause"),
    path("recurring/<int:pk>/resume/", recurring.pause, {"active": True}, name="schedule_resume"),
    path("settings/reminders/", settings.reminders, name="reminders"),
    path("settings/reminders/new/", settings.reminder_form, name="reminder_new"),
    path("settings/reminders/<int:pk>/", settings.reminder_form, name="reminder_edit"),
    path("settings/reminders/<int:pk>/remove/", settings.reminder_delete, name="reminder_delete"),
    path("settings/webhooks/", settings.webhooks, name="webhooks"),
    path("settings/webhooks/new/", settings.webhook_form, name="webhook_new"),
    path("settings/webhooks/<int:pk>/", settings.webhook_detail, name="webhook"),
    path("settings/webhooks/<int:pk>/edit/", settings.webhook_form, name="webhook_edit"),
    path("settings/webhooks/<int:pk>/remove/", settings.webhook_delete, name="webhook_delete"),
    path(
        "settings/webhook-deliveries/<int:pk>/retry/", settings.webhook_retry, name="webhook_retry"
    ),
]
