from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("org/", views.org_chart, name="org_chart"),
    path("me/edit/", views.profile_edit, name="profile_edit"),
    path("<str:username>/", views.profile, name="profile"),
]
