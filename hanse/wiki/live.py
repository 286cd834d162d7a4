"""The wiki page topic (``wikipage:<id>``): who may receive it, and the push after a save.

Granted to those who may read the page (``Page.objects.visible_to``), checked on subscribe and
again whenever a membership, a role or the community's kind changes (the grant names the
page's community, so ``recheck_community`` reaches the holders), and when the owners switch
the community's wiki off (``wiki_settings_changed_on_commit``).

One event, ids only: ``wiki.page_changed`` {id, revision} after a save (or a restore). The
page and the editor fetch ``wiki:newer`` over HTTP, which checks the page again and says who
saved which version: a reader gets "a newer version exists, show it", an editor the early
warning that saving now will meet a conflict.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from hanse.realtime import topics
from hanse.realtime.publish import publish, recheck_community
from hanse.realtime.topics import TopicKind
from hanse.wiki.models import Page

if TYPE_CHECKING:
    from hanse.people.models import User

KIND = "wikipage"


def _pages(user: User, ids: list[int]) -> dict[int, int | None]:
    # A community page is re-checked when its community's kind or memberships change.
    return dict(Page.objects.visible_to(user).filter(pk__in=ids).values_list("pk", "community_id"))


def register() -> None:
    topics.register(TopicKind(kind=KIND, grant=_pages))


def page_changed_on_commit(page_id: int, revision_number: int) -> None:
    """Tell everyone who has the page open that a newer version exists, once it is durable."""
    topic = topics.name(KIND, page_id)
    event = {"type": "wiki.page_changed", "id": page_id, "revision": revision_number}
    transaction.on_commit(lambda: publish(topic, event))


def wiki_settings_changed_on_commit(community_id: int) -> None:
    """The wiki switched off (or on): everyone holding a page topic of it decides again."""
    transaction.on_commit(lambda: recheck_community(community_id))
