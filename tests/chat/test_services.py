from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hanse.chat import selectors, services
from hanse.chat.models import Channel, ChannelMember, Message, MessageReaction
from hanse.core.errors import PermissionRefused, ServiceError
from hanse.notifications.models import Notification

pytestmark = pytest.mark.django_db(transaction=False)


def test_create_channel_makes_creator_admin(people: dict[str, Any]) -> None:
    """The creator of a channel is its admin; the slug comes from the name."""
    channel = services.channel_create(by=people["anna"], name="  Grüne   Filiale ", kind="public")
    assert channel.name == "Grüne Filiale"
    assert channel.slug == "grune-filiale"
    member = ChannelMember.objects.get(channel=channel)
    assert (member.user, member.role) == (people["anna"], "admin")


def test_create_channel_requires_name(people: dict[str, Any]) -> None:
    """A channel without a name is refused and nothing is written."""
    with pytest.raises(ServiceError) as exc:
        services.channel_create(by=people["anna"], name="   ")
    assert str(exc.value.message) == "Please give the channel a name."
    assert not Channel.objects.exists()


def test_public_channel_join_and_private_not(
    people: dict[str, Any], public_channel: Channel, private_channel: Channel
) -> None:
    """Anyone joins a public channel; a private one does not exist for outsiders."""
    services.channel_join(channel=public_channel, user=people["cara"])
    assert ChannelMember.objects.filter(channel=public_channel, user=people["cara"]).exists()
    with pytest.raises(ServiceError) as exc:
        services.channel_join(channel=private_channel, user=people["cara"])
    assert exc.value.status == 404


def test_must_join_before_writing(people: dict[str, Any], public_channel: Channel) -> None:
    """A reader of a public channel must join before writing."""
    with pytest.raises(PermissionRefused) as exc:
        services.message_post(channel=public_channel, author=people["ben"], body="Hi")
    assert str(exc.value.message) == "Join the channel to write in it."
    assert not Message.objects.exists()


def test_private_invite_admin_only(people: dict[str, Any], private_channel: Channel) -> None:
    """Only channel admins add people to a private channel."""
    with pytest.raises(PermissionRefused) as exc:
        services.member_invite(channel=private_channel, by=people["ben"], people=[people["cara"]])
    assert str(exc.value.message) == "Only channel admins can add people to a private channel."
    services.member_invite(channel=private_channel, by=people["anna"], people=[people["cara"]])
    assert private_channel.members.filter(user=people["cara"]).exists()


def test_direct_message_is_reused(people: dict[str, Any]) -> None:
    """One pair of people has one direct conversation, whoever opens it."""
    first, created = services.dm_open(by=people["anna"], people=[people["ben"]])
    again, created_again = services.dm_open(by=people["ben"], people=[people["anna"]])
    assert created and not created_again
    assert first == again and first.kind == "direct"
    assert set(first.members.values_list("user_id", flat=True)) == {
        people["anna"].pk,
        people["ben"].pk,
    }


def test_group_dm_limit(make_user: Any, people: dict[str, Any]) -> None:
    """A group message takes at most 15 people including the sender."""
    others = [make_user() for _ in range(14)]
    channel, _ = services.dm_open(by=people["anna"], people=others)
    assert channel.kind == "group" and channel.members.count() == 15
    with pytest.raises(ServiceError) as exc:
        services.dm_open(by=people["anna"], people=[*others, make_user()])
    assert str(exc.value.message) == (
        "A group message can have at most 15 people including you; you chose 16. "
        "Create a private channel for a larger group."
    )
    assert Channel.objects.count() == 1


def test_client_id_resend_is_idempotent(people: dict[str, Any], private_channel: Channel) -> None:
    """Sending the same client id again returns the stored message, not a second one."""
    cid = uuid.uuid4()
    first, created = services.message_post(
        channel=private_channel, author=people["ben"], body="Einmal", client_id=cid
    )
    again, created_again = services.message_post(
        channel=private_channel, author=people["ben"], body="Einmal", client_id=cid
    )
    assert created and not created_again and first.pk == again.pk
    assert Message.objects.count() == 1


