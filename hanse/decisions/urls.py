from django.urls import path

from hanse.decisions import views

app_name = "decisions"

urlpatterns = [
    path("", views.log, name="log"),
    path("c/<slug:slug>/", views.log, name="community_log"),
    path("new/", views.proposal_new, name="proposal_new"),
    path("<int:proposal_id>/", views.proposal, name="proposal"),
    path("<int:proposal_id>/respond/", views.respond, name="respond"),
    path("<int:proposal_id>/amend/", views.amend, name="amend"),
    path("<int:proposal_id>/decide/", views.decide, name="decide"),
    path("<int:proposal_id>/files/", views.attach, name="attach"),
    path("files/<int:attachment_id>/delete/", views.file_delete, name="file_delete"),
    path("files/<int:attachment_id>/thumb/", views.file_thumbnail, name="file_thumb"),
    path("files/<int:attachment_id>/<str:filename>", views.file_download, name="file"),
]
