from django.urls import path

from . import views

app_name = "communities"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("new/", views.create, name="create"),
    path("invitations/<int:pk>/accept/", views.invitation_accept, name="invitation_accept"),
    path("invitations/<int:pk>/decline/", views.invitation_decline, name="invitation_decline"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/about/", views.about, name="about"),
    path("<slug:slug>/members/", views.members, name="members"),
    path("<slug:slug>/members/<str:username>/role/", views.member_role, name="member_role"),
    path("<slug:slug>/members/<str:username>/remove/", views.member_remove, name="member_remove"),
    path("<slug:slug>/owner/", views.appoint_owner, name="appoint_owner"),
    path(
        "<slug:slug>/owner/suggestions/",
        views.appoint_owner_suggestions,
        name="appoint_owner_suggestions",
    ),
    path("<slug:slug>/join/", views.join, name="join"),
    path("<slug:slug>/leave/", views.leave, name="leave"),
    path("<slug:slug>/request/", views.request_join, name="request_join"),
    path("<slug:slug>/request/withdraw/", views.request_withdraw, name="request_withdraw"),
    path("<slug:slug>/requests/", views.requests, name="requests"),
    path("<slug:slug>/requests/<int:pk>/approve/", views.request_approve, name="request_approve"),
    path("<slug:slug>/requests/<int:pk>/decline/", views.request_decline, name="request_decline"),
    path("<slug:slug>/invite/", views.invite, name="invite"),
    path("<slug:slug>/invite/suggestions/", views.invite_suggestions, name="invite_suggestions"),
    path(
        "<slug:slug>/invitations/<int:pk>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("<slug:slug>/settings/", views.settings_view, name="settings"),
    path("<slug:slug>/delete/", views.delete, name="delete"),
]
