"""The rules of notify() and the on_* hooks the stream and communities call."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from hanse.communities.models import Community
from hanse.communities.services import membership_leave
from hanse.core.errors import ServiceError
from hanse.notifications import registry, selectors, services
from hanse.notifications.models import (
    CommunityNotificationSetting,
    DeliverySettings,
    Notification,
    NotificationActor,
    NotificationPreference,
)
from hanse.posts import notifications as hooks

pytestmark = pytest.mark.django_db


def test_mention_in_post_notifies_the_mentioned_person(people: Any, make_post: Callable) -> None:
    """A mention creates one unread notification with the author as actor."""
    post = make_post(people["anna"], "Hallo @ben", mentions=(people["ben"],))
    made = hooks.on_post_created(post)
    assert len(made) == 1
    n = Notification.objects.get()
    assert (n.recipient, n.type, n.actor, n.post, n.read_at) == (
        people["ben"],
        "mention",
        people["anna"],
        post,
        None,
    )
    assert n.email_state == "pending"
    assert n.push_state == "pending"


def test_own_actions_are_never_notified(people: Any, make_post: Callable) -> None:
    """Mentioning yourself does nothing."""
    post = make_post(people["anna"], "@anna_s", mentions=(people["anna"],))
    assert hooks.on_post_created(post) == []
    assert not Notification.objects.exists()


def test_comment_on_own_post_notifies_nobody(
    people: Any, make_post: Callable, make_comment: Callable
) -> None:
    """The post's author commenting on it tells nobody."""
    post = make_post(people["anna"])
    hooks.on_comment_created(make_comment(post, people["anna"]))
    assert not Notification.objects.exists()


def test_reply_notifies_comment_author_and_post_author_once_each(
    people: Any, make_post: Callable, make_comment: Callable
) -> None:
    """A reply tells the comment's author and the post's author, each once."""
    post = make_post(people["anna"])
    parent = make_comment(post, people["ben"])
    hooks.on_comment_created(make_comment(post, people["cem"], parent=parent))
    got = set(Notification.objects.values_list("recipient__username", "type"))
    assert got == {("ben", "reply_to_comment"), ("anna_s", "reply_to_post")}


def test_mentioned_post_author_gets_only_the_mention(
    people: Any, make_post: Callable, make_comment: Callable
) -> None:
    """One event, one notification per person: a mention wins over a reply."""
    post = make_post(people["anna"])
    hooks.on_comment_created(make_comment(post, people["ben"], mentions=(people["anna"],)))
    assert list(Notification.objects.values_list("type", flat=True)) == ["mention"]


def test_reactions_collapse_into_one_grouped_notification(
    people: Any, make_post: Callable, react: Callable
) -> None:
    """Reactions to one post collapse: the count and the actors grow, the text groups them."""
    post = make_post(people["dora"], "Unser neues Filialkonzept ist da")
    hooks.on_reaction_added(react(people["ben"], post=post))
    hooks.on_reaction_added(react(people["cem"], post=post))
    hooks.on_reaction_added(react(people["anna"], post=post))
    n = Notification.objects.get()
    assert n.count == 3
    assert n.actor == people["anna"]
    assert NotificationActor.objects.filter(notification=n).count() == 3
    assert n.updated_at > n.created_at
    text = registry.get("reaction").render(n)
    assert text.title == (
        "Anna Schmidt and 2 others reacted to your post “Unser neues Filialkonzept ist da”"
    )


def test_same_person_reacting_twice_is_counted_once(
    people: Any, make_post: Callable, react: Callable
) -> None:
    """Two kinds of reaction by one person do not make "Ben and 1 other"."""
    post = make_post(people["dora"], "Text")
    hooks.on_reaction_added(react(people["ben"], post=post, kind="like"))
    hooks.on_reaction_added(react(people["ben"], post=post, kind="celebrate"))
    n = Notification.objects.get()
    assert n.count == 1
    assert registry.get("reaction").render(n).title == "Ben Meyer reacted to your post “Text”"


