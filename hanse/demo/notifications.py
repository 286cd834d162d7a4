"""Notifications for the demo accounts, so the bell shows what a working day brings.

They are made by the same hooks the real events call (``hanse.posts.notifications.on_*``),
for the most recent comments, reactions and mentions that concern the demo accounts, and
marked as already e-mailed so that starting the demo sends no mail.
"""

from __future__ import annotations

from datetime import datetime

from hanse.demo.context import DemoContext
from hanse.notifications.models import Notification
from hanse.posts import notifications as hooks
from hanse.posts.models import Comment, Mention, Reaction

PER_KIND = 6


def _dated(notifications: list[Notification], moment: datetime) -> None:
    """Notifications carry the time of what they report, not the time the demo was made."""
    if notifications:
        Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(
            created_at=moment, updated_at=moment
        )


def create_notifications(ctx: DemoContext) -> None:
    accounts = [plan.user for plan in ctx.accounts.values() if plan.user is not None]
    bar = ctx.progress("Notifications", len(accounts))
    for user in accounts:
        comments = (
            Comment.objects.filter(post__author=user)
            .exclude(author=user)
            .select_related("post", "author", "parent")
            .order_by("-id")[:PER_KIND]
        )
        for comment in reversed(list(comments)):
            _dated(hooks.on_comment_created(comment), comment.created_at)
        reactions = (
            Reaction.objects.filter(post__author=user)
            .exclude(user=user)
            .select_related("post", "user")
            .order_by("-id")[: PER_KIND * 2]
        )
        for reaction in reversed(list(reactions)):
            _dated(hooks.on_reaction_added(reaction), reaction.created_at)
        mentions = (
            Mention.objects.filter(user=user, post__isnull=False)
            .exclude(post__author=user)
            .select_related("post", "post__author")
            .order_by("-id")[:PER_KIND]
        )
        for mention in reversed(list(mentions)):
            if mention.post is not None:
                _dated(hooks.on_post_created(mention.post), mention.post.created_at)
        bar.update(1)
    bar.close()
    # The demo starts quiet: nothing waits to be e-mailed or pushed.
    Notification.objects.update(email_state="none", push_state="none")
    ctx.counts["notifications"] = Notification.objects.count()
