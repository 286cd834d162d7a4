"""chat/rules.py and the chat's one send policy: the rate limit holds for every way a
message comes in, chat files have their own visible_to, and a channel has one visibility
rule."""

from __future__ import annotations

import io
import uuid
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from hanse.api.services import token_create
from hanse.chat import rules, services
from hanse.chat.models import Channel, Message, MessageAttachment
from hanse.core.errors import ServiceError

pytestmark = pytest.mark.django_db

TOO_FAST = "You are sending messages too fast. Please wait a moment."


def _send_page(person: Any, channel: Channel, n: int, client_for: Any) -> tuple[int, str]:
    response = client_for(person).post(
        reverse("chat:post", args=[channel.pk]), {"body": f"Nr. {n}"}, follow=True
    )
    if response.status_code == 429:  # the rate-limit page (hanse/core/ratelimit.py)
        assert response["Retry-After"]
        return 429, response.content.decode()
    messages = [str(m) for m in response.context["messages"]] if response.context else []
    return (429 if TOO_FAST in messages else response.status_code), " ".join(messages)


def _send_htmx(person: Any, channel: Channel, n: int, client_for: Any) -> tuple[int, str]:
    response = client_for(person).post(
        reverse("chat:post", args=[channel.pk]), {"body": f"Nr. {n}"}, HTTP_HX_REQUEST="true"
    )
    return response.status_code, response.content.decode()


def _send_api(person: Any, channel: Channel, n: int, client_for: Any) -> tuple[int, str]:
    token = token_create(user=person, name="Bot").raw
    response = client_for(None).post(
        f"/api/v1/chat/channels/{channel.pk}/messages",
        {"body": f"Nr. {n}"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    return response.status_code, response.json().get("detail", "")


def _send_service(person: Any, channel: Channel, n: int, client_for: Any) -> tuple[int, str]:
    try:
        services.message_post(channel=channel, author=person, body=f"Nr. {n}")
    except ServiceError as exc:
        return exc.status, str(exc.message)
    return 201, ""


@pytest.mark.parametrize("send", [_send_page, _send_htmx, _send_api, _send_service])
def test_send_limit_is_one_policy_for_every_way_in(
    people: dict[str, Any], private_channel: Channel, client_for: Any, settings: Any, send: Any
) -> None:
    """Past the chat rate limit a message is refused with the same words, and not stored."""
    # An hour's window: a slow run must not cross into the next window between the sends.
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "chat": "2/3600s"}
    ben = people["ben"]
    answers = [send(ben, private_channel, n, client_for) for n in range(3)]
    assert all(status != 429 for status, _text in answers[:2])
    assert answers[2][0] == 429
    assert TOO_FAST in answers[2][1]
    assert Message.objects.filter(channel=private_channel).count() == 2


def test_a_resend_does_not_count_against_the_limit(
    people: dict[str, Any], private_channel: Channel, settings: Any
) -> None:
    """Sending the same client_id again returns the stored message even at the limit."""
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "chat": "1/3600s"}
    client_id = uuid.uuid4()
    first, created = services.message_post(
        channel=private_channel, author=people["ben"], body="Hallo", client_id=client_id
    )
    again, created_again = services.message_post(
        channel=private_channel, author=people["ben"], body="Hallo", client_id=client_id
    )
    assert (created, created_again, again.pk) == (True, False, first.pk)
    with pytest.raises(ServiceError) as refused:
        services.message_post(channel=private_channel, author=people["ben"], body="Noch eins")
    assert refused.value.code == "rate_limited"


def _png() -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(buf, format="PNG")
    return SimpleUploadedFile("plan.png", buf.getvalue(), content_type="image/png")


def test_chat_files_are_visible_to_who_reads_their_message(
    people: dict[str, Any], private_channel: Channel
) -> None:
    """MessageAttachment.visible_to: members of the channel, nobody once it is deleted."""
    message, _ = services.message_post(
        channel=private_channel, author=people["anna"], body="Plan", files=[_png()]
    )
    attachment = message.attachments.get()

    def sees(person: Any) -> bool:
        return MessageAttachment.objects.visible_to(person).filter(pk=attachment.pk).exists()

    assert sees(people["ben"]) and sees(people["anna"])
    assert not sees(people["cara"])
    assert not sees(None)
    Message.objects.filter(pk=message.pk).update(deleted_at=timezone.now())
    assert not sees(people["anna"])