def test_read_group_starts_a_new_one(people: Any, make_post: Callable, react: Callable) -> None:
    """After the group was read, the next reaction makes a new unread notification."""
    post = make_post(people["dora"])
    hooks.on_reaction_added(react(people["ben"], post=post))
    services.notifications_mark_all_read(user=people["dora"])
    hooks.on_reaction_added(react(people["cem"], post=post))
    assert Notification.objects.count() == 2
    assert Notification.objects.filter(read_at__isnull=True).get().actor == people["cem"]


def test_reactions_are_never_emailed_by_default(
    people: Any, make_post: Callable, react: Callable
) -> None:
    """Sensible defaults: reactions stay in the bell."""
    post = make_post(people["dora"])
    hooks.on_reaction_added(react(people["ben"], post=post))
    n = Notification.objects.get()
    assert (n.in_app, n.email_state, n.push_state) == (True, "none", "none")


def test_no_notification_about_what_the_recipient_cannot_see(
    people: Any, make_post: Callable, make_community: Callable
) -> None:
    """A mention in a private community of a non-member creates nothing."""
    club = make_community(Community.Kind.PRIVATE, owner=people["anna"])
    post = make_post(people["anna"], "@ben", community=club, mentions=(people["ben"],))
    assert hooks.on_post_created(post) == []
    assert not Notification.objects.exists()