def test_message_too_long(people: dict[str, Any], private_channel: Channel) -> None:
    """Messages above 8,000 characters are refused with a clear message."""
    with pytest.raises(ServiceError) as exc:
        services.message_post(channel=private_channel, author=people["anna"], body="x" * 8001)
    assert str(exc.value.message) == (
        "A message can have at most 8,000 characters; this one has 8,001. "
        "Please shorten it or send it in parts."
    )
    assert not Message.objects.exists()


def test_thread_one_level(people: dict[str, Any], private_channel: Channel, post: Any) -> None:
    """A reply to a reply joins the first message's thread; counts go to the root."""
    root = post(private_channel, people["anna"], "Frage")
    reply = post(private_channel, people["ben"], "Antwort", parent=root)
    nested = post(private_channel, people["anna"], "Danke", parent=reply)
    assert nested.parent_id == root.pk
    root.refresh_from_db()
    assert root.reply_count == 2
    private_channel.refresh_from_db()
    assert private_channel.last_message_id == root.pk  # threads do not move the channel


def test_read_cursor_only_forward(
    people: dict[str, Any], private_channel: Channel, post: Any
) -> None:
    """The read cursor moves forward, never back, never past the newest message."""
    m1 = post(private_channel, people["anna"], "1")
    m2 = post(private_channel, people["anna"], "2")
    private_channel.refresh_from_db()
    assert (
        services.channel_mark_read(channel=private_channel, user=people["ben"], last_read_id=m2.pk)
        == m2.pk
    )
    assert (
        services.channel_mark_read(channel=private_channel, user=people["ben"], last_read_id=m1.pk)
        == m2.pk
    )
    services.channel_mark_read(channel=private_channel, user=people["ben"], last_read_id=10**9)
    assert (
        ChannelMember.objects.get(channel=private_channel, user=people["ben"]).last_read_id == m2.pk
    )


def test_unread_counts_exclude_threads_and_own(
    people: dict[str, Any], private_channel: Channel, post: Any
) -> None:
    """Unread counts others' top-level messages after the cursor, not threads or my own."""
    root = post(private_channel, people["anna"], "Eins")
    post(private_channel, people["anna"], "Zwei")
    post(private_channel, people["anna"], "Im Thread", parent=root)
    post(private_channel, people["ben"], "Meine eigene")
    bar = selectors.sidebar(user=people["ben"])
    assert [e.unread for e in bar.channels] == [0]  # ben's own message moved his cursor
    post(private_channel, people["anna"], "Drei")
    assert [e.unread for e in selectors.sidebar(user=people["ben"]).channels] == [1]
    assert selectors.global_unread_count(user=people["ben"]) == 1
    assert selectors.global_unread_count(user=people["anna"]) == 0


def test_muted_channel_not_in_badge_and_silent(people: dict[str, Any], post: Any) -> None:
    """A muted conversation counts for no badge and sends no notification."""
    dm, _ = services.dm_open(by=people["anna"], people=[people["ben"]])
    services.channel_set_muted(channel=dm, user=people["ben"], muted=True)
    post(dm, people["anna"], "Hallo Ben")
    assert selectors.global_unread_count(user=people["ben"]) == 0
    assert not Notification.objects.filter(recipient=people["ben"]).exists()


def test_direct_message_notifies(people: dict[str, Any], post: Any) -> None:
    """A direct message notifies the recipient with the "direct_message" type."""
    dm, _ = services.dm_open(by=people["anna"], people=[people["ben"]])
    post(dm, people["anna"], "Hallo Ben")
    n = Notification.objects.get(recipient=people["ben"])
    assert n.type == "direct_message"
    assert not Notification.objects.filter(recipient=people["anna"]).exists()


def test_mention_links_and_notifies_members_only(
    people: dict[str, Any], private_channel: Channel, post: Any
) -> None:
    """Mentions of members link and notify; non-members stay plain text."""
    message = post(private_channel, people["anna"], "Hallo @ben und @cara")
    assert '<a href="/people/ben/"' in message.body_html
    assert "/people/cara/" not in message.body_html
    assert list(Notification.objects.values_list("recipient__username", "type")) == [
        ("ben", "chat_mention")
    ]


