from django.urls import path

from invoicetron.portal import views

app_name = "portal"

urlpatterns = [
    path("<str:token>/", views.document_page, name="document"),
    path("<str:token>/pdf", views.document_pdf, name="pdf"),
    path("<str:token>/<str:decision>", views.decide, name="decide"),
]