def test_leaving_a_private_community_hides_its_notifications_at_once(
    people: Any,
    make_post: Callable,
    make_community: Callable,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Once the leave commits, the bell no longer counts or lists the community's
    notifications (the cached count is dropped by the membership_ended subscriber)."""
    club = make_community(Community.Kind.PRIVATE, owner=people["anna"], members=(people["ben"],))
    post = make_post(people["anna"], "@ben", community=club, mentions=(people["ben"],))
    hooks.on_post_created(post)
    assert selectors.unread_count(user=people["ben"]) == 1
    with django_capture_on_commit_callbacks(execute=True):
        membership_leave(community=club, user=people["ben"])
    assert selectors.unread_count(user=people["ben"]) == 0
    assert selectors.notifications_for(user=people["ben"]).items == []
    assert Notification.objects.count() == 1  # kept, just not shown: rejoining shows it again


def test_community_post_goes_to_all_posts_followers_who_are_members(
    people: Any, make_post: Callable, make_community: Callable
) -> None:
    """Only members with "all posts" hear of a new post; highlights (default) do not."""
    club = make_community(
        Community.Kind.OPEN, owner=people["anna"], members=(people["ben"], people["cem"])
    )
    services.community_setting_set(user=people["ben"], community=club, level="all_posts")
    post = make_post(people["anna"], "Neuigkeiten", community=club)
    hooks.on_post_created(post)
    assert list(Notification.objects.values_list("recipient__username", "type")) == [
        ("ben", "community_post")
    ]


def test_left_open_community_sends_no_more_posts(
    people: Any, make_post: Callable, make_community: Callable
) -> None:
    """Leaving an open community stops new-post notifications even though it stays readable."""
    club = make_community(Community.Kind.OPEN, owner=people["anna"], members=(people["ben"],))
    services.community_setting_set(user=people["ben"], community=club, level="all_posts")
    membership_leave(community=club, user=people["ben"])
    hooks.on_post_created(make_post(people["anna"], community=club))
    assert not Notification.objects.exists()


def test_mute_silences_a_community_but_not_news_about_my_membership(
    people: Any, make_post: Callable, make_community: Callable
) -> None:
    """Muted: no mentions from the community; a role change still arrives."""
    club = make_community(Community.Kind.OPEN, owner=people["anna"], members=(people["ben"],))
    services.community_setting_set(user=people["ben"], community=club, level="mute")
    hooks.on_post_created(make_post(people["anna"], community=club, mentions=(people["ben"],)))
    assert not Notification.objects.exists()
    membership = club.memberships.get(user=people["ben"])
    membership.role = "moderator"
    services.on_role_changed(membership, people["anna"])
    n = Notification.objects.get()
    assert registry.get(n.type).render(n).title == (
        f"Anna Schmidt changed your role in {club.name} to Moderator"
    )


def test_all_posts_requires_membership(people: Any, make_community: Callable) -> None:
    """Following all posts of a community one is not in is refused."""
    club = make_community(Community.Kind.OPEN, owner=people["anna"])
    with pytest.raises(ServiceError) as exc:
        services.community_setting_set(user=people["ben"], community=club, level="all_posts")
    assert str(exc.value.message) == "Join the community to be told about all its posts."
    assert not CommunityNotificationSetting.objects.exists()


def test_secret_community_setting_is_not_found_for_outsiders(
    people: Any, make_community: Callable
) -> None:
    """Outsiders cannot even mute a secret community: it does not exist for them."""
    club = make_community(Community.Kind.SECRET, owner=people["anna"])
    with pytest.raises(ServiceError) as exc:
        services.community_setting_set(user=people["ben"], community=club, level="mute")
    assert exc.value.status == 404


def test_highlights_is_stored_as_no_row(people: Any, make_community: Callable) -> None:
    """Going back to the default removes the row."""
    club = make_community(Community.Kind.OPEN, owner=people["anna"], members=(people["ben"],))
    services.community_setting_set(user=people["ben"], community=club, level="mute")
    services.community_setting_set(user=people["ben"], community=club, level="highlights")
    assert not CommunityNotificationSetting.objects.exists()


def test_all_channels_off_creates_nothing(people: Any, make_post: Callable) -> None:
    """With the bell, e-mail and push off for mentions, a mention creates nothing."""
    for channel in ("in_app", "email", "push"):
        services.preference_set(
            user=people["ben"], type_key="mention", channel=channel, enabled=False
        )
    hooks.on_post_created(make_post(people["anna"], mentions=(people["ben"],)))
    assert not Notification.objects.exists()


def test_bell_off_but_email_on_creates_a_hidden_row(people: Any, make_post: Callable) -> None:
    """Off in the app, on by e-mail: a row for the sender that the bell does not count."""
    services.preference_set(user=people["ben"], type_key="mention", channel="in_app", enabled=False)
    hooks.on_post_created(make_post(people["anna"], mentions=(people["ben"],)))
    n = Notification.objects.get()
    assert (n.in_app, n.email_state) == (False, "pending")
    assert selectors.unread_count(user=people["ben"]) == 0


def test_preference_equal_to_default_is_not_stored(people: Any) -> None:
    """Rows exist only where a person differs from the default."""
    services.preference_set(user=people["ben"], type_key="reaction", channel="email", enabled=True)
    assert NotificationPreference.objects.get().enabled is True
    services.preference_set(user=people["ben"], type_key="reaction", channel="email", enabled=False)
    assert not NotificationPreference.objects.exists()


def test_preference_unknown_type_is_refused(people: Any) -> None:
    """Unknown types and channels are refused with a clear message."""
    with pytest.raises(ServiceError) as exc:
        services.preference_set(user=people["ben"], type_key="nope", channel="email", enabled=True)
    assert str(exc.value.message) == "There is no such kind of notification."
    with pytest.raises(ServiceError) as exc:
        services.preference_set(user=people["ben"], type_key="mention", channel="fax", enabled=True)
    assert str(exc.value.message) == "There is no such channel."
    assert not NotificationPreference.objects.exists()


@pytest.mark.parametrize(
    ("frequency", "mention_state", "reply_state"),
    [
        ("daily", "pending", "digest"),
        ("weekly", "pending", "digest"),
        ("immediate", "pending", "none"),
        ("off", "none", "none"),
    ],
)
def test_email_state_follows_frequency_and_type(
    people: Any,
    make_post: Callable,
    make_comment: Callable,
    frequency: str,
    mention_state: str,
    reply_state: str,
) -> None:
    """Important types are e-mailed right away; others wait for the digest, if there is one."""
    services.delivery_settings_update(user=people["anna"], email_frequency=frequency)
    post = make_post(people["anna"])
    hooks.on_comment_created(make_comment(post, people["ben"]))
    other = make_post(people["ben"], mentions=(people["anna"],))
    hooks.on_post_created(other)
    states = dict(Notification.objects.values_list("type", "email_state"))
    assert states == {"reply_to_post": reply_state, "mention": mention_state}


def test_delivery_settings_validation(people: Any) -> None:
    """Half-set quiet hours, equal times and unknown time zones are refused; nothing saved."""
    from datetime import time

    with pytest.raises(ServiceError) as exc:
        services.delivery_settings_update(
            user=people["ben"], quiet_hours_start=time(22), quiet_hours_end=None
        )
    assert str(exc.value.message) == (
        "Give both the start and the end of your quiet hours, or neither."
    )
    with pytest.raises(ServiceError) as exc:
        services.delivery_settings_update(
            user=people["ben"], quiet_hours_start=time(8), quiet_hours_end=time(8)
        )
    assert str(exc.value.message) == "Quiet hours must start and end at different times."
    with pytest.raises(ServiceError) as exc:
        services.delivery_settings_update(user=people["ben"], timezone_name="Mars/Olympus")
    assert str(exc.value.message) == "Choose a valid time zone."
    with pytest.raises(ServiceError) as exc:
        services.delivery_settings_update(user=people["ben"], email_frequency="hourly")
    assert str(exc.value.message) == "Choose how often you want e-mail."
    assert not DeliverySettings.objects.exists()


def test_quiet_hours_across_midnight(people: Any) -> None:
    """20:00 to 07:00 Berlin time: 23:30 is quiet, 12:00 is not."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    berlin = ZoneInfo("Europe/Berlin")
    settings = selectors.delivery_settings_of(user=people["ben"])
    assert selectors.is_quiet_time(
        settings=settings, at=datetime(2026, 3, 2, 23, 30, tzinfo=berlin)
    )
    assert not selectors.is_quiet_time(
        settings=settings, at=datetime(2026, 3, 2, 12, tzinfo=berlin)
    )


def test_join_request_flow(people: Any, make_community: Callable) -> None:
    """Moderators hear of requests (grouped); the person hears the decision."""
    from hanse.communities.services import (
        join_request_approve,
        join_request_create,
        join_request_decline,
    )

    club = make_community(
        Community.Kind.PRIVATE, owner=people["anna"], moderators=(people["dora"],)
    )
    first = join_request_create(community=club, user=people["ben"])
    services.on_join_request_created(first)
    second = join_request_create(community=club, user=people["cem"])
    services.on_join_request_created(second)
    for_anna = Notification.objects.get(recipient=people["anna"])
    assert registry.get("join_request").render(for_anna).title == (
        f"Cem Yilmaz and 1 other asked to join {club.name}"
    )
    assert Notification.objects.filter(recipient=people["dora"], count=2).exists()
    services.on_join_request_decided(join_request_approve(request=first, by=people["dora"]))
    services.on_join_request_decided(join_request_decline(request=second, by=people["anna"]))
    ben = Notification.objects.get(recipient=people["ben"])
    cem = Notification.objects.get(recipient=people["cem"])
    assert (ben.type, cem.type) == ("join_request_approved", "join_request_declined")
    assert selectors.unread_count(user=people["cem"]) == 1  # private: listed, still shown


def test_invitation_to_secret_community_reaches_the_invitee(
    people: Any, make_community: Callable
) -> None:
    """The invitee of a secret community is told, though they cannot see it yet."""
    from hanse.communities.services import invitation_create

    club = make_community(Community.Kind.SECRET, owner=people["anna"])
    invitation = invitation_create(community=club, invitee=people["ben"], by=people["anna"])
    services.on_invitation_created(invitation)
    page = selectors.notifications_for(user=people["ben"])
    assert [item.text.title for item in page.items] == [
        f"Anna Schmidt invited you to join {club.name}"
    ]


def test_must_read_announcement_reaches_its_audience_only(people: Any, org: dict[str, Any]) -> None:
    """A must-read for one department reaches only the people in it (and below)."""
    from hanse.posts.models import Announcement

    people["ben"].org_unit = org["it_ops"]
    people["ben"].save(update_fields=["org_unit"])
    people["cem"].org_unit = org["moelln"]
    people["cem"].save(update_fields=["org_unit"])
    announcement = Announcement.objects.create(
        author=people["anna"],
        title="Neue Passwortregeln",
        body="Bitte lesen",
        is_draft=False,
        must_read=True,
        publish_at=timezone.now(),
    )
    announcement.audience_units.set([org["it"]])
    hooks.on_announcement_published(announcement)
    n = Notification.objects.get()
    assert n.recipient == people["ben"]
    assert registry.get(n.type).render(n).title == "Please read and confirm: “Neue Passwortregeln”"


def test_inactive_people_are_not_notified(people: Any, make_post: Callable) -> None:
    """Deactivated accounts get nothing."""
    people["ben"].is_active = False
    people["ben"].save(update_fields=["is_active"])
    hooks.on_post_created(make_post(people["anna"], mentions=(people["ben"],)))
    assert not Notification.objects.exists()


def test_mark_read_only_own(people: Any, make_post: Callable) -> None:
    """Marking someone else's notification is refused as not found."""
    hooks.on_post_created(make_post(people["anna"], mentions=(people["ben"],)))
    n = Notification.objects.get()
    with pytest.raises(ServiceError) as exc:
        services.notification_mark_read(notification=n, user=people["cem"])
    assert exc.value.status == 404
    n.refresh_from_db()
    assert n.read_at is None
    services.notification_mark_read(notification=n, user=people["ben"])
    n.refresh_from_db()
    assert n.read_at is not None


def test_bulk_community_post_runs_a_fixed_number_of_queries(
    people: Any, make_post: Callable, make_community: Callable
) -> None:
    """1,000 followers: created in a handful of queries, not one per person. (How fast is a
    bench's question, not a test's: bench/notifications.py prints it.)"""
    from hanse.communities.models import Membership
    from hanse.people.models import User

    club = make_community(Community.Kind.PRIVATE, owner=people["anna"])
    users = User.objects.bulk_create(
        [User(username=f"f{i}", email=f"f{i}@example.org", first_name="F") for i in range(1000)]
    )
    Membership.objects.bulk_create([Membership(community=club, user=u) for u in users])
    CommunityNotificationSetting.objects.bulk_create(
        [CommunityNotificationSetting(community=club, user=u, level="all_posts") for u in users]
    )
    post = make_post(people["anna"], "Für alle", community=club)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        made = hooks.on_post_created(post)
    inserts = [q for q in ctx.captured_queries if q["sql"].startswith("INSERT")]
    # Reading preferences, mutes and visibility: a few queries (visibility in UNIONs of 400).
    assert len(ctx.captured_queries) - len(inserts) <= 12
    # Inserting: one statement on PostgreSQL; SQLite caps a statement at 999 parameters, so
    # Django inserts in batches of about 50 rows there.
    fields = [f for f in Notification._meta.concrete_fields if not f.primary_key]
    batch = connection.ops.bulk_batch_size(fields, made) or 1000
    assert len(inserts) == -(-1000 // batch)
    assert len(made) == 1000
    assert Notification.objects.filter(type="community_post").count() == 1000
