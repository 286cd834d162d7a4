from django.urls import path

from hanse.chat import views

app_name = "chat"
urlpatterns = [
    path("", views.index, name="index"),
    path("browse/", views.browse, name="browse"),
    path("badge/", views.header_badge, name="badge"),
    path("new/", views.channel_new, name="channel_new"),
    path("dm/", views.dm_new, name="dm_new"),
    path("community/<slug:slug>/", views.community, name="community"),
    path("community/<slug:slug>/new/", views.community_channel_new, name="community_channel_new"),
    path("files/<int:attachment_id>/thumb/", views.file_thumbnail, name="file_thumb"),
    path("files/<int:attachment_id>/<str:filename>", views.file_download, name="file"),
    path("<int:channel_id>/", views.channel, name="channel"),
    path("<int:channel_id>/messages/", views.messages, name="messages"),
    path("<int:channel_id>/post/", views.post, name="post"),
    path("<int:channel_id>/read/", views.mark_read, name="read"),
    path("<int:channel_id>/thread/<int:message_id>/", views.thread, name="thread"),
    path("<int:channel_id>/search/", views.search, name="search"),
    path("<int:channel_id>/join/", views.join, name="join"),
    path("<int:channel_id>/leave/", views.leave, name="leave"),
    path("<int:channel_id>/mute/", views.mute, name="mute"),
    path("<int:channel_id>/topic/", views.topic, name="topic"),
    path("<int:channel_id>/members/", views.members, name="members"),
    path(
        "<int:channel_id>/members/<int:user_id>/remove/",
        views.member_remove,
        name="member_remove",
    ),
    path("<int:channel_id>/m/<int:message_id>/edit/", views.message_edit, name="message_edit"),
    path(
        "<int:channel_id>/m/<int:message_id>/delete/", views.message_delete, name="message_delete"
    ),
    path("<int:channel_id>/m/<int:message_id>/react/", views.message_react, name="message_react"),
]
