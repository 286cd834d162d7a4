from django.urls import path

from hanse.wiki import views

app_name = "wiki"

urlpatterns = [
    path("", views.company_index, name="company"),
    path("new/", views.page_new, name="new"),
    path("c/<slug:slug>/", views.community_index, name="community"),
    path("c/<slug:slug>/settings/", views.wiki_settings, name="settings"),
    path("<int:page_id>/", views.page_detail, name="page"),
    path("<int:page_id>/edit/", views.page_edit, name="edit"),
    path("images/<int:image_id>/<str:filename>", views.page_image, name="image"),
    path("<int:page_id>/images/", views.page_images_upload, name="images"),
    path("<int:page_id>/newer/", views.page_newer, name="newer"),
    path("<int:page_id>/history/", views.page_history, name="history"),
    path("<int:page_id>/diff/", views.page_diff, name="diff"),
    path("<int:page_id>/revisions/<int:number>/", views.revision_detail, name="revision"),
    path(
        "<int:page_id>/revisions/<int:number>/restore/",
        views.revision_restore,
        name="restore",
    ),
    path("<int:page_id>/reviewed/", views.page_reviewed, name="reviewed"),
    path("<int:page_id>/watch/", views.page_watch, name="watch"),
    path("<int:page_id>/delete/", views.page_delete, name="delete"),
]
