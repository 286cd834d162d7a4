"""Template helpers of the stream: the reaction bar's rows, and the stream sections that
pages of other apps (the community home, the profile) embed without their views knowing
about posts."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import template
from django.templatetags.static import static
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

from hanse.posts import extensions
from hanse.posts.cards import render_cards
from hanse.posts.models import ReactionKind
from hanse.posts.views.streams import community_stream_context

register = template.Library()

# One picture per kind; the label (translated) is what screen readers announce.
REACTION_EMOJI = {
    ReactionKind.LIKE: "👍",
    ReactionKind.CELEBRATE: "🎉",
    ReactionKind.INSIGHTFUL: "💡",
    ReactionKind.SUPPORT: "🤝",
    ReactionKind.CURIOUS: "🤔",
}


@register.simple_tag(takes_context=True)
def post_cards(context: template.Context, items: Iterable[Any]) -> list[SafeString]:
    """The cards of a stream's items, from the card cache (hanse/posts/cards.py)."""
    html = render_cards(context["request"], list(items), next_path=context.get("next") or None)
    return [mark_safe(card) for card in html]  # noqa: S308 (rendered by our own templates)


@register.simple_tag(takes_context=True)
def post_card(context: template.Context, item: Any) -> SafeString:
    """One post's card (detail page, share page, the composer's result)."""
    return post_cards(context, [item])[0]


@register.simple_tag
def reaction_rows(
    counts: Mapping[str, int] | None, mine: Iterable[str] | None
) -> list[dict[str, Any]]:
    """The five reaction kinds with their picture, label, count and whether I chose it."""
    counts = counts or {}
    chosen = set(mine or ())
    return [
        {
            "kind": kind.value,
            "label": kind.label,
            "emoji": REACTION_EMOJI[kind],
            "count": counts.get(kind.value, 0),
            "pressed": kind.value in chosen,
        }
        for kind in ReactionKind
    ]


@register.filter
def reaction_emoji(kind: str) -> str:
    return REACTION_EMOJI.get(kind, "")  # type: ignore[call-overload]


@register.inclusion_tag("posts/_community_stream.html", takes_context=True)
def community_stream_section(context: template.Context, community: Any) -> dict[str, Any]:
    """The community home's stream: the composer for members, then the posts (pinned first)."""

    return community_stream_context(context["request"], community)


@register.filter
def total_reactions(counts: Mapping[str, int] | None) -> int:
    """All reactions of a post or comment, from its counts per kind."""
    return sum((counts or {}).values())


@register.simple_tag
def card_addon_assets() -> SafeString:
    """The CSS and scripts of the blocks other apps add to cards (hanse/posts/extensions.py)."""
    paths = extensions.asset_paths()
    css = [(static(p),) for p in paths if p.endswith(".css")]
    js = [(static(p),) for p in paths if p.endswith(".js")]
    return format_html_join("", '<link rel="stylesheet" href="{}">', css) + format_html_join(
        "", '<script src="{}" defer></script>', js
    )


@register.simple_tag
def composer_links(community: Any = None) -> SafeString:
    """Links under the composer to other kinds of posts (hanse/posts/extensions.py)."""
    links = extensions.composer_links(community)
    return format_html_join(
        "", '<a class="button button--secondary button--small" href="{}">{}</a>', links
    )
