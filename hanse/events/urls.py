from django.urls import path

from . import views

app_name = "events"
urlpatterns = [
    path("", views.calendar, name="calendar"),
    path("upcoming/", views.upcoming, name="upcoming"),
    path("mine/", views.mine, name="mine"),
    path("new/", views.create, name="create"),
    path("subscription/", views.subscription, name="subscription"),
    # The personal feed: the secret in the address authenticates, no session is needed.
    path("ical/<str:token>.ics", views.feed, name="feed"),
    path("communities/<slug:slug>/", views.community_events, name="community"),
    path("<int:event_id>/", views.detail, name="detail"),
    path("<int:event_id>/edit/", views.edit, name="edit"),
    path("<int:event_id>/cancel/", views.cancel, name="cancel"),
    path("<int:event_id>/rsvp/", views.rsvp, name="rsvp"),
    path("<int:event_id>/date/edit/", views.occurrence_edit, name="occurrence_edit"),
    path("<int:event_id>/date/cancel/", views.occurrence_cancel, name="occurrence_cancel"),
    path("<int:event_id>/attendees.csv", views.attendees_csv, name="attendees_csv"),
    path("<int:event_id>/event.ics", views.event_ics, name="ics"),
    path("<int:event_id>/cover/", views.cover, name="cover"),
    path("<int:event_id>/notes/", views.notes, name="notes"),
]
