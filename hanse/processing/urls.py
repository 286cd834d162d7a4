from django.urls import path

from hanse.processing import views

app_name = "processing"

urlpatterns = [
    path("", views.page, name="record"),
    path("record.json", views.download_json, name="json"),
    path("record.csv", views.download_csv, name="csv"),
]
