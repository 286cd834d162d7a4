"""The poll block of a post card (hanse/posts/extensions.py), rendered per request and per
viewer outside the card cache: a vote changes it at once, for everyone watching."""

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
    if not polls:
        return {}
    views = selectors.poll_views(viewer=request.user, polls=polls)  # type: ignore[arg-type]
    here = request.get_full_path()
    return {
        view.poll.post_id: render_to_string(BLOCK, {"pv": view, "next": here}, request=request)
        for view in views.values()
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


QUESTION_ADDON = extensions.CardAddon(key="question", load=question_blocks)
PRAISE_ADDON = extensions.CardAddon(key="praise", load=praise_blocks)


def register() -> None:
    extensions.register(QUESTION_ADDON)
    extensions.register(PRAISE_ADDON)
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
    extensions.register(
        extensions.CardAddon(
            key="poll",
            load=poll_blocks,
            assets=("participation/polls.css", "participation/polls.js"),
        )
    )
