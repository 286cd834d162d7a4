from django.urls import path

from hanse.privacy import views

app_name = "privacy"
urlpatterns = [
    path("export/", views.export, name="export"),
    path("export/status/", views.export_status, name="export_status"),
    path("export/<int:export_id>/download/", views.export_download, name="export_download"),
]
