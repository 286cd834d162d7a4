"""Writes of the chat: channels, members, direct messages, messages, reactions, read cursors.

Every function validates, checks permission against ``Channel.objects.visible_to`` and the
person's membership, writes inside one transaction and queues its side effects (live pushes,
notifications, revocation of live subscriptions) with ``transaction.on_commit`` through
hanse/chat/events.py. One module per concern; callers use this package's names.
"""

from hanse.chat.services.access import MAX_NAME_CHARS, MAX_TOPIC_CHARS
from hanse.chat.services.channels import (
    channel_create,
    channel_mark_read,
    channel_set_muted,
    channel_set_topic,
    community_channel_create,
    community_channel_ensure,
    dm_open,
)
from hanse.chat.services.members import (
    channel_join,
    channel_leave,
    community_membership_ended,
    member_invite,
    member_remove,
    member_set_role,
    on_membership_ended,
)
from hanse.chat.services.messages import (
    message_delete,
    message_edit,
    message_post,
    messages_purge,
    reaction_toggle,
)

__all__ = [
    "MAX_NAME_CHARS",
    "MAX_TOPIC_CHARS",
    "channel_create",
    "channel_join",
    "channel_leave",
    "channel_mark_read",
    "channel_set_muted",
    "channel_set_topic",
    "community_channel_create",
    "community_channel_ensure",
    "community_membership_ended",
    "dm_open",
    "member_invite",
    "member_remove",
    "member_set_role",
    "message_delete",
    "message_edit",
    "message_post",
    "messages_purge",
    "on_membership_ended",
    "reaction_toggle",
]
