"""Chat messages as a searchable type, and the ``channel`` scope kind: a message is found
only by the people who may read its channel now (hanse/core/searchable.py)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hanse.chat.models import Channel, Message
from hanse.core import searchable

CHANNEL = "channel"
TITLE_CHARS = 80


def _readable_channels(user: Any) -> Any:
    # No administrator exception: private conversations are not moderation material.
    return Channel.objects.visible_to(user).values_list("id", flat=True)


def _document(message: Message) -> searchable.Document | None:
    if message.deleted_at is not None or not message.body.strip():
        return None
    channel = message.channel
    return searchable.Document(
        object_id=message.pk,
        title=channel.name or "",
        body=message.body,
        author_id=message.author_id,
        community_id=channel.community_id,
        unit_id=getattr(message.author, "org_unit_id", None),
        created_at=message.created_at,
        scope=searchable.scope(CHANNEL, channel.pk),
        # The channel is where it was said: found by its name, weighted like the text.
        keywords=channel.name or "",
    )


def _url(message: Message) -> str:
    if message.parent_id:
        return reverse("chat:thread", args=[message.channel_id, message.parent_id])
    return reverse("chat:channel", args=[message.channel_id]) + f"#m-{message.pk}"


def _queryset() -> QuerySet[Message]:
    return Message.objects.select_related("channel", "author")


def _messages_of(channel: Channel) -> Any:
    return Message.objects.filter(channel_id=channel.pk).values_list("pk", flat=True)


def register() -> None:
    searchable.register_scope(searchable.ScopeKind(CHANNEL, _readable_channels))
    searchable.register(
        searchable.SearchableType(
            key="message",
            label=_("Chat message"),
            label_plural=_("Chat messages"),
            model=Message,
            queryset=_queryset,
            to_document=_document,
            visible_to=Message.objects.visible_to,
            url=_url,
            order=80,
            titled=False,
            ignore_fields=frozenset({"reply_count", "last_reply_at"}),
        )
    )


register()
