"""Background work of the stream (django-tasks): a new post's side effects, link previews,
image thumbnails, and the notifications of posts, comments, reactions and announcements (the
hooks that pick the recipients are in hanse/posts/notifications.py; each notification task's
body is ``notify_or_retry``, hanse/notifications/tasks.py)."""

from __future__ import annotations

import hashlib
import html
import re
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task

from hanse.core import uploads
from hanse.jobs import once, queues
from hanse.jobs.outbox import enqueue_on_commit
from hanse.notifications.tasks import Once, notify_or_retry
from hanse.posts import notifications
from hanse.posts.linkpreview import fetch_preview, previews_enabled
from hanse.posts.models import Announcement, Comment, LinkPreview, Post, Reaction

# A fetched card is reused by every post linking the same URL for this long; failures are
# retried sooner.
PREVIEW_FRESH_FOR = timedelta(days=7)
FAILED_RETRY_AFTER = timedelta(hours=6)
# Scheduled announcements are notified when their time has come; older ones (published before
# this feature, or while the scheduler was down for days) are left alone.
ANNOUNCEMENT_LOOKBACK = timedelta(days=2)


# body_html is sanitised output: every external link carries an absolute http(s) href, while
# mentions and hashtags are relative, so the first absolute href is the first web link.
_FIRST_LINK_RE = re.compile(r'<a href="(https?://[^"]+)"', re.IGNORECASE)


def first_link(body_html: str) -> str | None:
    """The first web link of a rendered post, or None."""
    match = _FIRST_LINK_RE.search(body_html)
    return html.unescape(match.group(1)) if match else None


def queue_link_preview(post_id: int) -> None:
    """Fetch the card of the post's first link in the background (or drop an old card)."""
    if not previews_enabled():
        return
    body_html = Post.objects.filter(pk=post_id).values_list("body_html", flat=True).first()
    url = first_link(body_html or "")
    if url is None:
        if body_html is not None:
            Post.objects.filter(pk=post_id, link_preview__isnull=False).update(link_preview=None)
        return
    # Through the outbox: the card is fetched even when the queue was away at this moment.
    enqueue_on_commit(fetch_link_preview, post_id, url)


