from django.urls import path

from hanse.files import views

app_name = "files"

urlpatterns = [
    path("c/<slug:slug>/", views.library, name="library"),
    path("c/<slug:slug>/upload/", views.upload, name="upload"),
    path("c/<slug:slug>/folders/", views.folder_create, name="folder_create"),
    path("c/<slug:slug>/folders/delete/", views.folder_delete, name="folder_delete"),
    path("c/<slug:slug>/watch/", views.watch, name="watch"),
    path("<int:file_id>/", views.detail, name="detail"),
    path("<int:file_id>/versions/", views.version_upload, name="version_upload"),
    path("<int:file_id>/delete/", views.trash, name="trash"),
    path("<int:file_id>/v/<int:number>/thumb/", views.thumbnail, name="thumb"),
    path("<int:file_id>/v/<int:number>/<str:filename>", views.download, name="download"),
]
