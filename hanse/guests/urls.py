from django.urls import path

from . import views

app_name = "guests"
urlpatterns = [
    path("invite/<slug:slug>/", views.invite, name="invite"),
    path("accept/<str:token>/", views.accept, name="accept"),
]
