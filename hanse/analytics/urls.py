from django.urls import path

from hanse.analytics import views

app_name = "analytics"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export/<slug:table>.csv", views.export, name="export"),
    path("about/", views.about, name="about"),
    path("me/", views.my_network, name="my_network"),
    path("settings/", views.switch, name="switch"),
]
