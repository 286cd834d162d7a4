"""What chat stores about a person: the channels they are in (names only), their own messages,
reactions and files. Never the messages of others, not even in the same channel."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from hanse.chat.models import Channel, ChannelMember, Message, MessageAttachment, MessageReaction
from hanse.core import personal_data

rows = personal_data.rows


def _export(user: Any) -> personal_data.Export:
    records: list[dict[str, Any]] = []
    records += rows(
        ChannelMember.objects.filter(user=user).order_by("joined_at"),
        "channel_id",
        "channel__kind",
        # A direct conversation has no name: the other person is not named here.
        "channel__name",
        "role",
        "muted",
        "joined_at",
        kind="channel",
    )
    records += rows(
        Message.objects.filter(author=user).order_by("created_at"),
        "id",
        "channel_id",
        "parent_id",
        "body",
        "created_at",
        "edited_at",
        "deleted_at",
        kind="message",
    )
    records += rows(
        MessageReaction.objects.filter(user=user).order_by("created_at"),
        "message_id",
        "kind",
        "created_at",
        kind="reaction",
    )
    attachments = MessageAttachment.objects.filter(message__author=user).order_by("pk")
    records += rows(
        attachments,
        "id",
        "message_id",
        "original_name",
        "content_type",
        "size",
        kind="file",
    )
    return personal_data.Export(records, personal_data.files_of(attachments, "chat"))


def _erase(user: Any, erasure: personal_data.Erasure) -> dict[str, int]:
    """Messages stay under the pseudonym or go (with their files, reactions and the replies in
    their threads); direct conversations lose the key made of the person's id."""
    mine = Message.objects.filter(author=user)
    if erasure.keeps_content:
        counts = {"messages": personal_data.reassign(mine, "author", erasure.pseudonym)}
        personal_data.reassign(MessageReaction.objects.filter(user=user), "user", erasure.pseudonym)
    else:
        counts = {"messages": mine.count()}
        personal_data.delete_rows(mine)
    # "12:34" names the people of a direct conversation: the others keep it, without the key.
    direct = Channel.objects.filter(members__user=user, dm_key__isnull=False)
    counts["direct_conversations"] = Channel.objects.filter(pk__in=direct).update(dm_key=None)
    return counts


def register() -> None:
    personal_data.register(
        personal_data.Exporter(
            key="chat",
            label=_("Chat"),
            description=_(
                "The channels you are in (names; direct conversations have none), your own "
                "messages, reactions and files. Messages of other people are not included."
            ),
            export=_export,
            erase=_erase,
            erasure=personal_data.ErasureNote(
                both=_(
                    "Channel memberships go with the account. Direct conversations lose their "
                    "key, which is made of the participants' ids; the other participants keep "
                    "them."
                ),
                pseudonymise=_(
                    "The person's messages and reactions stay under the pseudonym, shown as "
                    "“Former colleague”."
                ),
                delete=_(
                    "The person's messages are deleted, with their files, reactions and the "
                    "replies in their threads."
                ),
            ),
            order=30,
        )
    )
