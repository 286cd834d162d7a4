"""The chat's notification types, registered from ChatConfig.ready()."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from hanse.chat.models import Message
from hanse.core.text import plain_text_excerpt
from hanse.notifications.registry import NotificationType, RenderedText, register

if TYPE_CHECKING:
    from hanse.chat.models import Message
    from hanse.notifications.models import Notification
    from hanse.people.models import User

EXCERPT_CHARS = 80


def messages_visible(user: User) -> QuerySet[Any]:
    """What a notification about a message may show: the message's channel is readable."""

    return Message.objects.visible_to(user).filter(deleted_at__isnull=True)


def message_data(message: Message) -> dict[str, Any]:
    """What the texts need, stored on the notification so that rendering costs no query."""
    channel = message.channel
    return {
        "channel_id": channel.pk,
        "channel_name": channel.name,
        "channel_kind": channel.kind,
        "message_id": message.pk,
        "excerpt": plain_text_excerpt(message.body, EXCERPT_CHARS) if message.body else "",
    }


def _url(n: Notification) -> str:
    channel_id = n.data.get("channel_id")
    if not channel_id:
        return reverse("chat:index")
    return reverse("chat:channel", args=[channel_id])


def _name(n: Notification) -> str:
    return n.actor.display_name if n.actor is not None else _g("Someone")


def _render_mention(n: Notification) -> RenderedText:
    title = _g("%(name)s mentioned you in #%(channel)s") % {
        "name": _name(n),
        "channel": n.data.get("channel_name", ""),
    }
    return RenderedText(title=title, body=str(n.data.get("excerpt", "")), url=_url(n))


def _render_direct_message(n: Notification) -> RenderedText:
    others = max(n.count - 1, 0)
    if n.data.get("channel_kind") == "group":
        if others:
            title = ngettext(
                "%(name)s and %(n)s other wrote in a group message",
                "%(name)s and %(n)s others wrote in a group message",
                others,
            ) % {"name": _name(n), "n": others}
        else:
            title = _g("%(name)s wrote in a group message") % {"name": _name(n)}
    else:
        title = _g("%(name)s sent you a message") % {"name": _name(n)}
    return RenderedText(title=title, body=str(n.data.get("excerpt", "")), url=_url(n))


CHAT_MENTION = register(
    NotificationType(
        key="chat_mention",
        label=_("Mentions in chat"),
        description=_("Someone mentions you in a chat channel you are a member of."),
        channels={"in_app": True, "email": "digest", "push": True},
        render=_render_mention,
        target_visible=messages_visible,
        private_conversation=True,
    )
)
DIRECT_MESSAGE = register(
    NotificationType(
        key="direct_message",
        label=_("Direct messages"),
        description=_(
            "Someone writes to you in a direct or group message. Several messages from the "
            "same conversation are combined until you read them."
        ),
        channels={"in_app": True, "email": "digest", "push": True},
        # A colleague writing to me in person matters even when I want only the essentials.
        presets={"essentials": {"push": True}},
        grouped=True,
        render=_render_direct_message,
        target_visible=messages_visible,
        private_conversation=True,
    )
)
