"""The Django admin has no administrator exception for private conversations (issue 9.4):
no admin page shows their text or who wrote to whom, and nobody joins a private channel there."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from hanse.chat import services
from hanse.chat.models import Channel, ChannelMember
from hanse.notifications.models import Notification

pytestmark = pytest.mark.django_db

SECRET_TEXT = "Geheimplan Zinswende"


@pytest.fixture
def conversations(people: dict[str, Any], private_channel: Channel, post: Any) -> dict[str, Any]:
    """A private channel with a mention and a direct message, each with the secret text."""
    post(private_channel, people["anna"], f"@ben {SECRET_TEXT}")
    dm, _ = services.dm_open(by=people["anna"], people=[people["cara"]])
    post(dm, people["anna"], f"{SECRET_TEXT} unter uns")
    assert set(Notification.objects.values_list("type", flat=True)) == {
        "chat_mention",
        "direct_message",
    }
    return {"private": private_channel, "dm": dm}


def _pages(conversations: dict[str, Any]) -> list[str]:
    pages = [
        reverse("admin:chat_channel_changelist"),
        reverse("admin:chat_channel_change", args=[conversations["private"].pk]),
        reverse("admin:chat_channel_change", args=[conversations["dm"].pk]),
        reverse("admin:notifications_notification_changelist"),
        reverse("admin:notifications_notification_changelist") + "?q=direct_message",
    ]
    pages += [
        reverse("admin:notifications_notification_change", args=[pk])
        for pk in Notification.objects.values_list("pk", flat=True)
    ]
    return pages


def test_no_admin_page_shows_message_text(
    admin_user: Any, conversations: dict[str, Any], client_for: Any
) -> None:
    """Channel and notification lists and details never carry the text of a message."""
    client = client_for(admin_user)
    for url in _pages(conversations):
        response = client.get(url)
        assert response.status_code in (200, 302), url
        body = response.content.decode()
        assert SECRET_TEXT not in body, url
        assert "Zinswende" not in body, url


def test_notification_admin_does_not_tell_who_wrote_to_whom(
    admin_user: Any, people: dict[str, Any], conversations: dict[str, Any], client_for: Any
) -> None:
    """Notifications about private conversations are not listed in the admin at all."""
    client = client_for(admin_user)
    listing = client.get(reverse("admin:notifications_notification_changelist")).content.decode()
    for n in Notification.objects.all():
        assert reverse("admin:notifications_notification_change", args=[n.pk]) not in listing
        response = client.get(reverse("admin:notifications_notification_change", args=[n.pk]))
        assert response.status_code == 302  # "does not exist": back to the admin index


def test_nobody_joins_a_private_channel_in_the_admin(
    admin_user: Any, people: dict[str, Any], private_channel: Channel, client_for: Any
) -> None:
    """The member inline of a private channel is read-only: adding oneself is refused."""
    client = client_for(admin_user)
    url = reverse("admin:chat_channel_change", args=[private_channel.pk])
    page = client.get(url).content.decode()
    prefix = re.search(r'name="([\w-]+)-TOTAL_FORMS"', page).group(1)
    members = list(ChannelMember.objects.filter(channel=private_channel).order_by("pk"))
    data = {
        "name": private_channel.name,
        "slug": private_channel.slug,
        "topic": "",
        "community": "",
        "archived_at_0": "",
        "archived_at_1": "",
        f"{prefix}-TOTAL_FORMS": str(len(members) + 1),
        f"{prefix}-INITIAL_FORMS": str(len(members)),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, member in enumerate(members):
        data |= {
            f"{prefix}-{i}-id": str(member.pk),
            f"{prefix}-{i}-channel": str(private_channel.pk),
            f"{prefix}-{i}-user": str(member.user_id),
            f"{prefix}-{i}-role": member.role,
        }
    new = len(members)
    data |= {
        f"{prefix}-{new}-channel": str(private_channel.pk),
        f"{prefix}-{new}-user": str(admin_user.pk),
        f"{prefix}-{new}-role": "admin",
    }
    client.post(url, data)
    assert not ChannelMember.objects.filter(channel=private_channel, user=admin_user).exists()
    assert ChannelMember.objects.filter(channel=private_channel).count() == len(members)
    # And the channel stays closed to the administrator.
    assert client.get(reverse("chat:channel", args=[private_channel.pk])).status_code == 404
