"""The "Connectoren story" mark on a post card (hanse/posts/extensions.py): an approved
Connector marks one of their own company-wide posts as a story from the post itself, a
coordinator anyone's, and either takes the mark off again. Rendered per request and per
viewer, outside the card cache.

A page costs nothing for posts in communities, at most one query to learn whether the
viewer is a Connector (only when the page has company-wide posts of theirs), the viewer's
permissions (cached for the request) and one query for the marks already there."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from django.template.loader import render_to_string

from hanse.circles import rules
from hanse.circles.models import ConnectorStory
from hanse.core.rules import is_active_user
from hanse.posts import extensions

if TYPE_CHECKING:
    from django.http import HttpRequest

    from hanse.posts.models import Post

BLOCK = "circles/_story_mark.html"


def story_mark_blocks(request: HttpRequest, posts: Sequence[Post]) -> Mapping[int, str]:
    viewer = request.user
    if not is_active_user(viewer):
        return {}
    company = [p for p in posts if rules.may_become_story(p)]
    if not company:
        return {}
    multiplier = any(p.author_id == viewer.pk for p in company) and rules.is_multiplier(viewer)  # type: ignore[arg-type]  # an active user
    coordinator = rules.is_coordinator(viewer)
    markable = [
        p
        for p in company
        if rules.may_mark_story(viewer, p, multiplier=multiplier, coordinator=coordinator)
    ]
    if not markable:
        return {}
    marks = {
        s.post_id: s for s in ConnectorStory.objects.filter(post_id__in=[p.pk for p in markable])
    }
    here = request.get_full_path()
    blocks: dict[int, str] = {}
    for post in markable:
        story = marks.get(post.pk)
        if story is not None and not rules.may_unmark_story(viewer, story, coordinator=coordinator):
            continue
        blocks[post.pk] = render_to_string(
            BLOCK,
            {"post": post, "story": story, "kinds": ConnectorStory.Kind.choices, "next": here},
            request=request,
        )
    return blocks


ADDON = extensions.CardAddon(
    key="connectoren_story", load=story_mark_blocks, assets=("circles/story_mark.css",)
)


def register() -> None:
    extensions.register(ADDON)
