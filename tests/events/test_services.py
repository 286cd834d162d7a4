"""Services: permissions, capacity and waiting list, notifications, refusals."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from hanse.core.errors import PermissionRefused, ServiceError
from hanse.events.models import CalendarToken, Event, Rsvp
from hanse.events.services.calendars import (
    calendar_token_create,
    calendar_token_revoke,
    calendar_token_user,
)
from hanse.events.services.events import (
    event_cancel,
    event_set_notes,
    event_update,
    occurrence_cancel,
    occurrence_update,
)
from hanse.events.services.rsvps import rsvp_set
from tests.events.helpers import make_event, notified, on_commit_now, soon  # noqa: F401


def _refused(exc_type, message, fn, **kwargs):
    with pytest.raises(exc_type) as err:
        fn(**kwargs)
    assert str(err.value.message) == message
    return err.value


def test_create_company_wide_and_validation(make_user):
    """Any employee creates company-wide events; bad input is refused and nothing written."""
    anna = make_user()
    event = make_event(
        anna, capacity=10, online_url="https://meet.example.org/x", description="**Hallo**"
    )
    assert event.organiser == anna
    assert "<strong>Hallo</strong>" in event.description_html
    for fields, message in [
        ({"title": "  "}, "Please give the event a title."),
        ({"end": soon() - timedelta(hours=1)}, "The event must end after it starts."),
        (
            {"capacity": 0},
            "The number of places must be between 1 and 100000, or empty for no limit.",
        ),
        (
            {"online_url": "ftp://x"},
            "The online link must be a web address starting with https:// or http://.",
        ),
        ({"rrule": "FREQ=MINUTELY"}, "Events can repeat at most daily."),
        ({"time_zone": "Mars/Olympus"}, "This time zone is not known."),
    ]:
        with pytest.raises(ServiceError) as err:
            make_event(anna, **fields)
        assert str(err.value.message) == message
    assert Event.objects.count() == 1


def test_community_event_needs_membership(make_user, make_community):
    """Members may create events in their community; others may not."""
    owner, member, outsider = make_user(), make_user(), make_user()
    community = make_community("open", owner=owner, members=(member,))
    assert make_event(member, community=community).community == community
    with pytest.raises(PermissionRefused) as err:
        make_event(outsider, community=community)
    assert str(err.value.message) == "Only members of the community may create events in it."
    secret = make_community("secret", owner=owner)
    with pytest.raises(ServiceError) as err:
        make_event(outsider, community=secret)
    assert err.value.status == 404
    assert Event.objects.count() == 1


def test_who_may_change(make_user, make_community, admin_user):
    """Organisers, co-organisers, moderators and admins change; members may not."""
    owner, mod, member, helper = make_user(), make_user(), make_user(), make_user()
    community = make_community("private", owner=owner, moderators=(mod,), members=(member, helper))
    event = make_event(member, community=community, co_organisers=[helper])
    for person in (member, helper, mod, admin_user):
        event_update(event=event, by=person, title=f"By {person.username}")
    other = make_user()
    community_member = make_user()
    from hanse.communities.services import membership_add

    membership_add(community=community, user=community_member, role="member")
    _refused(
        PermissionRefused,
        "Only the organisers, the community's moderators and administrators may change this event.",
        event_update,
        event=event,
        by=community_member,
        title="x",
    )
    err = _refused(
        ServiceError, "This event does not exist.", event_update, event=event, by=other, title="x"
    )
    assert err.status == 404
    event.refresh_from_db()
    assert event.title == f"By {admin_user.username}"
    assert event.sequence == 4


def test_capacity_waitlist_and_promotion_order(make_user):
    """Beyond the places people wait in order; a free place goes to the first, who is told."""
    org, a, b, c, d = (make_user() for _ in range(5))
    event = make_event(org, capacity=2)
    rid = event.start
    statuses = [
        rsvp_set(event=event, recurrence_id=rid, user=p, status="going").status
        for p in (a, b, c, d)
    ]
    assert statuses == ["going", "going", "waitlist", "waitlist"]
    # Going again while waiting keeps the place in the line.
    assert rsvp_set(event=event, recurrence_id=rid, user=c, status="going").status == "waitlist"
    rsvp_set(event=event, recurrence_id=rid, user=a, status="not_going")
    assert Rsvp.objects.get(user=c).status == "going"
    assert Rsvp.objects.get(user=d).status == "waitlist"
    assert notified("waitlist_promoted") == {c.username}
    rsvp_set(event=event, recurrence_id=rid, user=b, status="maybe")
    assert Rsvp.objects.get(user=d).status == "going"
    assert notified("waitlist_promoted") == {c.username, d.username}
    # A newcomer waits although someone left the list: there is no place.
    assert rsvp_set(event=event, recurrence_id=rid, user=a, status="going").status == "waitlist"


def test_raising_capacity_promotes(make_user):
    """More places: the waiting list moves up at once."""
    org, a, b = make_user(), make_user(), make_user()
    event = make_event(org, capacity=1)
    for p in (a, b):
        rsvp_set(event=event, recurrence_id=event.start, user=p, status="going")
    event_update(event=event, by=org, capacity=2)
    assert Rsvp.objects.get(user=b).status == "going"
    assert notified("waitlist_promoted") == {b.username}


def test_rsvp_refusals(make_user, make_community):
    """Past, cancelled and invisible occurrences refuse answers; nothing is written."""
    org, anna, outsider = make_user(), make_user(), make_user()
    past = make_event(org, start=timezone.now() - timedelta(days=2))
    _refused(
        ServiceError,
        "This event is over; answers are closed.",
        rsvp_set,
        event=past,
        recurrence_id=past.start,
        user=anna,
        status="going",
    )
    series = make_event(org, rrule="FREQ=WEEKLY;COUNT=3")
    second = series.start + timedelta(days=7)
    occurrence_cancel(event=series, recurrence_id=second, by=org)
    _refused(
        ServiceError,
        "This date has been cancelled.",
        rsvp_set,
        event=series,
        recurrence_id=second,
        user=anna,
        status="going",
    )
    _refused(
        ServiceError,
        "This date is not part of the event.",
        rsvp_set,
        event=series,
        recurrence_id=second + timedelta(hours=1),
        user=anna,
        status="going",
    )
    _refused(
        ServiceError,
        "Please answer going, maybe or not going.",
        rsvp_set,
        event=series,
        recurrence_id=series.start,
        user=anna,
        status="waitlist",
    )
    community = make_community("private", owner=org)
    hidden = make_event(org, community=community)
    err = _refused(
        ServiceError,
        "This event does not exist.",
        rsvp_set,
        event=hidden,
        recurrence_id=hidden.start,
        user=outsider,
        status="going",
    )
    assert err.status == 404
    event_cancel(event=series, by=org)
    _refused(
        ServiceError,
        "This event has been cancelled.",
        rsvp_set,
        event=series,
        recurrence_id=series.start,
        user=anna,
        status="going",
    )
    assert Rsvp.objects.count() == 0


def test_change_notifies_going_and_maybe_only(make_user):
    """Time changes reach those going, maybe or waiting, never the organiser or 'not going'."""
    org, going, maybe, no = make_user(), make_user(), make_user(), make_user()
    event = make_event(org)
    for person, status in ((going, "going"), (maybe, "maybe"), (no, "not_going"), (org, "going")):
        rsvp_set(event=event, recurrence_id=event.start, user=person, status=status)
    event_update(event=event, by=org, title="Nur der Titel")
    assert notified("event_changed") == set()
    new_start = event.start + timedelta(hours=1)
    event_update(event=event, by=org, start=new_start, end=new_start + timedelta(hours=2))
    assert notified("event_changed") == {going.username, maybe.username}
    # The RSVPs follow the single event's new start.
    assert set(Rsvp.objects.values_list("occurrence", flat=True)) == {new_start}
    event_update(event=event, by=org, room="Raum 3")
    assert Rsvp.objects.filter(occurrence=new_start).count() == 4


def test_cancel_and_occurrence_notifications(make_user):
    """Cancelling or moving one occurrence tells its attendees only."""
    org, a, b = make_user(), make_user(), make_user()
    event = make_event(org, rrule="FREQ=WEEKLY;COUNT=3")
    first, second = event.start, event.start + timedelta(days=7)
    rsvp_set(event=event, recurrence_id=first, user=a, status="going")
    rsvp_set(event=event, recurrence_id=second, user=b, status="maybe")
    occurrence_update(event=event, recurrence_id=second, by=org, start=second + timedelta(days=1))
    assert notified("occurrence_moved") == {b.username}
    occurrence_cancel(event=event, recurrence_id=first, by=org)
    assert notified("occurrence_cancelled") == {a.username}
    _refused(
        ServiceError,
        "This date has been cancelled.",
        occurrence_cancel,
        event=event,
        recurrence_id=first,
        by=org,
    )
    event_cancel(event=event, by=org)
    assert notified("event_cancelled") == {b.username}
    _refused(
        ServiceError, "This event has already been cancelled.", event_cancel, event=event, by=org
    )


def test_past_occurrence_cannot_change(make_user):
    """Past occurrences are neither moved nor cancelled."""
    org = make_user()
    event = make_event(org, start=timezone.now() - timedelta(days=14), rrule="FREQ=WEEKLY")
    _refused(
        ServiceError,
        "This date is over and can no longer be changed.",
        occurrence_cancel,
        event=event,
        recurrence_id=event.start,
        by=org,
    )


def test_notifications_never_reach_those_who_cannot_see(make_user, make_community):
    """Someone who left a private community is not told about its event."""
    from hanse.communities.services import membership_leave

    owner, stays, leaves = make_user(), make_user(), make_user()
    community = make_community("private", owner=owner, members=(stays, leaves))
    event = make_event(owner, community=community)
    for person in (stays, leaves):
        rsvp_set(event=event, recurrence_id=event.start, user=person, status="going")
    membership_leave(community=community, user=leaves)
    event_cancel(event=event, by=owner)
    assert notified("event_cancelled") == {stays.username}


def test_calendar_tokens(make_user):
    """Shown once, stored hashed, revocable; unknown or revoked tokens give nobody."""
    anna, ben = make_user(), make_user()
    raw = calendar_token_create(user=anna)
    token = CalendarToken.objects.get()
    assert raw.startswith("hcal_") and raw not in token.token_hash
    assert calendar_token_user(raw) == anna
    assert calendar_token_user("hcal_wrong") is None
    assert calendar_token_user("") is None
    _refused(
        ServiceError,
        "This calendar subscription does not exist.",
        calendar_token_revoke,
        user=ben,
        token_id=token.pk,
    )
    calendar_token_revoke(user=anna, token_id=token.pk)
    assert calendar_token_user(raw) is None
    anna.is_active = False
    anna.save()
    assert calendar_token_user(calendar_token_create(user=ben)) == ben


def test_notes_post(make_user, make_community):
    """The notes post must be in the event's community; organisers link it."""
    from hanse.posts.models import Post

    owner, member = make_user(), make_user()
    community = make_community("open", owner=owner, members=(member,))
    event = make_event(owner, community=community)
    post = Post.objects.create(author=owner, body="Notizen", scope="community", community=community)
    elsewhere = Post.objects.create(author=owner, body="Anderswo", scope="company")
    _refused(
        ServiceError,
        "The notes must be a post in the event's community.",
        event_set_notes,
        event=event,
        by=owner,
        post=elsewhere,
    )
    _refused(
        PermissionRefused,
        "Only the organisers, the community's moderators and administrators may change this event.",
        event_set_notes,
        event=event,
        by=member,
        post=post,
    )
    event_set_notes(event=event, by=owner, post=post)
    event.refresh_from_db()
    assert event.notes_post == post
