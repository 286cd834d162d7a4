from django.urls import path

from hanse.participation import views

app_name = "participation"

urlpatterns = [
    path("polls/new/", views.poll_new, name="poll_new"),
    path("polls/<int:poll_id>/", views.poll, name="poll"),
    path("polls/<int:poll_id>/vote/", views.vote, name="vote"),
    path("polls/<int:poll_id>/close/", views.close, name="close"),
    path("polls/<int:poll_id>/remind/", views.remind, name="remind"),
    path("polls/<int:poll_id>/export.csv", views.export, name="export"),
]
