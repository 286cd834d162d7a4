"""Chat messages as a moderatable type (hanse/core/moderation.py), registered from
``ChatConfig.ready()``. A hidden message is pushed to the channel as deleted, a restored one
as it is, so that open pages follow without a reload."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import pgettext_lazy

from hanse.chat import events
from hanse.chat.models import Message
from hanse.chat.services import messages_purge
from hanse.core import moderation


def _changed(message: Message) -> None:
    # Pushed as gone while hidden, as it is again once restored (hanse/chat/events.py).
    events.message_changed(message.pk, "edited")


def _url(message: Message) -> str:
    if message.parent_id:
        return reverse("chat:thread", args=[message.channel_id, message.parent_id])
    return reverse("chat:channel", args=[message.channel_id]) + f"#m-{message.pk}"


moderation.register(
    moderation.ModeratableType(
        key="chat_message",
        label=pgettext_lazy("moderation", "chat message"),
        model=Message,
        visible_to=Message.objects.visible_to,
        author_id=lambda m: m.author_id,
        community_id=lambda m: m.channel.community_id,
        url=_url,
        excerpt=lambda m: m.body,
        changed=_changed,
        purge=lambda m: messages_purge(ids=[m.pk]),
    )
)
