"""Messages as HTML: for the pages (with the viewer's own controls, in the viewer's language)
and for live events (one rendering for every member and every language: chat.js reveals the
controls that belong to the viewer and translates the labels from the JavaScript catalog)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string
from django.utils import translation

from hanse.chat import extensions
from hanse.chat.models import Message
from hanse.chat.rules import message_flags
from hanse.posts.models import ReactionKind

if TYPE_CHECKING:
    from hanse.people.models import User


@dataclass(frozen=True)
class ReactionSummary:
    kind: str
    label: str
    emoji: str
    count: int
    mine: bool
    reactors: str  # user ids, comma-separated, so chat.js can mark the viewer's own


EMOJI = {"like": "👍", "celebrate": "🎉", "insightful": "💡", "support": "🤝", "curious": "🤔"}


def reaction_summaries(message: Message, viewer: User | None) -> list[ReactionSummary]:
    """Every kind (in the order of ReactionKind) with its count; uses prefetched reactions."""

    by_kind: dict[str, list[int]] = {}
    for reaction in message.reactions.all():
        by_kind.setdefault(reaction.kind, []).append(reaction.user_id)
    viewer_id = viewer.pk if viewer is not None else None
    return [
        ReactionSummary(
            kind=value,
            label=str(label),
            emoji=EMOJI.get(value, ""),
            count=len(by_kind.get(value, [])),
            mine=viewer_id in by_kind.get(value, []),
            reactors=",".join(str(i) for i in by_kind.get(value, [])),
        )
        for value, label in ReactionKind.choices
    ]


def decorate(messages: Iterable[Message], viewer: User | None, *, is_admin: bool = False) -> None:
    """Attach what the template shows per message: reactions, and the viewer's controls."""
    messages = list(messages)
    # What apps above chat add to a message (a poll): one batch for the page.
    addons = extensions.render_addons(messages)
    for message in messages:
        m: Any = message
        m.addons_html = addons.get(message.pk, "")
        m.reaction_list = reaction_summaries(message, viewer)
        m.has_reactions = any(r.count for r in m.reaction_list)
        m.can_edit, m.can_delete = message_flags(viewer, message, channel_admin=is_admin)


def render_message_html(
    message: Message, viewer: User | None, *, is_admin: bool = False, in_thread: bool = False
) -> str:
    """One message as HTML. With ``viewer=None`` nothing depends on who looks nor on their
    language: the payload of live events, the same for every member. Its labels are then the
    source texts (English), each marked ``data-i18n*`` for chat.js to translate with the
    JavaScript catalog (djangojs), so a message is rendered once, not once per language."""
    if viewer is None:
        with translation.override(None):
            return _render(message, viewer, is_admin=is_admin, in_thread=in_thread)
    return _render(message, viewer, is_admin=is_admin, in_thread=in_thread)


def _render(message: Message, viewer: User | None, *, is_admin: bool, in_thread: bool) -> str:
    decorate([message], viewer, is_admin=is_admin)
    return render_to_string(
        "chat/_message.html",
        {
            "m": message,
            "channel": message.channel,
            "generic": viewer is None,
            "in_thread": in_thread or message.parent_id is not None,
        },
    )
