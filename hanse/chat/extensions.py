"""Add-ons of a chat message that apps above chat contribute (a poll), and links under the
composer ("New poll").

Chat sits below the apps that extend a message (participation), so it cannot import them;
they register here from their ``AppConfig.ready()``::

    extensions.register(MessageAddon(key="poll", load=poll_slots, assets=("x/polls.js",)))
    extensions.register_composer_link(ComposerLink(key="poll", label=_("New poll"), url=...))

A message created together with its add-on is sent with ``message_post(with_addons=True)``;
any other new message is known to have none, and its live push asks no add-on.

``load(messages)`` gets the messages of a page (or the one message of a live event) and
returns HTML per message id, in one batch (a fixed number of queries). A message is rendered
once for every member and language (hanse/chat/rendering.py), so the HTML must not depend on
who looks: an add-on that is per person (a poll's "you voted") renders a slot that the
browser fills over HTTP, where the add-on's own rules decide.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils.html import conditional_escape

if TYPE_CHECKING:
    from django.utils.functional import Promise

    from hanse.chat.models import Channel, Message


@dataclass(frozen=True)
class MessageAddon:
    key: str
    # (messages) -> {message id: HTML (safe)}; messages without a block are left out.
    load: Callable[[Sequence[Message]], Mapping[int, str]]
    # Static files (CSS, JS) the chat pages load for the blocks.
    assets: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class ComposerLink:
    """A link beside the composer to another kind of message (e.g. "New poll")."""

    key: str
    label: str | Promise
    # (the channel) -> the address, or "" where it is not offered
    url: Callable[[Channel], str]


_ADDONS: dict[str, MessageAddon] = {}
_LINKS: dict[str, ComposerLink] = {}


def register(addon: MessageAddon) -> MessageAddon:
    _ADDONS[addon.key] = addon
    return addon


def register_composer_link(link: ComposerLink) -> ComposerLink:
    _LINKS[link.key] = link
    return link


def composer_links(channel: Channel) -> list[tuple[str, str]]:
    """(address, label) of every registered composer link offered in this channel."""
    links = [(link.url(channel), str(link.label)) for link in _LINKS.values()]
    return [(url, label) for url, label in links if url]


def render_addons(messages: Sequence[Message]) -> dict[int, str]:
    """Every registered add-on's HTML per message id, joined in registration order."""
    found: dict[int, list[str]] = {}
    # A message just posted without add-ons (``message_post(with_addons=False)``) is known
    # to have none: the live push of a new message reads nothing.
    live = [m for m in messages if not m.deleted_at and not getattr(m, "_no_addons", False)]
    if not live or not _ADDONS:
        return {}
    for addon in _ADDONS.values():
        for message_id, html in addon.load(live).items():
            found.setdefault(message_id, []).append(str(conditional_escape(html)))
    return {message_id: "".join(parts) for message_id, parts in found.items()}


def asset_paths() -> list[str]:
    paths: list[str] = []
    for addon in _ADDONS.values():
        paths.extend(p for p in addon.assets if p not in paths)
    return paths
