from django.urls import path

from hanse.identity.hrimport import views

app_name = "hrimport"
urlpatterns = [
    path("", views.page, name="page"),
    path("<int:run_id>/", views.run_page, name="run"),
    path("<int:run_id>/status/", views.run_status, name="run_status"),
    path("<int:run_id>/confirm/", views.run_confirm, name="run_confirm"),
]
