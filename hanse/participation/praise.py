"""Writes for praise: thank a colleague for one of the organisation's values, and hide
praise from one's own profile."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from hanse.communities.models import Community
from hanse.core.errors import PermissionRefused, ServiceError
from hanse.jobs.outbox import enqueue_on_commit
from hanse.participation import interactions as participation_interactions
from hanse.participation import tasks
from hanse.participation.models import Praise, PraiseValue
from hanse.participation.rules import may_hide_praise, may_praise
from hanse.posts.services.posts import check_body, post_create, require_active

if TYPE_CHECKING:
    from hanse.people.models import User

MAX_PRAISE_CHARS = 2000


def praise_create(
    *,
    author: User,
    recipient: User,
    value: PraiseValue,
    message: str,
    community: Community | None = None,
) -> Praise:
    """Thank a colleague: a post (company-wide or in a community both belong to) with the
    value; the recipient is told."""
    require_active(author)
    text = check_body(message)
    if len(text) > MAX_PRAISE_CHARS:
        raise ServiceError(
            _("A thank-you may have at most %(count)d characters.") % {"count": MAX_PRAISE_CHARS},
            code="too_long",
        )
    if not value.active:
        raise ServiceError(_("Choose one of the values."), code="invalid_value")
    if recipient.pk == author.pk:
        raise ServiceError(_("You cannot thank yourself."), code="self")
    if (
        community is not None
        and not Community.objects.visible_to(author).filter(pk=community.pk).exists()
    ):
        raise ServiceError(_("This community does not exist."), code="not_found", status=404)
    if not may_praise(author, recipient, community):
        raise PermissionRefused(
            _("You can thank a colleague company-wide or in a community you both belong to.")
        )
    with transaction.atomic():
        post = post_create(author=author, body=text, community=community)
        praise = Praise.objects.create(post=post, author=author, recipient=recipient, value=value)
        enqueue_on_commit(tasks.notify_praise, praise.pk)
        participation_interactions.praised(author_id=author.pk, recipient_id=recipient.pk)
    return praise


def praise_hide(*, praise: Praise, by: User, hidden: bool = True) -> Praise:
    """Hide praise from one's profile (or show it again); it stays in the stream."""
    require_active(by)
    if not may_hide_praise(by, praise):
        raise PermissionRefused(_("Only the person thanked can hide this from their profile."))
    praise.hidden_on_profile = hidden
    praise.save(update_fields=["hidden_on_profile"])
    return praise
