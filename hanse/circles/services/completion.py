"""Completing a circle after its last week: each member's retrospective (private unless
shared with the circle), an optional story published to the stream as the member's own post,
and "start another circle" (a sign-up for the next open round, filled in from this circle)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hanse.circles import rules
from hanse.circles.models import Circle, CircleMember, CircleRound, Retrospective, SignUp
from hanse.core.errors import PermissionRefused, ServiceError
from hanse.people.models import User
from hanse.posts.models import Post
from hanse.posts.services.posts import post_create

TEXT_MAX = 2000


def _member(by: User, circle: Circle) -> CircleMember:
    if not rules.may_write_retrospective(by, circle, timezone.localdate()):
        raise PermissionRefused(_("The retrospective opens after the circle's last week."))
    return CircleMember.objects.get(circle=circle, user=by)


def retrospective_save(
    *, by: User, circle: Circle, gave_me: str, next_steps: str, shared: bool
) -> Retrospective:
    """Save the member's retrospective; ``shared`` shows it to the circle, nobody else."""
    member = _member(by, circle)
    if len(gave_me) > TEXT_MAX or len(next_steps) > TEXT_MAX:
        raise ServiceError(
            _("Each answer may have at most %(max)d characters.") % {"max": TEXT_MAX},
            code="too_long",
        )
    with transaction.atomic():
        retro, _created = Retrospective.objects.select_for_update().get_or_create(member=member)
        retro.gave_me = gave_me.strip()
        retro.next_steps = next_steps.strip()
        retro.shared = shared
        retro.updated_at = timezone.now()
        retro.save(update_fields=["gave_me", "next_steps", "shared", "updated_at"])
    return retro


def story_publish(*, by: User, circle: Circle, body: str) -> Post:
    """Publish "what my circle gave me" to the company stream as the member's own post.
    Only the text the member writes here leaves the circle; nothing else is attached."""
    member = _member(by, circle)
    with transaction.atomic():
        retro, _created = Retrospective.objects.select_for_update().get_or_create(member=member)
        if retro.story_post_id is not None and Post.objects.filter(pk=retro.story_post_id).exists():
            raise ServiceError(_("You have shared your story already."), code="story_exists")
        post = post_create(author=by, body=body, scope=Post.Scope.COMPANY)
        retro.story_post = post
        retro.updated_at = timezone.now()
        retro.save(update_fields=["story_post", "updated_at"])
    return post


def next_signup_initial(*, user: User, circle: Circle) -> dict[str, Any]:
    """The sign-up form's values for "start another circle": this circle's weekly time and
    place, and the language of the member's last sign-up."""
    last = SignUp.objects.filter(user=user).order_by("-created_at").first()
    return {
        "slots": [circle.slot],
        "mode": SignUp.Mode.ONLINE if circle.online else SignUp.Mode.ON_SITE,
        "location": circle.location_id or user.location_id,
        "language": last.language if last else SignUp.Language.GERMAN,
    }


def next_open_round(*, user: User) -> CircleRound | None:
    """The next round open for sign-up that this person has not signed up for yet."""
    candidates = CircleRound.objects.filter(
        status=CircleRound.Status.OPEN, signup_closes__gte=timezone.localdate()
    ).order_by("starts_on", "id")
    for round_ in candidates:
        if (
            rules.may_sign_up(user, round_)
            and not SignUp.objects.filter(round=round_, user=user).exists()
        ):
            return round_
    return None
