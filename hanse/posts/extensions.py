"""Add-ons of a post card that apps above the stream contribute (a poll, a question's state).

The stream sits below the apps that extend a post (participation), so it cannot import them;
they register here from their ``AppConfig.ready()``::

    extensions.register(CardAddon(key="poll", load=poll_blocks, assets=("x/poll.css",)))
    extensions.register_composer_link(ComposerLink(key="poll", label=_("New poll"), url=...))

``load(request, posts)`` gets the posts of a page (already passed through
``Post.visible_to``) and returns the HTML of its block per post id, in one batch (a fixed
number of queries for the page, whatever its length). The blocks are per viewer and change
with every vote, so they are *not* part of the cached card (hanse/posts/cards.py): each
card keeps one slot that is filled with the blocks on every request, like its CSRF token.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils.html import conditional_escape

if TYPE_CHECKING:
    from django.http import HttpRequest
    from django.utils.functional import Promise

    from hanse.communities.models import Community
    from hanse.posts.models import Post


@dataclass(frozen=True)
class CardAddon:
    key: str
    # (request, posts of a page) -> {post id: HTML (safe)}; posts without a block are left out.
    load: Callable[[HttpRequest, Sequence[Post]], Mapping[int, str]]
    # Static files (CSS, JS) the stream pages load for the blocks.
    assets: tuple[str, ...] = field(default=())
    # "top": under the card's header, before the text (a moderation notice); "bottom": after
    # the text and attachments (a poll).
    place: str = "bottom"


@dataclass(frozen=True)
class ComposerLink:
    """A link under the composer to another kind of post (e.g. "New poll")."""

    key: str
    label: str | Promise
    # (the community the composer posts to, or None) -> the address
    url: Callable[[Community | None], str]


_ADDONS: dict[str, CardAddon] = {}
_LINKS: dict[str, ComposerLink] = {}


def register_composer_link(link: ComposerLink) -> ComposerLink:
    _LINKS[link.key] = link
    return link


def composer_links(community: Community | None) -> list[tuple[str, str]]:
    """(address, label) of every registered composer link that applies here (an empty
    address: not offered for this place)."""
    links = [(link.url(community), str(link.label)) for link in _LINKS.values()]
    return [(url, label) for url, label in links if url]


def register(addon: CardAddon) -> CardAddon:
    _ADDONS[addon.key] = addon
    return addon


def addons() -> list[CardAddon]:
    return list(_ADDONS.values())


def render_addons(
    request: HttpRequest, posts: Sequence[Post], *, place: str = "bottom"
) -> dict[int, str]:
    """Every registered add-on's HTML of this place per post id, in registration order."""
    found: dict[int, list[str]] = {}
    if not posts:
        return {}
    for addon in _ADDONS.values():
        if addon.place != place:
            continue
        for post_id, html in addon.load(request, posts).items():
            found.setdefault(post_id, []).append(str(conditional_escape(html)))
    return {post_id: "".join(parts) for post_id, parts in found.items()}


def asset_paths() -> list[str]:
    paths: list[str] = []
    for addon in _ADDONS.values():
        paths.extend(p for p in addon.assets if p not in paths)
    return paths
