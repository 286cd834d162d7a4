"""Side effects of stream writes, sent only after the transaction commits.

Services call the ``*_on_commit`` functions inside their transaction; nothing leaves before
the data is durable. Notifications, real-time pushes and the search index (later issues)
hook in here, each with its own explicit call.
"""

from __future__ import annotations

import html
import re

from django.db import transaction

from hanse.posts.linkpreview import previews_enabled

# body_html is sanitised output: every external link carries an absolute http(s) href, while
# mentions and hashtags are relative, so the first absolute href is the first web link.
_FIRST_LINK_RE = re.compile(r'<a href="(https?://[^"]+)"', re.IGNORECASE)


def first_link(body_html: str) -> str | None:
    """The first web link of a rendered post, or None."""
    match = _FIRST_LINK_RE.search(body_html)
    return html.unescape(match.group(1)) if match else None


def _queue_preview(post_id: int) -> None:
    from hanse.posts.models import Post
    from hanse.posts.tasks import fetch_link_preview

    if not previews_enabled():
        return
    body_html = Post.objects.filter(pk=post_id).values_list("body_html", flat=True).first()
    url = first_link(body_html or "")
    if url is None:
        if body_html is not None:
            Post.objects.filter(pk=post_id, link_preview__isnull=False).update(link_preview=None)
        return
    fetch_link_preview.enqueue(post_id, url)


def post_created(post_id: int) -> None:
    """A post was published: fetch its link preview and notify, both in the background."""
    from hanse.notifications.tasks import notify_post_created

    _queue_preview(post_id)
    notify_post_created.enqueue(post_id)


def post_updated(post_id: int) -> None:
    """A post's text changed: its first link may have changed too."""
    _queue_preview(post_id)


def post_deleted(post_id: int) -> None:
    """A post is gone. Nothing to do yet; notifications and search remove theirs here."""


def post_created_on_commit(post_id: int) -> None:
    transaction.on_commit(lambda: post_created(post_id))


def post_updated_on_commit(post_id: int) -> None:
    transaction.on_commit(lambda: post_updated(post_id))


def post_deleted_on_commit(post_id: int) -> None:
    transaction.on_commit(lambda: post_deleted(post_id))


def comment_created(comment_id: int) -> None:
    """A comment was written: notify mentioned people and the authors replied to."""
    from hanse.notifications.tasks import notify_comment_created

    notify_comment_created.enqueue(comment_id)


def reaction_added(reaction_id: int) -> None:
    """A reaction was added: tell the author (grouped) in the background."""
    from hanse.notifications.tasks import notify_reaction_added

    notify_reaction_added.enqueue(reaction_id)


def announcement_published(announcement_id: int) -> None:
    """An announcement was published or changed: a must-read one whose time has come is
    notified once; scheduled ones are picked up by the scheduler when due."""
    from hanse.notifications.tasks import notify_announcement_published

    notify_announcement_published.enqueue(announcement_id)


def comment_created_on_commit(comment_id: int) -> None:
    transaction.on_commit(lambda: comment_created(comment_id))


def reaction_added_on_commit(reaction_id: int) -> None:
    transaction.on_commit(lambda: reaction_added(reaction_id))


def announcement_published_on_commit(announcement_id: int) -> None:
    transaction.on_commit(lambda: announcement_published(announcement_id))
