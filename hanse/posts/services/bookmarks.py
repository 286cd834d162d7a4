"""Bookmarks: posts saved for later, private to the person."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from hanse.core.errors import ServiceError
from hanse.posts.models import Bookmark, Post
from hanse.posts.services.posts import require_active

if TYPE_CHECKING:
    from hanse.people.models import User


def bookmark_add(*, user: User, post: Post) -> Bookmark:
    """Save a post the person can read; saving twice keeps one bookmark."""
    require_active(user)
    if not Post.objects.visible_to(user).filter(pk=post.pk).exists():
        raise ServiceError(_("This post does not exist."), code="not_found", status=404)
    bookmark, _created = Bookmark.objects.get_or_create(user=user, post=post)
    return bookmark


def bookmark_remove(*, user: User, post: Post) -> bool:
    """Forget a saved post; False when it was not saved."""
    require_active(user)
    deleted, _rows = Bookmark.objects.filter(user=user, post=post).delete()
    return bool(deleted)
