from django.urls import path

from hanse.files import views

app_name = "files"

urlpatterns = [
    path("c/<slug:slug>/", views.library, name="library"),
    path("c/<slug:slug>/upload/", views.upload, name="upload"),
    path("c/<slug:slug>/folders/", views.folder_create, name="folder_create"),
    path("c/<slug:slug>/folders/delete/", views.folder_delete, name="folder_delete"),
    path("c/<slug:slug>/watch/", views.watch, name="watch"),
    path("c/<slug:slug>/folders/move/", views.folder_move, name="folder_move"),
    path("c/<slug:slug>/folders/watch/", views.folder_watch, name="folder_watch"),
    path("c/<slug:slug>/all/", views.all_files, name="all_files"),
    path("c/<slug:slug>/bin/", views.bin_view, name="bin"),
    path("c/<slug:slug>/bin/<int:file_id>/restore/", views.bin_restore, name="bin_restore"),
    path("c/<slug:slug>/bin/<int:file_id>/purge/", views.bin_purge, name="bin_purge"),
    path("<int:file_id>/", views.detail, name="detail"),
    path("<int:file_id>/versions/", views.version_upload, name="version_upload"),
    path("<int:file_id>/delete/", views.trash, name="trash"),
    path("<int:file_id>/v/<int:number>/thumb/", views.thumbnail, name="thumb"),
    path("<int:file_id>/v/<int:number>/preview/", views.preview, name="preview"),
    path("<int:file_id>/v/<int:number>/view/<str:filename>", views.view_pdf, name="view_pdf"),
    path("<int:file_id>/v/<int:number>/<str:filename>", views.download, name="download"),
]
