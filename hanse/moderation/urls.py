from django.urls import path

from hanse.moderation import views

app_name = "moderation"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("report/<slug:kind>/<int:object_id>/", views.report, name="report"),
    path("case/<slug:kind>/<int:object_id>/", views.case, name="case"),
    path("case/<slug:kind>/<int:object_id>/<slug:action>/", views.case_act, name="act"),
    path("suspensions/<int:suspension_id>/lift/", views.suspension_lift, name="lift"),
    path("suspended/", views.suspended, name="suspended"),
]
