from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "invoicetron.portal"
    label = "portal"
    verbose_name = "Public links"

    def ready(self) -> None:
        from invoicetron.messaging import documents
        from invoicetron.portal.services import email_link

        documents.set_link_maker(email_link)  # every email carries the client's own link
