"""Writes in a circle's space: one's goal, relationships and weekly check-ins. Every write
is the member's own; nobody else (no coordinator, no administrator) can make it."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hanse.circles.models import CheckIn, Circle, CircleMember, Relationship
from hanse.core.errors import ServiceError
from hanse.people.models import User


def _not_found() -> ServiceError:
    return ServiceError(_("This circle does not exist."), code="not_found", status=404)


def _membership(circle: Circle, user: User) -> CircleMember:
    member = CircleMember.objects.filter(circle=circle, user=user, user__is_active=True).first()
    if member is None:
        raise _not_found()
    return member


def _text(value: str, limit: int, message: str) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise ServiceError(message % {"max": limit}, code="too_long")
    return value


def goal_set(
    *, circle: Circle, user: User, goal: str, shared: bool, show_on_profile: bool
) -> CircleMember:
    """Set one's goal, whether the circle sees it, and whether one's profile says that one
    takes part in a circle."""
    member = _membership(circle, user)
    member.goal = _text(goal, 1000, _("Your goal may be at most %(max)s characters long."))
    member.goal_shared = bool(shared)
    member.show_on_profile = bool(show_on_profile)
    member.save(update_fields=["goal", "goal_shared", "show_on_profile"])
    return member


def relationship_add(
    *, circle: Circle, user: User, name: str, notes: str = "", shared: bool = False
) -> Relationship:
    """Add someone to one's relationship list."""
    member = _membership(circle, user)
    name = _text(name, 120, _("The name may be at most %(max)s characters long."))
    if not name:
        raise ServiceError(_("Enter a name."), code="name")
    notes = _text(notes, 2000, _("The notes may be at most %(max)s characters long."))
    return Relationship.objects.create(member=member, name=name, notes=notes, shared=bool(shared))


def relationship_update(
    *, relationship_id: int, user: User, notes: str, shared: bool
) -> Relationship:
    """Change the notes (contributions made) and sharing of one's own relationship."""
    rel = Relationship.objects.filter(pk=relationship_id, member__user=user).first()
    if rel is None:
        raise ServiceError(_("This entry does not exist."), code="not_found", status=404)
    rel.notes = _text(notes, 2000, _("The notes may be at most %(max)s characters long."))
    rel.shared = bool(shared)
    rel.save(update_fields=["notes", "shared"])
    return rel


def relationship_delete(*, relationship_id: int, user: User) -> None:
    deleted, _rows = Relationship.objects.filter(pk=relationship_id, member__user=user).delete()
    if not deleted:
        raise ServiceError(_("This entry does not exist."), code="not_found", status=404)


def checkin_save(
    *, circle: Circle, user: User, week: int, attended: bool, did: str, will_try: str
) -> CheckIn:
    """Record (or change) one's check-in for a week of the circle."""
    member = _membership(circle, user)
    if not 1 <= week <= circle.weeks:
        raise ServiceError(
            _("Choose a week between 1 and %(weeks)d.") % {"weeks": circle.weeks}, code="week"
        )
    did = _text(did, 2000, _("The text may be at most %(max)s characters long."))
    will_try = _text(will_try, 2000, _("The text may be at most %(max)s characters long."))
    with transaction.atomic():
        checkin, _created = CheckIn.objects.update_or_create(
            member=member,
            week=week,
            defaults={
                "attended": bool(attended),
                "did": did,
                "will_try": will_try,
                "updated_at": timezone.now(),
            },
        )
    return checkin
