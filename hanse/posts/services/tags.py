"""Following hashtags."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from hanse.core.errors import ServiceError
from hanse.core.text import normalise_tag
from hanse.posts.models import Tag, TagFollow
from hanse.posts.services.posts import require_active

if TYPE_CHECKING:
    from hanse.people.models import User


def _name(tag_name: str) -> str:
    name = normalise_tag(tag_name.lstrip("#")) if isinstance(tag_name, str) else None
    if not name:
        raise ServiceError(_("This is not a valid hashtag."), code="invalid_tag")
    return name


def tag_follow(*, user: User, tag_name: str) -> Tag:
    """Follow a hashtag: its posts (those the person may read) come into the home feed."""
    require_active(user)
    name = _name(tag_name)
    tag, _created = Tag.objects.get_or_create(name=name)
    TagFollow.objects.get_or_create(user=user, tag=tag)
    return tag


def tag_unfollow(*, user: User, tag_name: str) -> bool:
    """Stop following a hashtag; False when the person did not follow it."""
    require_active(user)
    name = _name(tag_name)
    deleted, _rows = TagFollow.objects.filter(user=user, tag__name=name).delete()
    return bool(deleted)
