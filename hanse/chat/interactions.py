"""Chat's interaction kinds (network analytics): direct messages, thread replies, mentions.
Reported by message_post after its write; see hanse/core/interactions.py."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hanse.core import interactions
from hanse.core.interactions import InteractionKind, Pairs

KINDS = (
    InteractionKind("dm", _("Direct message")),
    InteractionKind("chat_reply", _("Reply in a chat thread")),
    InteractionKind("chat_mention", _("Mention in chat")),
)


def register() -> None:
    interactions.register(*KINDS)


def message_posted(
    *,
    channel_id: int,
    direct: bool,
    author_id: int,
    parent_author_id: int | None,
    mentioned_ids: list[int],
) -> None:
    day = timezone.localdate()
    if direct:

        def partner() -> Pairs:
            # Imported here: this module is loaded from ChatConfig.ready() before models are.
            from hanse.chat.models import ChannelMember

            others = ChannelMember.objects.filter(channel_id=channel_id).exclude(user_id=author_id)
            return [(author_id, uid) for uid in others.values_list("user_id", flat=True)]

        interactions.interactions("dm", partner, day)
    if parent_author_id is not None:
        interactions.interaction("chat_reply", author_id, parent_author_id, day)
    if mentioned_ids:
        interactions.interactions("chat_mention", [(author_id, m) for m in mentioned_ids], day)
