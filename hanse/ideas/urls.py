from django.urls import path

from hanse.ideas import views

app_name = "ideas"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.idea_new, name="idea_new"),
    path("board/", views.board, name="board"),
    path("<int:idea_id>/", views.idea, name="idea"),
    path("<int:idea_id>/support/", views.idea_support, name="support"),
    path("<int:idea_id>/comment/", views.idea_comment, name="comment"),
    path("<int:idea_id>/status/", views.idea_status, name="status"),
    path("<int:idea_id>/merge/", views.idea_merge, name="merge"),
    path("<int:idea_id>/edit/", views.idea_edit, name="edit"),
    path("<int:idea_id>/coauthors/", views.idea_coauthors, name="coauthors"),
    path("<int:idea_id>/invitation/", views.idea_invitation, name="invitation"),
    path("files/<int:attachment_id>/thumb/", views.file_thumbnail, name="file_thumb"),
    path("files/<int:attachment_id>/<str:filename>", views.file_download, name="file"),
    path("campaigns/new/", views.campaign_new, name="campaign_new"),
    path("campaigns/<int:campaign_id>/", views.campaign, name="campaign"),
    path("experiments/", views.experiment_log, name="log"),
    path("experiments/new/", views.experiment_new, name="experiment_new"),
    path("experiments/<int:experiment_id>/", views.experiment, name="experiment"),
    path("experiments/<int:experiment_id>/update/", views.experiment_update, name="update"),
    path("experiments/<int:experiment_id>/close/", views.experiment_close, name="close"),
    path("experiments/<int:experiment_id>/edit/", views.experiment_edit, name="experiment_edit"),
    path("experiments/<int:experiment_id>/share/", views.experiment_share, name="share"),
]
