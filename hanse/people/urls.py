from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("org/", views.org_chart, name="org_chart"),
    path("org/<slug:slug>/", views.unit, name="unit"),
    path("me/edit/", views.profile_edit, name="profile_edit"),
    path("me/avatar/", views.avatar, name="avatar"),
    path("me/expert/", views.expert_preference, name="expert_preference"),
    path("<str:username>/", views.profile, name="profile"),
    path("<str:username>/follow/", views.follow, name="follow"),
    path("<str:username>/unfollow/", views.unfollow, name="unfollow"),
]
