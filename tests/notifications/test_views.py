"""The pages: the bell partial, the list, click-through, mark read, the preferences."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from hanse.communities.models import Community
from hanse.notifications import services
from hanse.notifications.models import (
    CommunityNotificationSetting,
    DeliverySettings,
    Notification,
    NotificationPreference,
)
from hanse.posts import notifications as hooks

pytestmark = pytest.mark.django_db


def _mention(people: Any, make_post: Callable, who: str = "ben") -> Notification:
    post = make_post(people["anna"], "Schau mal", mentions=(people[who],))
    return hooks.on_post_created(post)[0]


def test_bell_partial_shows_the_count_with_a_label(
    people: Any, make_post: Callable, client_for: Callable
) -> None:
    """The bell says "Notifications, 1 unread" and polls every minute."""
    _mention(people, make_post)
    response = client_for(people["ben"]).get(reverse("notifications:bell"))
    html = response.content.decode()
    assert 'aria-label="Notifications, 1 unread"' in html
    assert 'hx-trigger="every 60s, hanse-live"' in html
    assert f'hx-get="{reverse("notifications:bell")}"' in html


def test_bell_tag_renders_for_the_header(people: Any, make_post: Callable) -> None:
    """{% notification_bell %} renders the bell for the signed-in person."""
    _mention(people, make_post)
    request = RequestFactory().get("/")
    request.user = people["ben"]
    html = Template("{% load notifications_tags %}{% notification_bell %}").render(
        Context({"request": request})
    )
    assert "Notifications, 1 unread" in html


def test_list_page_shows_grouped_text_and_unread_marker(
    people: Any,
    make_post: Callable,
    react: Callable,
    client_for: Callable,
    django_assert_max_num_queries: Any,
) -> None:
    """The list shows "Anna Schmidt and 1 other reacted …" and marks it unread."""
    post = make_post(people["ben"], "Frühstück in Mölln")
    hooks.on_reaction_added(react(people["cem"], post=post))
    hooks.on_reaction_added(react(people["anna"], post=post))
    client = client_for(people["ben"])
    with django_assert_max_num_queries(8):
        response = client.get(reverse("notifications:list"))
    html = response.content.decode()
    assert "Anna Schmidt and 1 other reacted to your post “Frühstück in Mölln”" in html
    assert "Unread:" in html
    assert "Mark all as read" in html


def test_open_marks_read_and_redirects_to_the_target(
    people: Any, make_post: Callable, client_for: Callable
) -> None:
    """Clicking a notification marks it read and goes to the post."""
    n = _mention(people, make_post)
    response = client_for(people["ben"]).get(reverse("notifications:open", args=[n.pk]))
    assert response.status_code == 302
    assert response["Location"] == f"/posts/{n.post_id}/"
    n.refresh_from_db()
    assert n.read_at is not None


def test_open_someone_elses_notification_is_404(
    people: Any, make_post: Callable, client_for: Callable
) -> None:
    """Another person's notification does not exist for me, and stays unread."""
    n = _mention(people, make_post)
    response = client_for(people["cem"]).get(reverse("notifications:open", args=[n.pk]))
    assert response.status_code == 404
    n.refresh_from_db()
    assert n.read_at is None


def test_open_after_leaving_the_community_is_404(
    people: Any, make_post: Callable, make_community: Callable, client_for: Callable
) -> None:
    """A notification from a private community I left can no longer be opened."""
    from hanse.communities.services import membership_leave

    club = make_community(Community.Kind.PRIVATE, owner=people["anna"], members=(people["ben"],))
    post = make_post(people["anna"], community=club, mentions=(people["ben"],))
    n = hooks.on_post_created(post)[0]
    membership_leave(community=club, user=people["ben"])
    client = client_for(people["ben"])
    assert client.get(reverse("notifications:open", args=[n.pk])).status_code == 404
    assert "Schau" not in client.get(reverse("notifications:list")).content.decode()


def test_mark_one_and_all_read(people: Any, make_post: Callable, client_for: Callable) -> None:
    """The buttons mark one, then all, as read."""
    first = _mention(people, make_post)
    _mention(people, make_post)
    client = client_for(people["ben"])
    client.post(reverse("notifications:mark_read", args=[first.pk]))
    assert Notification.objects.filter(read_at__isnull=True).count() == 1
    response = client.post(reverse("notifications:mark_all_read"), follow=True)
    assert Notification.objects.filter(read_at__isnull=True).count() == 0
    assert "All notifications are marked as read." in response.content.decode()


