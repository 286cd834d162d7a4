"""Reactions on posts and comments: one of each kind per person, race-safe."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils.translation import gettext_lazy as _

from hanse.core.errors import ServiceError
from hanse.posts import events
from hanse.posts import interactions as post_interactions
from hanse.posts.models import Comment, Post, Reaction, ReactionKind
from hanse.posts.services.posts import require_active

if TYPE_CHECKING:
    from hanse.people.models import User


def _target(user: User, kind: str, post: Post | None, comment: Comment | None) -> None:
    require_active(user)
    if kind not in ReactionKind.values:
        raise ServiceError(_("This reaction does not exist."), code="invalid_kind")
    if (post is None) == (comment is None):
        raise ServiceError(_("React to a post or to a comment."), code="invalid_target")
    if post is not None:
        if not Post.objects.visible_to(user).filter(pk=post.pk).exists():
            raise ServiceError(_("This post does not exist."), code="not_found", status=404)
    elif not Comment.objects.visible_to(user).filter(pk=comment.pk).exists():  # type: ignore[union-attr]  # comment is set when post is None
        raise ServiceError(_("This comment does not exist."), code="not_found", status=404)


def _bump(post: Post | None, comment: Comment | None, delta: int) -> None:
    if post is not None:
        Post.objects.filter(pk=post.pk).update(
            reaction_count=Greatest(F("reaction_count") + delta, 0)
        )
    else:
        Comment.objects.filter(pk=comment.pk).update(  # type: ignore[union-attr]  # set when post is None
            reaction_count=Greatest(F("reaction_count") + delta, 0)
        )


def reaction_add(
    *, user: User, kind: str, post: Post | None = None, comment: Comment | None = None
) -> bool:
    """Add a reaction; False when it was already there (the unique constraint decides)."""
    _target(user, kind, post, comment)
    with transaction.atomic():
        try:
            # A savepoint: a concurrent twin makes this insert fail without breaking the
            # surrounding transaction.
            with transaction.atomic():
                reaction = Reaction.objects.create(user=user, kind=kind, post=post, comment=comment)
        except IntegrityError:
            return False
        _bump(post, comment, +1)
        events.reaction_added_on_commit(reaction.pk)
        target = post if post is not None else comment
        post_interactions.reacted(user_id=user.pk, author_id=target.author_id)  # type: ignore[union-attr]  # one of them is set (_target)
    return True


def reaction_remove(
    *, user: User, kind: str, post: Post | None = None, comment: Comment | None = None
) -> bool:
    """Remove a reaction; False when there was none."""
    _target(user, kind, post, comment)
    with transaction.atomic():
        deleted, _rows = Reaction.objects.filter(
            user=user, kind=kind, post=post, comment=comment
        ).delete()
        if not deleted:
            return False
        _bump(post, comment, -1)
        post_id = post.pk if post is not None else comment.post_id  # type: ignore[union-attr]
        events.reaction_removed_on_commit(
            post_id=post_id, comment_id=comment.pk if comment else None, user_id=user.pk
        )
    return True


def reaction_toggle(
    *, user: User, kind: str, post: Post | None = None, comment: Comment | None = None
) -> bool:
    """Add the reaction if absent, remove it if present; returns whether it now exists."""
    exists = Reaction.objects.filter(user=user, kind=kind, post=post, comment=comment).exists()
    if exists:
        reaction_remove(user=user, kind=kind, post=post, comment=comment)
        return False
    reaction_add(user=user, kind=kind, post=post, comment=comment)
    return True
