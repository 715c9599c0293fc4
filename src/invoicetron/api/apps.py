from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "invoicetron.api"
    label = "api"
    verbose_name = "REST API"

    def ready(self) -> None:
        from invoicetron.accounts.signals import user_deactivated
        from invoicetron.api.tokens import revoke_tokens_of_deactivated_user

        user_deactivated.connect(
            revoke_tokens_of_deactivated_user, dispatch_uid="api.revoke_tokens_of_deactivated_user"
        )
