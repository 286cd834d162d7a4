"""Polls in chat messages: the slot chat shows in a message with a poll, and "New poll"
beside the chat composer (hanse/chat/extensions.py).

A chat message is rendered once for every member and language (live events), so the slot
holds nothing personal: htmx fetches the poll's block for the person looking
(``participation:poll``, which asks ``Poll.objects.visible_to``: the channel's members), and
without JavaScript the slot is a link to the poll's own page. A vote pushes ``poll.changed``
(the id only) on ``poll:<id>``, which only the channel's members may subscribe to.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from hanse.chat import extensions
from hanse.participation.models import Poll

if TYPE_CHECKING:
    from hanse.chat.models import Channel, Message

SLOT = "participation/_chat_poll_slot.html"


def poll_slots(messages: Sequence[Message]) -> Mapping[int, str]:
    """The slot of every message with a poll: one query for the page."""
    found = Poll.objects.filter(message_id__in=[m.pk for m in messages]).values_list(
        "message_id", "pk"
    )
    return {
        message_id: render_to_string(SLOT, {"poll_id": poll_id}) for message_id, poll_id in found
    }


def _new_poll_url(channel: Channel) -> str:
    url = reverse("participation:poll_new")
    return f"{url}?{urlencode({'channel': channel.pk})}"


ADDON = extensions.MessageAddon(
    key="poll",
    load=poll_slots,
    assets=("participation/polls.css", "participation/polls.js"),
)


def register() -> None:
    extensions.register(ADDON)
    extensions.register_composer_link(
        extensions.ComposerLink(key="poll", label=_("New poll"), url=_new_poll_url)
    )
