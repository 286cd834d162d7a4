"""Chat's signal for the mention autocomplete: people the author recently wrote with in a
direct or group message rank higher (hanse/people/mentions.py). Registered from ``ready()``."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Exists, OuterRef
from django.utils import timezone

from hanse.chat.models import Channel, ChannelMember
from hanse.people import mentions

# "Recent": a conversation with a message in the last quarter still says "we work together".
RECENT = timedelta(days=90)
CHAT_PARTNER = 3


def _chat_partner(context: mentions.MentionContext) -> Exists:
    recent_conversations = ChannelMember.objects.filter(
        user=context.viewer,
        channel__kind__in=[Channel.Kind.DIRECT, Channel.Kind.GROUP],
        channel__last_message_at__gte=timezone.now() - RECENT,
    ).values("channel_id")
    return Exists(
        ChannelMember.objects.filter(user_id=OuterRef("pk"), channel_id__in=recent_conversations)
    )


def register() -> None:
    mentions.register(mentions.Signal("chat_partner", CHAT_PARTNER, _chat_partner))
