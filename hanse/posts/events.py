"""Side effects of stream writes, sent only after the transaction commits.

Services call the ``*_on_commit`` functions inside their transaction; nothing leaves before
the data is durable. Notifications, real-time pushes and the search index (later issues)
hook in here, each with its own explicit call.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.db import transaction

from hanse.communities.models import Community
from hanse.jobs.outbox import enqueue_on_commit
from hanse.posts.models import Comment, Post, Reaction
from hanse.posts.tasks import (
    announce_post_created,
    notify_announcement_published,
    notify_comment_created,
    notify_reaction_added,
    queue_link_preview,
)
from hanse.realtime import topics
from hanse.realtime.publish import publish, publish_many

# --- live pushes (hanse.realtime.topics explains which topic carries what) ----------------


def post_topics(
    *, community_id: int | None, community_open: bool, scope: str, author_id: int, tags: list[str]
) -> list[str]:
    """The topics a new post is announced on. Only posts every employee may read (no
    community, or an open one) go to the author's and the hashtags' topics; a private or
    secret community's posts reach its own topic only, whose subscribers are its readers."""
    found: list[str] = []
    if community_id is not None:
        found.append(topics.community(community_id))
    if community_id is None or community_open:
        found.append(topics.author(author_id))
        found.extend(topics.tag(tag) for tag in tags)
    if scope == "company":
        found.append(topics.COMPANY)
    return found


def _live_post_created(post: Post, tags: Sequence[str]) -> Callable[[], None]:
    """The push of a new post, built from the objects the service wrote (no read back)."""
    event = {
        "type": "post.created",
        "op": "created",
        "id": post.pk,
        "author": post.author_id,
        "community": post.community_id,
    }
    found = post_topics(
        community_id=post.community_id,
        community_open=post.community is not None and post.community.kind == Community.Kind.OPEN,
        scope=post.scope,
        author_id=post.author_id,
        tags=list(tags),
    )
    return lambda: publish_many(found, event)


def _live_post_changed(post_id: int, event: dict[str, object]) -> None:
    """Comments and reactions of one post: its readers fetch the update over HTTP."""

    publish(topics.post(post_id), {"post": post_id, **event})


def post_updated(post_id: int) -> None:
    """A post's text changed: its first link may have changed too."""
    queue_link_preview(post_id)


def post_deleted(post_id: int) -> None:
    """A post is gone. Nothing to do yet; notifications and search remove theirs here."""


def post_created_on_commit(post: Post, *, tags: Sequence[str]) -> None:
    """After the commit: the live push from this process, then one task for the rest.

    The push is not left to the task worker: without Redis (``make run``) the channel layer
    lives in the web server's memory, and a push from the worker process would reach no
    browser."""

    # In the outbox with the post: the notifications depend neither on the queue being there
    # at the commit nor on the best-effort push.
    enqueue_on_commit(announce_post_created, post.pk)
    transaction.on_commit(_live_post_created(post, tags))


def post_updated_on_commit(post_id: int) -> None:
    transaction.on_commit(lambda: post_updated(post_id))


def post_deleted_on_commit(post_id: int) -> None:
    transaction.on_commit(lambda: post_deleted(post_id))


def comment_created(comment_id: int) -> None:
    """A comment was written: its post's open pages refresh (the notifications are in the
    outbox, see comment_created_on_commit)."""

    row = Comment.objects.filter(pk=comment_id).values("post_id", "parent_id", "author_id").first()
    if row is not None:
        _live_post_changed(
            row["post_id"],
            {
                "type": "comment.created",
                "op": "created",
                "id": comment_id,
                "parent": row["parent_id"],
                "author": row["author_id"],
            },
        )


def reaction_added(reaction_id: int) -> None:
    """A reaction was added: the reaction bars refresh (the author is told through the
    outbox, see reaction_added_on_commit)."""

    row = (
        Reaction.objects.filter(pk=reaction_id)
        .values("post_id", "comment_id", "comment__post_id", "user_id")
        .first()
    )
    if row is not None:
        reaction_changed(
            post_id=row["post_id"] or row["comment__post_id"],
            comment_id=row["comment_id"],
            user_id=row["user_id"],
        )


def reaction_changed(*, post_id: int, comment_id: int | None, user_id: int) -> None:
    """A reaction was added or removed: the post's open pages refresh the reaction bar."""
    _live_post_changed(
        post_id,
        {"type": "reaction.changed", "op": "changed", "comment": comment_id, "user": user_id},
    )


def reaction_removed_on_commit(*, post_id: int, comment_id: int | None, user_id: int) -> None:
    transaction.on_commit(
        lambda: reaction_changed(post_id=post_id, comment_id=comment_id, user_id=user_id)
    )


def comment_created_on_commit(comment_id: int) -> None:
    """The notifications go into the outbox with the comment; the live push after commit."""
    enqueue_on_commit(notify_comment_created, comment_id)
    transaction.on_commit(lambda: comment_created(comment_id))


def reaction_added_on_commit(reaction_id: int) -> None:
    enqueue_on_commit(notify_reaction_added, reaction_id)
    transaction.on_commit(lambda: reaction_added(reaction_id))


def announcement_published_on_commit(announcement_id: int) -> None:
    """An announcement was published or changed: a must-read one whose time has come is
    notified once (through the outbox); scheduled ones are picked up by the scheduler."""
    enqueue_on_commit(notify_announcement_published, announcement_id)
