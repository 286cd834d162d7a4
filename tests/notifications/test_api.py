"""/api/v1/notifications: list, count, mark read, preferences and community levels."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from hanse.communities.models import Community
from hanse.notifications.models import CommunityNotificationSetting, NotificationPreference
from hanse.posts import notifications as hooks

pytestmark = pytest.mark.django_db
BASE = "/api/v1/notifications"


def test_list_count_and_mark_read(people: Any, make_post: Callable, client_for: Callable) -> None:
    """The API lists, counts and marks read like the pages."""
    hooks.on_post_created(make_post(people["anna"], "Hallo", mentions=(people["ben"],)))
    client = client_for(people["ben"])
    assert client.get(f"{BASE}/unread-count").json() == {"unread": 1}
    items = client.get(BASE).json()["items"]
    assert [(i["type"], i["title"], i["unread"]) for i in items] == [
        ("mention", "Anna Schmidt mentioned you in a post", True)
    ]
    marked = client.post(f"{BASE}/{items[0]['id']}/read").json()
    assert marked["unread"] is False
    assert client.get(f"{BASE}/unread-count").json() == {"unread": 0}
    assert client.post(f"{BASE}/read-all").json() == {"marked": 0}


def test_mark_someone_elses_is_404(people: Any, make_post: Callable, client_for: Callable) -> None:
    """Another person's notification is not found."""
    made = hooks.on_post_created(make_post(people["anna"], mentions=(people["ben"],)))
    response = client_for(people["cem"]).post(f"{BASE}/{made[0].pk}/read")
    assert response.status_code == 404


def test_anonymous_gets_401(client_for: Callable) -> None:
    """No session, no token: 401."""
    assert client_for(None).get(f"{BASE}/unread-count").status_code == 401


def test_preferences_get_and_put(people: Any, client_for: Callable) -> None:
    """Change one channel and the delivery settings; read them back."""
    client = client_for(people["ben"])
    got = client.get(f"{BASE}/preferences").json()
    reaction = next(t for t in got["types"] if t["type"] == "reaction")
    assert (reaction["in_app"], reaction["email"], reaction["push"]) == (True, False, False)
    assert got["delivery"]["email_frequency"] == "daily"
    response = client.put(
        f"{BASE}/preferences",
        {
            "types": [{"type": "reaction", "email": True}],
            "delivery": {
                "email_frequency": "weekly",
                "quiet_hours_start": None,
                "quiet_hours_end": None,
                "timezone": "Europe/Vienna",
            },
        },
        content_type="application/json",
    )
    assert response.status_code == 200
    body = response.json()
    assert next(t for t in body["types"] if t["type"] == "reaction")["email"] is True
    assert body["delivery"]["timezone"] == "Europe/Vienna"


def test_preferences_put_error_writes_nothing(people: Any, client_for: Callable) -> None:
    """An unknown type in the batch refuses the whole change."""
    response = client_for(people["ben"]).put(
        f"{BASE}/preferences",
        {"types": [{"type": "reaction", "email": True}, {"type": "nope", "email": True}]},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": "There is no such kind of notification.",
        "code": "invalid_type",
    }
    assert not NotificationPreference.objects.exists()


def test_community_level_put(people: Any, make_community: Callable, client_for: Callable) -> None:
    """Members set a level; a secret community is 404 for outsiders."""
    club = make_community(Community.Kind.OPEN, owner=people["anna"], members=(people["ben"],))
    secret = make_community(Community.Kind.SECRET, owner=people["anna"])
    client = client_for(people["ben"])
    response = client.put(
        f"{BASE}/communities/{club.slug}", {"level": "mute"}, content_type="application/json"
    )
    assert response.json() == {"community": club.slug, "level": "mute"}
    assert CommunityNotificationSetting.objects.get().level == "mute"
    response = client.put(
        f"{BASE}/communities/{secret.slug}", {"level": "mute"}, content_type="application/json"
    )
    assert response.status_code == 404
