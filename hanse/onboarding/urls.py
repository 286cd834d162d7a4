from django.urls import path

from . import views

app_name = "onboarding"
urlpatterns = [
    path("", views.first_day, name="first_day"),
    path("dismiss/", views.dismiss, name="dismiss"),
]
