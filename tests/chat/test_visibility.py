from __future__ import annotations

import io
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from hanse.chat import services
from hanse.chat.models import Channel
from hanse.realtime.groups import user_group

pytestmark = pytest.mark.django_db


def _png() -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), "blue").save(buf, format="PNG")
    return SimpleUploadedFile("geheim.png", buf.getvalue(), content_type="image/png")


@pytest.fixture
def secret(people: dict[str, Any], private_channel: Channel, post: Any) -> Any:
    message, _ = services.message_post(
        channel=private_channel, author=people["anna"], body="Geheimplan Zinswende", files=[_png()]
    )
    return message


def _surfaces(channel: Channel, message: Any) -> list[tuple[str, str, dict[str, str]]]:
    att = message.attachments.get()
    return [
        ("page", reverse("chat:channel", args=[channel.pk]), {}),
        ("thread", reverse("chat:thread", args=[channel.pk, message.pk]), {}),
        ("catch-up", reverse("chat:messages", args=[channel.pk]) + "?after=0", {}),
        (
            "catch-up json",
            reverse("chat:messages", args=[channel.pk]) + "?after=0",
            {"HTTP_ACCEPT": "application/json"},
        ),
        ("older", reverse("chat:messages", args=[channel.pk]) + f"?before={message.pk + 1}", {}),
        ("search", reverse("chat:search", args=[channel.pk]) + "?q=Geheimplan", {}),
        ("file", reverse("chat:file", args=[att.pk, att.original_name]), {}),
        ("thumb", reverse("chat:file_thumb", args=[att.pk]), {}),
        ("api history", f"/api/v1/chat/channels/{channel.pk}/messages", {}),
        ("api channel", f"/api/v1/chat/channels/{channel.pk}", {}),
    ]


def test_private_messages_reach_members_only(
    people: dict[str, Any], private_channel: Channel, secret: Any, client_for: Any
) -> None:
    """Every surface answers 404 to a non-member and never shows the text."""
    outsider, member = client_for(people["cara"]), client_for(people["ben"])
    for name, url, headers in _surfaces(private_channel, secret):
        response = outsider.get(url, **headers)
        assert response.status_code == 404, name
        assert b"Geheimplan" not in response.content, name
        assert member.get(url, **headers).status_code == 200, name
    assert b"Geheimplan" not in outsider.get("/api/v1/chat/channels?scope=browse").content
    assert b"Vorstand" not in outsider.get(reverse("chat:browse")).content


def test_admin_is_no_exception(
    admin_user: Any, private_channel: Channel, secret: Any, client_for: Any
) -> None:
    """A platform administrator does not read private conversations."""
    response = client_for(admin_user).get(reverse("chat:channel", args=[private_channel.pk]))
    assert response.status_code == 404


def test_removed_member_loses_access_and_is_revoked(
    people: dict[str, Any],
    private_channel: Channel,
    secret: Any,
    client_for: Any,
    django_capture_on_commit_callbacks: Any,
    settings: Any,
) -> None:
    """Removing a member stops access at once and makes their connections re-check their
    topics (tests/realtime/test_recheck.py shows they leave exactly the channel's)."""
    # The in-memory layer: this test reads the recheck message back in one thread; the Redis
    # layer's delivery is covered by tests/realtime.
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    layer = get_channel_layer()
    conn = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(user_group(people["ben"].pk), conn)
    with django_capture_on_commit_callbacks(execute=True):
        services.member_remove(channel=private_channel, by=people["anna"], user=people["ben"])
    event = async_to_sync(layer.receive)(conn)
    assert event["type"] == "live.recheck"
    for name, url, headers in _surfaces(private_channel, secret):
        assert client_for(people["ben"]).get(url, **headers).status_code == 404, name


def test_left_private_community_loses_channel(
    people: dict[str, Any], make_community: Any, client_for: Any
) -> None:
    """A member row left behind after leaving a private community gives no access."""
    from hanse.communities.services import membership_leave

    community = make_community("private", owner=people["anna"], members=(people["ben"],))
    channel = services.community_channel_ensure(community=community, user=people["ben"])
    membership_leave(community=community, user=people["ben"])
    assert (
        client_for(people["ben"]).get(reverse("chat:channel", args=[channel.pk])).status_code == 404
    )


def test_open_community_channel_readable_by_employees(
    people: dict[str, Any], make_community: Any, client_for: Any, post: Any
) -> None:
    """An open community's channel can be read by everyone, written only by members."""
    community = make_community("open", owner=people["anna"])
    channel = services.community_channel_ensure(community=community, user=people["anna"])
    post(channel, people["anna"], "Willkommen")
    response = client_for(people["cara"]).get(reverse("chat:channel", args=[channel.pk]))
    assert response.status_code == 200 and b"Willkommen" in response.content
    response = client_for(people["cara"]).post(
        reverse("chat:post", args=[channel.pk]), {"body": "Ich auch"}, follow=True
    )
    assert b"Join the channel to write in it." in response.content


def test_leaving_a_community_leaves_its_chat_channels(
    make_user, make_community, django_capture_on_commit_callbacks
):
    """Leaving a community removes the person from its channels and revokes live delivery."""
    from hanse.chat.models import ChannelMember
    from hanse.chat.services import community_channel_ensure
    from hanse.communities.services import membership_leave

    owner = make_user()
    member = make_user()
    community = make_community("private", owner=owner, members=(member,))
    channel = community_channel_ensure(community=community, user=member)
    assert ChannelMember.objects.filter(channel=channel, user=member).exists()
    with django_capture_on_commit_callbacks(execute=True):
        membership_leave(community=community, user=member)
    assert not ChannelMember.objects.filter(channel=channel, user=member).exists()
    assert not Channel.objects.readable_by(member).filter(pk=channel.pk).exists()
