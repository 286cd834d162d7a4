"""The blocks participation adds to post cards (hanse/posts/extensions.py): a poll, a
question's state, a thank-you's value. Rendered per request and per viewer outside the card
cache: a vote or an accepted answer shows at once, for everyone watching.

One add-on for all three: a single query finds which posts of the page have any of them
(a page without costs that one query), then only the kinds present are loaded."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from hanse.participation import selectors
from hanse.posts import extensions

if TYPE_CHECKING:
    from django.http import HttpRequest

    from hanse.communities.models import Community
    from hanse.posts.models import Post

BLOCK = "participation/_poll.html"


def poll_blocks(request: HttpRequest, posts: Sequence[Post]) -> Mapping[int, str]:
    """The blocks of a page's polls: three to five queries for the page, whatever its length."""
    polls = selectors.polls_of_posts(post_ids=[p.pk for p in posts])
    if not polls:  # pragma: no cover - only called for posts that have one
        return {}
    views = selectors.poll_views(viewer=request.user, polls=polls)  # type: ignore[arg-type]
    here = request.get_full_path()
    return {
        view.poll.post_id: render_to_string(BLOCK, {"pv": view, "next": here}, request=request)
        for view in views.values()
        if view.poll.post_id is not None
    }


QUESTION_BLOCK = "participation/_question.html"


def question_blocks(request: HttpRequest, posts: Sequence[Post]) -> Mapping[int, str]:
    """The question state of a page's question posts (solved, the accepted answer): one
    query. Outside the card cache, so accepting an answer shows at once."""
    found = selectors.question_blocks(viewer=request.user, post_ids=[p.pk for p in posts])  # type: ignore[arg-type]
    return {
        post_id: render_to_string(QUESTION_BLOCK, {"question": question})
        for post_id, question in found.items()
    }


def _new_question_url(community: Community | None) -> str:
    # Questions live in communities: offered under a community's composer only.
    if community is None:
        return ""
    url = reverse("participation:question_new")
    return f"{url}?{urlencode({'community': community.slug})}"


def _new_poll_url(community: Community | None) -> str:
    url = reverse("participation:poll_new")
    return f"{url}?{urlencode({'community': community.slug})}" if community else url


def praise_blocks(request: HttpRequest, posts: Sequence[Post]) -> Mapping[int, str]:
    """The "thanks for a value" line of a page's praise posts: one query."""
    found = selectors.praise_of_posts(post_ids=[p.pk for p in posts])
    return {
        post_id: render_to_string("participation/_praise.html", {"praise": praise})
        for post_id, praise in found.items()
    }


def participation_blocks(request: HttpRequest, posts: Sequence[Post]) -> Mapping[int, str]:
    """The blocks of a page: one query to find the posts with a poll, a question or praise,
    then a few per kind present."""
    kinds = selectors.participation_kinds(post_ids=[p.pk for p in posts])
    found: dict[int, str] = {}
    for loader, index in ((poll_blocks, 0), (question_blocks, 1), (praise_blocks, 2)):
        wanted = [p for p in posts if kinds.get(p.pk, (False, False, False))[index]]
        if wanted:
            found.update(loader(request, wanted))
    return found


ADDON = extensions.CardAddon(
    key="participation",
    load=participation_blocks,
    assets=("participation/polls.css", "participation/polls.js"),
)


def register() -> None:
    extensions.register(ADDON)
    extensions.register_composer_link(
        extensions.ComposerLink(key="question", label=_("Ask a question"), url=_new_question_url)
    )
    extensions.register_composer_link(
        extensions.ComposerLink(key="poll", label=_("New poll"), url=_new_poll_url)
    )
    extensions.register_composer_link(
        extensions.ComposerLink(
            key="praise",
            label=_("Say thank you"),
            url=lambda community: reverse("participation:praise_new"),
        )
    )
