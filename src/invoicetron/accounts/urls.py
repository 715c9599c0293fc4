from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy
from django.views.i18n import set_language

from invoicetron.accounts import reset_views, two_factor_views, views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(
            template_name="accounts/password_change.html",
            success_url=reverse_lazy("accounts:password_changed"),
        ),
        name="password_change",
    ),
    path(
        "password/changed/",
        auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_changed.html"),
        name="password_changed",
    ),
    path("setup/", views.setup, name="setup"),
    path("settings/", views.profile, name="profile"),
    # The sign-in page's language switcher (Django's view: sets the language cookie).
    path("language/", set_language, name="set_language"),
    # Password reset by email (see password_reset.py).
    path("password/reset/", reset_views.ResetRequestView.as_view(), name="password_reset"),
    path("password/reset/sent/", reset_views.SentView.as_view(), name="password_reset_sent"),
    path(
        "password/reset/confirm/", reset_views.ConfirmView.as_view(), name="password_reset_confirm"
    ),
    path("password/reset/done/", reset_views.complete, name="password_reset_complete"),
    # Two-factor sign-in (see two_factor.py).
    path("login/code/", two_factor_views.login_code, name="login_code"),
    path("two-factor/", two_factor_views.two_factor_page, name="two_factor"),
    path("two-factor/policy/", two_factor_views.policy, name="two_factor_policy"),
]