def url_hash(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8")).hexdigest()


def _fresh(preview: LinkPreview) -> bool:
    if preview.fetched_at is None:
        return False
    age = timezone.now() - preview.fetched_at
    if preview.status == LinkPreview.Status.OK:
        return age < PREVIEW_FRESH_FOR
    return age < FAILED_RETRY_AFTER


def preview_for_url(url: str) -> LinkPreview:
    """The stored preview of a URL, fetched now unless a fresh one exists."""
    digest = url_hash(url)
    preview = LinkPreview.objects.filter(url_hash=digest).first()
    if preview is not None and _fresh(preview):
        return preview
    card = fetch_preview(url)
    values = {
        "url": url[:2048],
        "final_url": (card.url if card else "")[:2048],
        "title": (card.title if card else "")[:200],
        "description": ((card.description or "") if card else "")[:500],
        "image_url": ((card.image_url or "") if card else "")[:2048],
        "site_name": ((card.site_name or "") if card else "")[:100],
        "status": LinkPreview.Status.OK if card else LinkPreview.Status.FAILED,
        "fetched_at": timezone.now(),
    }
    try:
        with transaction.atomic():
            preview, _created = LinkPreview.objects.update_or_create(
                url_hash=digest, defaults=values
            )
    except IntegrityError:
        # Another worker stored the same URL at the same moment: use theirs.
        preview = LinkPreview.objects.get(url_hash=digest)
    return preview


@task()
def fetch_link_preview(post_id: int, url: str) -> None:
    """Attach the Open Graph card of `url` to the post (shown only through the post)."""
    if not Post.objects.filter(pk=post_id).exists():
        return
    preview = preview_for_url(url)
    link = preview if preview.status == LinkPreview.Status.OK else None
    Post.objects.filter(pk=post_id).update(link_preview=link)


@task(queue_name=queues.LIVE)
def announce_post_created(post_id: int) -> None:
    """A new post's side effects, off the request that published it: the link preview and
    the notifications (the live push is sent by the process that committed the post, see
    hanse/posts/events.py ``post_created_on_commit``)."""
    queue_link_preview(post_id)
    # Through the outbox: a queue that is away now loses nothing (hanse/jobs/outbox.py).
    enqueue_on_commit(notify_post_created, post_id)


# --- notifications ---------------------------------------------------------------------------


@task(queue_name=queues.LIVE)
def notify_post_created(post_id: int, attempt: int = 1) -> None:
    """Mentions in a new post and "all posts" followers of its community."""
    notify_or_retry(
        notify_post_created,
        [post_id],
        attempt,
        f"Notifying about post {post_id}",
        lambda: _post_created(post_id),
    )


def _post_created(post_id: int) -> list[Once]:
    post = Post.objects.select_related("author", "community").filter(pk=post_id).first()
    if post is None:
        return []
    return [Once(f"post_created:{post_id}", lambda: notifications.on_post_created(post))]


@task(queue_name=queues.LIVE)
def notify_comment_created(comment_id: int, attempt: int = 1) -> None:
    """Mentions in a comment, and the authors of the post and of the comment replied to."""
    notify_or_retry(
        notify_comment_created,
        [comment_id],
        attempt,
        f"Notifying about comment {comment_id}",
        lambda: _comment_created(comment_id),
    )


def _comment_created(comment_id: int) -> list[Once]:
    comment = (
        Comment.objects.select_related(
            "author", "post", "post__author", "post__community", "parent", "parent__author"
        )
        .filter(pk=comment_id)
        .first()
    )
    if comment is None:
        return []
    return [
        Once(f"comment_created:{comment_id}", lambda: notifications.on_comment_created(comment))
    ]


@task(queue_name=queues.LIVE)
def notify_reaction_added(reaction_id: int, attempt: int = 1) -> None:
    """The author of the post or comment reacted to (grouped)."""
    notify_or_retry(
        notify_reaction_added,
        [reaction_id],
        attempt,
        f"Notifying reaction {reaction_id}",
        lambda: _reaction_added(reaction_id),
    )


def _reaction_added(reaction_id: int) -> list[Once]:
    reaction = (
        Reaction.objects.select_related(
            "user", "post", "post__author", "comment", "comment__author", "comment__post"
        )
        .filter(pk=reaction_id)
        .first()
    )
    if reaction is None:
        return []
    return [
        Once(f"reaction_added:{reaction_id}", lambda: notifications.on_reaction_added(reaction))
    ]


@task(queue_name=queues.LIVE)
def notify_announcement_published(announcement_id: int, attempt: int = 1) -> None:
    """Ask the audience of a must-read announcement to read it, once it is published."""
    notify_or_retry(
        notify_announcement_published,
        [announcement_id],
        attempt,
        f"Notifying about announcement {announcement_id}",
        lambda: _announcement_published(announcement_id),
    )


def _announcement_published(announcement_id: int) -> list[Once]:
    announcement = Announcement.objects.select_related("author").filter(pk=announcement_id).first()
    if (
        announcement is None
        or announcement.is_draft
        or not announcement.must_read
        or announcement.publish_at > timezone.now()
    ):
        # Scheduled ones are picked up by check_scheduled_announcements when due.
        return []
    return [
        Once(
            f"announcement_published:{announcement_id}",
            lambda: notifications.on_announcement_published(announcement),
        )
    ]


@task()
def check_scheduled_announcements() -> int:
    """Notify must-read announcements whose publication time has passed, once each."""
    now = timezone.now()
    ids = list(
        Announcement.objects.filter(
            is_draft=False,
            must_read=True,
            publish_at__lte=now,
            publish_at__gte=now - ANNOUNCEMENT_LOOKBACK,
        ).values_list("pk", flat=True)
    )
    done = once.done(f"announcement_published:{pk}" for pk in ids)
    due = [pk for pk in ids if f"announcement_published:{pk}" not in done]
    for pk in due:
        notify_announcement_published.enqueue(pk)
    return len(due)


# The thumbnail task lives in hanse/core/uploads.py; tasks queued before it moved name
# this path, so it stays importable here.
make_thumbnails = uploads.make_thumbnails