def test_edit_and_delete_rules(people: dict[str, Any], private_channel: Channel, post: Any) -> None:
    """The author edits; the author or an admin deletes; others may not."""
    message = post(private_channel, people["ben"], "Tippfeler")
    with pytest.raises(PermissionRefused):
        services.message_edit(message=message, by=people["anna"], body="x")
    services.message_edit(message=message, by=people["ben"], body="Tippfehler")
    message.refresh_from_db()
    assert message.body == "Tippfehler" and message.edited_at is not None
    other = post(private_channel, people["anna"], "Von Anna")
    with pytest.raises(PermissionRefused) as exc:
        services.message_delete(message=other, by=people["ben"])
    assert str(exc.value.message) == "Only the author or a channel admin can delete a message."
    services.message_delete(message=message, by=people["anna"])  # anna is the channel admin
    message.refresh_from_db()
    assert message.deleted_at is not None and message.body == ""


def test_reaction_toggle(people: dict[str, Any], private_channel: Channel, post: Any) -> None:
    """A reaction is added and taken back; unknown kinds are refused."""
    message = post(private_channel, people["anna"])
    assert services.reaction_toggle(message=message, user=people["ben"], kind="like") == (True, 1)
    assert services.reaction_toggle(message=message, user=people["ben"], kind="like") == (False, 0)
    with pytest.raises(ServiceError) as exc:
        services.reaction_toggle(message=message, user=people["ben"], kind="angry")
    assert str(exc.value.message) == "Choose one of the offered reactions."
    assert not MessageReaction.objects.exists()


def test_topic_rules(
    people: dict[str, Any], public_channel: Channel, private_channel: Channel
) -> None:
    """Members set the topic of a public channel; only admins that of a private one."""
    services.channel_join(channel=public_channel, user=people["ben"])
    services.channel_set_topic(channel=public_channel, by=people["ben"], topic="Kaffee!")
    assert Channel.objects.get(pk=public_channel.pk).topic == "Kaffee!"
    with pytest.raises(PermissionRefused):
        services.channel_set_topic(channel=private_channel, by=people["ben"], topic="x")


def test_community_channel_lazy(people: dict[str, Any], make_community: Any) -> None:
    """A community's channel is created when a member opens it; outsiders cannot join."""
    community = make_community("private", owner=people["anna"], members=(people["ben"],))
    channel = services.community_channel_ensure(community=community, user=people["ben"])
    assert channel.kind == "community" and channel.community == community
    assert services.community_channel_ensure(community=community, user=people["anna"]) == channel
    with pytest.raises(ServiceError) as exc:
        services.community_channel_ensure(community=community, user=people["cara"])
    assert exc.value.status == 404
    assert Channel.objects.count() == 1


def test_files_stored_with_thumbnail(
    people: dict[str, Any], private_channel: Channel, django_capture_on_commit_callbacks: Any
) -> None:
    """An image is stored at once; its WebP thumbnail comes from the task queue after the
    commit (the message does not wait for the encoder)."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (800, 600), "red").save(buf, format="PNG")
    upload = SimpleUploadedFile("bild.png", buf.getvalue(), content_type="image/png")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message, _ = services.message_post(
            channel=private_channel, author=people["anna"], body="", files=[upload]
        )
    attachment = message.attachments.get()
    assert attachment.kind == "image" and not attachment.thumbnail
    for callback in callbacks:
        callback()
    attachment.refresh_from_db()
    assert attachment.thumbnail.name.endswith(".webp")


def test_sidebar_query_count(people: dict[str, Any], make_user: Any, post: Any) -> None:
    """The sidebar costs the same few queries however many conversations there are."""

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            selectors.sidebar(user=people["anna"])
        return len(ctx.captured_queries)

    dm, _ = services.dm_open(by=people["anna"], people=[people["ben"]])
    post(dm, people["ben"])
    small = count()
    for _ in range(5):
        services.channel_create(by=people["anna"], name=f"c{_}")
        services.dm_open(by=people["anna"], people=[make_user(), make_user()])
    assert count() == small <= 2
