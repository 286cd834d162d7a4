from django.urls import path

from hanse.jobs import views

app_name = "jobs"
urlpatterns = [
    path("", views.operator_page, name="operator"),
    path(
        "tasks/<str:task_id>/<str:action>/",
        views.task_action,
        name="task_action",
    ),
]
