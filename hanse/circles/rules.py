"""What a person may do with circles and the multipliers' programme: the one home of each rule.

What a person may *see* is ``Circle.objects.visible_to`` (members only, no exception) and
``Multiplier.objects.visible_to``; what they may *do* is decided here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import rules
from django.utils import timezone

from hanse.circles.models import Circle, CircleMember, CircleRound, Multiplier
from hanse.core.rules import is_active_user

if TYPE_CHECKING:
    from hanse.people.models import User

COORDINATE_PERMISSION = "circles.coordinate_circles"


@rules.predicate
def is_coordinator(user: Any) -> bool:
    """Coordinators open rounds, review and confirm matchings and approve multipliers. The
    role is the Django permission "Coordinate circles and multipliers", granted in the admin
    (to a person or a group). It never opens a circle's space."""
    return is_active_user(user) and bool(user.has_perm(COORDINATE_PERMISSION))


def is_circle_member(user: Any, circle: Circle) -> bool:
    return is_active_user(user) and CircleMember.objects.filter(circle=circle, user=user).exists()


def sees_goal(me: CircleMember, member: CircleMember) -> bool:
    """Inside a circle, a member's goal is theirs alone unless they share it with the circle."""
    return member.pk == me.pk or member.goal_shared


def sees_relationship(me: CircleMember, member: CircleMember, relationship: Any) -> bool:
    """Another member's relationship item, when they shared it with the circle (one's own list
    is shown on its own page, not among the circle's shared items)."""
    return relationship.shared and member.pk != me.pk


def signup_open(round_: CircleRound) -> bool:
    return round_.status == CircleRound.Status.OPEN and timezone.localdate() <= round_.signup_closes


def may_sign_up(user: Any, round_: CircleRound) -> bool:
    return is_active_user(user) and signup_open(round_)


def may_review_matching(user: Any, round_: CircleRound) -> bool:
    return bool(is_coordinator(user)) and round_.status in (
        CircleRound.Status.OPEN,
        CircleRound.Status.MATCHING,
    )


def may_volunteer(user: Any) -> bool:
    """Anyone may volunteer once; a declined volunteer may volunteer again."""
    if not is_active_user(user):
        return False
    existing = Multiplier.objects.filter(user=user).first()
    return existing is None or existing.status == Multiplier.Status.DECLINED


def is_multiplier(user: User) -> bool:
    return Multiplier.objects.filter(user=user, status=Multiplier.Status.APPROVED).exists()


# --- friends forming a circle, the meeting link, completion (wt/leftovers) -----------------

FRIENDS_MIN_INVITEES = 3
FRIENDS_MAX_INVITEES = 4
# A proposal becomes a circle once everyone answered and at least this many people are in.
FRIENDS_MIN_CIRCLE = 3


def may_propose_circle(user: Any) -> bool:
    """Any active employee may gather colleagues for a circle of their own."""
    return is_active_user(user)


def may_answer_invite(user: Any, invite: Any) -> bool:
    """The invited person, while the proposal still waits for answers."""
    return (
        is_active_user(user)
        and invite.user_id == user.pk
        and invite.proposal.status == "open"
        and invite.answer == "pending"
    )


def may_set_meeting_link(user: Any, circle: Circle) -> bool:
    """Every member of the circle (no coordinator or administrator exception)."""
    return is_active_user(user) and bool(is_circle_member(user, circle))


def circle_completed(circle: Circle, today: Any) -> bool:
    """A circle is complete after its last week (or when it was marked finished)."""
    import datetime as dt  # why: only this predicate needs date arithmetic

    return circle.status == "finished" or today >= circle.starts_on + dt.timedelta(
        weeks=circle.weeks
    )


def may_write_retrospective(user: Any, circle: Circle, today: Any) -> bool:
    return may_set_meeting_link(user, circle) and circle_completed(circle, today)


def sees_retrospective(me: CircleMember, member: CircleMember, retro: Any) -> bool:
    """A retrospective is its member's own; others in the circle see it once it is shared."""
    return member.pk == me.pk or bool(retro.shared)


# --- the Connectoren programme: onboarding, community, stories (wt/connectoren) -----------

# Coordinators see the checklist's progress as counts per step, and only from this many
# Connectoren on: below it a count could name a person (the staff council's minimum group).
ONBOARDING_MIN_GROUP = 5


def may_onboard(user: Any) -> bool:
    """The onboarding checklist is an approved Connector's own."""
    return is_active_user(user) and is_multiplier(user)


def may_tell_story(user: Any) -> bool:
    """Approved Connectoren share stories of helping someone or of an experiment."""
    return is_active_user(user) and is_multiplier(user)


def may_become_story(post: Any) -> bool:
    """Only company-wide posts become Connectoren stories: the stories page is for everyone,
    and a post in a community would show its members' talk on it."""
    return bool(post.scope == "company")


def may_mark_story(
    user: Any, post: Any, *, multiplier: bool | None = None, coordinator: bool | None = None
) -> bool:
    """Mark a post as a Connectoren story (from the post itself): an approved Connector their
    own posts, a coordinator anyone's. ``multiplier``/``coordinator`` may be given, worked
    out once for a page of posts."""
    if not is_active_user(user):
        return False
    if post.author_id == user.pk and (is_multiplier(user) if multiplier is None else multiplier):
        return True
    return bool(is_coordinator(user) if coordinator is None else coordinator)


def may_unmark_story(user: Any, story: Any, *, coordinator: bool | None = None) -> bool:
    """Take the story mark off (the post stays): the post's author, or a coordinator."""
    if not is_active_user(user):
        return False
    return story.author_id == user.pk or bool(
        is_coordinator(user) if coordinator is None else coordinator
    )


def may_manage_onboarding(user: Any) -> bool:
    """Coordinators edit the checklist's steps and see its progress in aggregate."""
    return bool(is_coordinator(user))
