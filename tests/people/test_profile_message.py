"""A profile offers "Send a message" beside "Follow": it opens the direct message."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from hanse.chat.models import Channel, ChannelMember

pytestmark = pytest.mark.django_db


def test_profile_send_a_message_opens_the_direct_message(
    make_user: Callable[..., Any], client_for: Callable[..., Any]
) -> None:
    """Ben's profile, seen by Anna, has the button; pressing it opens their direct message."""
    anna, ben = make_user("anna"), make_user("ben")
    client = client_for(anna)
    html = client.get(reverse("people:profile", args=[ben.username])).content.decode()
    assert "Send a message" in html
    assert f'name="people" value="{ben.pk}"' in html
    response = client.post(reverse("chat:dm_new"), {"people": [ben.pk], "start": "1"})
    channel = Channel.objects.get(kind=Channel.Kind.DIRECT)
    assert response.headers["Location"] == reverse("chat:channel", args=[channel.pk])
    assert set(ChannelMember.objects.filter(channel=channel).values_list("user", flat=True)) == {
        anna.pk,
        ben.pk,
    }


def test_own_profile_has_no_send_a_message(
    make_user: Callable[..., Any], client_for: Callable[..., Any]
) -> None:
    """One does not write to oneself."""
    anna = make_user("anna")
    html = client_for(anna).get(reverse("people:profile", args=[anna.username])).content.decode()
    assert "Send a message" not in html
