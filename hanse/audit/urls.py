from django.urls import path

from hanse.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.log, name="log"),
    path("export.jsonl", views.export, name="export"),
]
