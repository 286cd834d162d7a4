from django.urls import path

from hanse.privacy import views

app_name = "privacy"
urlpatterns = [
    path("export/", views.export, name="export"),
    path("export/status/", views.export_status, name="export_status"),
    path("export/<int:export_id>/download/", views.export_download, name="export_download"),
    path("erasure/", views.erasure_find, name="erasure_find"),
    path("erasure/person/<str:username>/", views.erasure_confirm, name="erasure_confirm"),
    path("erasure/<int:erasure_id>/", views.erasure_status, name="erasure_status"),
]
