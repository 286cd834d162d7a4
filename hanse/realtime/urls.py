from django.urls import path

from hanse.realtime import views

app_name = "realtime"
urlpatterns = [path("presence/", views.presence_preference, name="presence")]