def test_channel_visibility_is_one_rule(
    people: dict[str, Any], private_channel: Channel, public_channel: Channel
) -> None:
    """visible_to and readable_by answer alike, archived public channels included."""
    Channel.objects.filter(pk=public_channel.pk).update(archived_at=timezone.now())
    for person in (*people.values(), None):
        assert set(Channel.objects.visible_to(person)) == set(Channel.objects.readable_by(person))
    assert Channel.objects.visible_to(people["cara"]).filter(pk=public_channel.pk).exists()
    assert not Channel.objects.visible_to(people["cara"]).filter(pk=private_channel.pk).exists()


@pytest.mark.parametrize(
    ("kind", "who", "topic", "invite", "manage"),
    [
        ("public", "admin", True, True, True),
        ("public", "member", True, True, False),
        ("public", "outsider", False, False, False),
        ("private", "admin", True, True, True),
        ("private", "member", False, False, False),
        ("group", "member", True, False, False),
        ("direct", "member", False, False, False),
    ],
)
def test_channel_rules_table(
    people: dict[str, Any], kind: str, who: str, topic: bool, invite: bool, manage: bool
) -> None:
    """Who changes the topic, adds people and manages members, per kind of conversation."""
    anna, ben, cara = people["anna"], people["ben"], people["cara"]
    if kind in ("public", "private"):
        channel = services.channel_create(by=anna, name=f"Kanal {kind}", kind=kind, members=[ben])
    else:
        others = [ben, cara] if kind == "group" else [ben]
        channel, _ = services.dm_open(by=anna, people=others)
    person = {"admin": anna, "member": ben, "outsider": people["dora"]}[who]
    assert rules.may_set_topic(person, channel) is topic
    assert rules.may_invite(person, channel) is invite
    assert rules.may_manage_members(person, channel) is manage
    # The topic page offers what the service allows.
    try:
        services.channel_set_topic(channel=channel, by=person, topic="Neu")
        allowed = True
    except ServiceError:
        allowed = False
    assert allowed is topic


def test_a_resend_under_the_limit_is_given_back(
    people: dict[str, Any], private_channel: Channel, settings: Any
) -> None:
    """A resend is found by the insert that fails, after the limit counted it: it is taken
    back, so the next new message still fits (the resend is not looked up in advance)."""
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "chat": "2/3600s"}
    client_id = uuid.uuid4()
    ben = people["ben"]
    first, _ = services.message_post(
        channel=private_channel, author=ben, body="Hallo", client_id=client_id
    )
    for _attempt in range(3):
        again, created = services.message_post(
            channel=private_channel, author=ben, body="Hallo", client_id=client_id
        )
        assert (again.pk, created) == (first.pk, False)
    _second, created = services.message_post(channel=private_channel, author=ben, body="Zwei")
    assert created
    with pytest.raises(ServiceError) as refused:
        services.message_post(channel=private_channel, author=ben, body="Drei")
    assert refused.value.code == "rate_limited"
    assert Message.objects.filter(channel=private_channel).count() == 2


def test_a_client_id_of_another_conversation_is_refused_and_not_counted(
    people: dict[str, Any], private_channel: Channel, settings: Any
) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "chat": "2/3600s"}
    ben = people["ben"]
    other = services.channel_create(by=ben, name="Anderswo", kind="public")
    client_id = uuid.uuid4()
    services.message_post(channel=private_channel, author=ben, body="Hier", client_id=client_id)
    for _attempt in range(2):
        with pytest.raises(ServiceError) as reused:
            services.message_post(channel=other, author=ben, body="Dort", client_id=client_id)
        assert reused.value.code == "client_id_reused"
    _message, created = services.message_post(channel=other, author=ben, body="Dort")
    assert created
