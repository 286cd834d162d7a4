"""Reminders: a day and an hour before, once, as each person chose."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from hanse.events.models import ReminderSetting
from hanse.events.services.events import occurrence_cancel
from hanse.events.services.rsvps import reminder_setting_set, rsvp_set
from hanse.events.tasks import send_event_reminders
from hanse.jobs import scheduler
from hanse.notifications.models import Notification
from tests.events.helpers import make_event, notified, on_commit_now  # noqa: F401


def test_job_is_scheduled_every_five_minutes():
    """The reminders job is in the scheduler's list."""
    (job,) = [s for s in scheduler.SCHEDULES if s.name == "events.reminders"]
    assert job.every == timedelta(minutes=5)
    assert job.task == "hanse.events.tasks.send_event_reminders"


def test_day_and_hour_reminders_once_and_by_preference(make_user):
    """Going and maybe are reminded once per window; opting out of a kind is respected."""
    org, going, maybe, no, quiet = (make_user() for _ in range(5))
    now = timezone.now()
    tomorrow = make_event(org, start=now + timedelta(hours=23, minutes=30), title="Morgen")
    soon = make_event(org, start=now + timedelta(minutes=45), title="Gleich")
    later = make_event(org, start=now + timedelta(hours=5), title="Später")
    for event in (tomorrow, soon, later):
        for person, status in (
            (going, "going"),
            (maybe, "maybe"),
            (no, "not_going"),
            (quiet, "going"),
        ):
            rsvp_set(event=event, recurrence_id=event.start, user=person, status=status)
    reminder_setting_set(user=quiet, day_before=False, hour_before=True)
    assert send_event_reminders.call() == 5
    day = Notification.objects.filter(type="event_reminder", data__kind="day")
    hour = Notification.objects.filter(type="event_reminder", data__kind="hour")
    assert {n.recipient.username for n in day} == {going.username, maybe.username}
    assert {n.recipient.username for n in hour} == {going.username, maybe.username, quiet.username}
    assert send_event_reminders.call() == 0
    assert Notification.objects.filter(type="event_reminder").count() == 5
    assert ReminderSetting.objects.get(user=quiet).day_before is False
    n = day.get(recipient=going)
    from hanse.notifications.registry import render_for

    assert render_for(n).title.startswith("Tomorrow: “Morgen”")


def test_cancelled_occurrence_not_reminded(make_user):
    """No reminder for a cancelled occurrence."""
    org, anna = make_user(), make_user()
    start = timezone.now() + timedelta(minutes=50)
    event = make_event(org, start=start, rrule="FREQ=WEEKLY;COUNT=2")
    rsvp_set(event=event, recurrence_id=event.start, user=anna, status="going")
    occurrence_cancel(event=event, recurrence_id=event.start, by=org)
    send_event_reminders.call()
    assert notified("event_reminder") == set()
