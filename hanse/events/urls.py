from django.urls import path

from .views import calendars, editing, pages, subscriptions

app_name = "events"
urlpatterns = [
    path("", calendars.calendar, name="calendar"),
    path("upcoming/", calendars.upcoming, name="upcoming"),
    path("mine/", calendars.mine, name="mine"),
    path("new/", editing.create, name="create"),
    path("subscription/", subscriptions.subscription, name="subscription"),
    # The personal feed: the secret in the address authenticates, no session is needed.
    path("ical/<str:token>.ics", subscriptions.feed, name="feed"),
    path("communities/<slug:slug>/", calendars.community_events, name="community"),
    path("<int:event_id>/", pages.detail, name="detail"),
    path("<int:event_id>/edit/", editing.edit, name="edit"),
    path("<int:event_id>/cancel/", editing.cancel, name="cancel"),
    path("<int:event_id>/rsvp/", pages.rsvp, name="rsvp"),
    path("<int:event_id>/date/edit/", editing.occurrence_edit, name="occurrence_edit"),
    path("<int:event_id>/date/cancel/", editing.occurrence_cancel, name="occurrence_cancel"),
    path("<int:event_id>/attendees.csv", pages.attendees_csv, name="attendees_csv"),
    path("<int:event_id>/event.ics", pages.event_ics, name="ics"),
    path("<int:event_id>/cover/", pages.cover, name="cover"),
    path("<int:event_id>/notes/", editing.notes, name="notes"),
]
