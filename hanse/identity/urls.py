from django.urls import path

from hanse.identity import views

app_name = "identity"
# Mounted at allauth's own address for the sessions page (accounts/sessions/), in its place.
urlpatterns = [
    path("", views.sessions, name="sessions"),
    path("<int:session_id>/end/", views.session_end, name="session_end"),
    path("end-others/", views.sessions_end_others, name="sessions_end_others"),
]