def test_pages_need_login(client_for: Callable) -> None:
    """Anonymous visitors are sent to the login page."""
    response = client_for(None).get(reverse("notifications:list"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_preferences_page_saves_everything(
    people: Any, make_community: Callable, client_for: Callable
) -> None:
    """Types x channels, e-mail frequency, quiet hours and community levels in one form."""
    club = make_community(Community.Kind.OPEN, owner=people["anna"], members=(people["ben"],))
    client = client_for(people["ben"])
    page = client.get(reverse("notifications:preferences")).content.decode()
    # Each switch's label names its type and channel (the type part is for screen readers).
    assert "Reactions: E-mail" in re.sub(r"<[^>]+>", "", page)
    assert club.name in page
    data = {
        "email_frequency": "weekly",
        "quiet_hours_start": "21:00",
        "quiet_hours_end": "06:30",
        "timezone": "Europe/Berlin",
        f"community:{club.pk}": "all_posts",
        # Everything at its default except: reactions by e-mail on, mentions by push off.
        "reaction:in_app": "on",
        "reaction:email": "on",
        "mention:in_app": "on",
        "mention:email": "on",
    }
    from hanse.notifications import registry

    for ntype in registry.all_types():
        if ntype.key in ("reaction", "mention"):
            continue
        for channel in ("in_app", "email", "push"):
            if ntype.default_enabled(channel):
                data[f"{ntype.key}:{channel}"] = "on"
    response = client.post(reverse("notifications:preferences"), data, follow=True)
    assert "Your notification settings are saved." in response.content.decode()
    assert set(NotificationPreference.objects.values_list("type", "channel", "enabled")) == {
        ("reaction", "email", True),
        ("mention", "push", False),
    }
    delivery = DeliverySettings.objects.get(user=people["ben"])
    assert (delivery.email_frequency, str(delivery.quiet_hours_start)) == ("weekly", "21:00:00")
    assert CommunityNotificationSetting.objects.get().level == "all_posts"


def test_preferences_error_saves_nothing(people: Any, client_for: Callable) -> None:
    """Half-filled quiet hours: a clear message and no change at all."""
    client = client_for(people["ben"])
    response = client.post(
        reverse("notifications:preferences"),
        {"email_frequency": "off", "quiet_hours_start": "22:00", "quiet_hours_end": ""},
    )
    assert "Give both the start and the end of your quiet hours, or neither." in (
        response.content.decode()
    )
    assert not DeliverySettings.objects.exists()
    assert not NotificationPreference.objects.exists()


def test_bell_preview_lists_the_latest_with_mark_all_read(
    people: Any, make_post: Callable, client_for: Callable
) -> None:
    """The bell's panel shows the newest notifications, "mark all read" and the full list."""
    _mention(people, make_post)
    html = client_for(people["ben"]).get(reverse("notifications:preview")).content.decode()
    assert 'id="bell-panel-heading"' in html
    assert "Anna Schmidt" in html
    assert "Mark all as read" in html
    assert reverse("notifications:list") in html
    assert "just now" in html


def test_bell_preview_of_someone_with_nothing_says_so(people: Any, client_for: Callable) -> None:
    """Without notifications the panel says "Nothing new." and offers no "mark all read"."""
    html = client_for(people["ben"]).get(reverse("notifications:preview")).content.decode()
    assert "Nothing new." in html
    assert "Mark all as read" not in html


def test_unread_filter_lists_only_unread_and_mark_read_keeps_it(
    people: Any, make_post: Callable, client_for: Callable
) -> None:
    """?filter=unread hides what was read; "mark read" on a row returns to the filtered list."""
    first = _mention(people, make_post)
    make_post(people["cem"], "Noch was", mentions=(people["ben"],))
    second = hooks.on_post_created(make_post(people["dora"], "Und das", mentions=(people["ben"],)))[
        0
    ]
    services.notification_mark_read(notification=first, user=people["ben"])
    client = client_for(people["ben"])
    unread_url = reverse("notifications:list") + "?filter=unread"
    html = client.get(unread_url).content.decode()
    assert reverse("notifications:open", args=[first.pk]) not in html
    assert reverse("notifications:open", args=[second.pk]) in html
    all_html = client.get(reverse("notifications:list")).content.decode()
    assert reverse("notifications:open", args=[first.pk]) in all_html
    response = client.post(
        reverse("notifications:mark_read", args=[second.pk]), {"next": unread_url}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == unread_url
    second.refresh_from_db()
    assert second.read_at is not None


def test_mark_read_never_redirects_to_another_site(
    people: Any, make_post: Callable, client_for: Callable
) -> None:
    """A "next" pointing elsewhere is ignored: back to the list."""
    notification = _mention(people, make_post)
    response = client_for(people["ben"]).post(
        reverse("notifications:mark_read", args=[notification.pk]),
        {"next": "//evil.example/"},
    )
    assert response.headers["Location"] == reverse("notifications:list")
