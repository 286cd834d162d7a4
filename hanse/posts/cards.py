"""Post cards rendered once and reused: the fragment cache of every stream.

Rendering a card (``posts/_post.html`` with its menu, reactions and attachments) costs about
a millisecond in Django's template engine; a feed page shows twenty. The HTML of a card is a
pure function of

1. the post and what it shows, all loaded by the feed selector: the post row, its author and
   unit, its community, link preview, attachments and the shared post with its author and
   community;
2. the viewer's state on it, carried by ``FeedItem``: my reactions, the counts, bookmarked,
   may edit / delete / pin, pinned;
3. the language and the time zone;
4. the card templates themselves.

The cache key is a digest of exactly these, so a cached card is never stale: any change of an
input is a new key, and old entries simply expire. Nothing in a card depends on who looks at
it beyond (2), and only posts the viewer may see reach this module (the selectors apply
``visible_to`` first), so sharing an entry between people leaks nothing.

Three values differ per request and are left as slots in the cached HTML, filled afterwards:
the CSRF token of the forms, the ``next`` path the forms return to, and the relative times
("3 hours ago", a slot holding the time it counts from): a card stays one entry while its
post ages, so a card rendered for anyone earlier in the day serves a person's first look.
The cache holds a card as the text between its slots, split once when it is rendered, and a
page joins the parts with its own values: nothing searches the HTML for a slot name, so no
text in a post (body, link preview, file name, a person's name) can become a slot and
receive a reader's token. The markers that find the slots when a card is rendered are random
for each rendering and never leave this module.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from django.conf import settings
from django.core.cache import caches
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import escape

from hanse.core.templatetags.hanse_time import ago, ago_as_slots
from hanse.posts import extensions

if TYPE_CHECKING:
    from django.db.models import Model
    from django.http import HttpRequest

    from hanse.posts.selectors.feed import FeedItem

CARD_TEMPLATE = "posts/_post.html"
# Everything the card includes; a change to any of them starts a new set of keys.
CARD_TEMPLATES = (
    "posts/_post.html",
    "posts/_post_menu.html",
    "posts/_bookmark_button.html",
    "posts/_post_reactions.html",
    "posts/_reactions.html",
    "posts/_attachments.html",
    "posts/_shared.html",
    "people/_avatar.html",
)
CARD_TAGS = "people/templatetags/people_links.py"
# What fills a slot: the CSRF token, the `next` path as in an attribute, or URL-encoded; a
# relative time is the slot kind AGO followed by the ISO time it counts from.
CSRF, NEXT, NEXT_IN_URL, AGO = "c", "n", "u", "t"
# The blocks other apps add to a card (hanse/posts/extensions.py: a poll with its votes) are
# per viewer and change with every vote: a slot filled on every request, never cached.
ADDONS = "a"
# The same for the add-ons above the text: what moderation says about a hidden post differs
# between its author, its moderators and everyone else, so it is never part of a cached card.
ADDONS_TOP = "m"
# Cached cards are lists of parts since issue 9.6, with time slots since issue 13; the key's
# prefix keeps older entries from being read.
KEY_PREFIX = "card4"
TIMEOUT_SECONDS = 24 * 60 * 60
# The cache the cards live in (settings.CACHES): Redis when configured, else a bounded
# per-process memory cache of its own so cards never push out rate limits or bell counts.
CACHE_ALIAS = "cards"


def _templates_digest() -> str:
    digest = hashlib.blake2b(digest_size=8)
    for directory in (Path(__file__).parent, Path(__file__).parent.parent / "people"):
        for name in CARD_TEMPLATES:
            path = directory / "templates" / name
            if path.exists():
                digest.update(path.read_bytes())
    # How a card names its author ({% person_link %}: linked or not) is code, not a template.
    digest.update((Path(__file__).parent.parent / CARD_TAGS).read_bytes())
    return digest.hexdigest()


_TEMPLATES_DIGEST = _templates_digest()


def _fields(obj: Model | None) -> Any:
    """The loaded column values of one row (what a template can show of it)."""
    if obj is None:
        return None
    return sorted((k, v) for k, v in obj.__dict__.items() if not k.startswith("_"))


def _related(obj: Model | None, name: str) -> Model | None:
    """A select_related object if it is loaded, without a query."""
    if obj is None or not obj._meta.get_field(name).is_cached(obj):  # type: ignore[union-attr]
        return None
    return getattr(obj, name)


def _attachments(post: Any) -> list[Any]:
    cache = getattr(post, "_prefetched_objects_cache", {})
    rows = cache["attachments"] if "attachments" in cache else post.attachments.all()
    return [_fields(a) for a in rows]


def card_key(item: FeedItem) -> str:
    """The cache key of one card: a digest of everything its HTML depends on."""
    post = item.post
    author = _related(post, "author")
    shared = _related(post, "shared_post")
    parts = (
        _fields(post),
        _fields(author),
        _fields(_related(author, "org_unit")),
        _fields(_related(post, "community")),
        _fields(_related(post, "link_preview")),
        _attachments(post),
        _fields(shared),
        _fields(_related(shared, "author")),
        _fields(_related(shared, "community")),
        sorted(item.my_reactions),
        sorted(item.reaction_counts.items()),
        item.bookmarked,
        item.can_edit,
        item.can_delete,
        item.can_pin,
        item.pinned,
    )
    digest = hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=16).hexdigest()
    language = translation.get_language() or settings.LANGUAGE_CODE
    zone = timezone.get_current_timezone_name()
    return f"{KEY_PREFIX}:{_TEMPLATES_DIGEST}:{language}:{zone}:{digest}"


def _render(request: HttpRequest, item: FeedItem) -> list[str]:
    """The card split at its slots: text, slot, text, slot, ..., text (see ``_fill``)."""
    # Fresh for every rendering and never shown, so no content can contain it.
    marker = f"slot{secrets.token_hex(16)}"
    times: list[datetime] = []

    def time_slot(value: datetime) -> str:
        times.append(value)
        return f"{marker}{AGO}{len(times) - 1:03d}"

    # The card templates read `request` only as the fallback of `next`, which is given here.
    with ago_as_slots(time_slot):
        html = render_to_string(
            CARD_TEMPLATE,
            {
                "item": item,
                "next": marker + NEXT,
                "csrf_token": marker + CSRF,
                "addons_slot": marker + ADDONS,
                "addons_top_slot": marker + ADDONS_TOP,
                "request": request,
            },
        )
    pieces = html.split(marker)
    parts = [pieces[0]]
    for piece in pieces[1:]:
        kind, text = piece[:1], piece[1:]
        if kind == AGO:
            # The slot holds the time it counts from: "t" + ISO time.
            kind, text = AGO + times[int(text[:3])].isoformat(), text[3:]
        # The `next` of links is URL-encoded (?next=...), that of hidden inputs is not.
        elif kind == NEXT and parts[-1].endswith("?next="):
            kind = NEXT_IN_URL
        parts += [kind, text]
    return parts


def _fill(parts: list[str], values: Mapping[str, str]) -> str:
    filled = [parts[0]]
    for i in range(1, len(parts), 2):
        kind = parts[i]
        if kind[:1] == AGO:
            filled += [escape(ago(datetime.fromisoformat(kind[1:]))), parts[i + 1]]
        else:
            filled += [values[kind], parts[i + 1]]
    return "".join(filled)


def render_cards(
    request: HttpRequest, items: Sequence[FeedItem], *, next_path: str | None = None
) -> list[str]:
    """The HTML of each item's card, from the cache where possible (one round trip for the
    page), the rest rendered and stored."""
    if not items:
        return []
    cache = caches[CACHE_ALIAS]
    keys = [card_key(item) for item in items]
    found: dict[str, list[str]] = cache.get_many(keys)
    missing: dict[str, list[str]] = {}
    for key, item in zip(keys, items, strict=True):
        if key not in found and key not in missing:
            missing[key] = _render(request, item)
    if missing:
        cache.set_many(missing, timeout=TIMEOUT_SECONDS)
    next_path = next_path or request.get_full_path()
    values = {
        CSRF: escape(get_token(request)),
        NEXT: escape(next_path),
        NEXT_IN_URL: escape(quote(next_path, safe="/")),
    }
    posts = [item.post for item in items]
    blocks = extensions.render_addons(request, posts)
    top = extensions.render_addons(request, posts, place="top")
    return [
        _fill(
            found.get(key) or missing[key],
            {**values, ADDONS: blocks.get(item.post.pk, ""), ADDONS_TOP: top.get(item.post.pk, "")},
        )
        for key, item in zip(keys, items, strict=True)
    ]
