"""Guests from partner organisations: the one home of "is this person a guest" and of whom a
guest may know.

A guest (``User.is_guest``) sees only the communities and chat channels they are a member of
and the people they meet there. Every app's ``visible_to`` and ``rules.py`` ask
``is_guest``; no other module reads the field (docs/security.md, "Guests").

People sits below communities and chat, so the people a guest shares a space with are found
through the reverse relations by name (``memberships``, ``chat_memberships``): a lookup in the
database, not an import of the apps above.
"""

from __future__ import annotations

from typing import Any

import rules
from django.db.models import Q, QuerySet
from django.utils import timezone

from hanse.core.rules import is_active_user
from hanse.people.models import User

# API areas that are the company's own: a guest's session or token gets 404 there (the
# pages are closed in hanse/guests/middleware.py). Other endpoints filter by visible_to.
GUEST_CLOSED_API_PREFIXES = (
    "/api/v1/org-units",
    "/api/v1/analytics",
    "/api/v1/circles",
    "/api/v1/experts",
    "/api/v1/moderation",
    "/api/v1/announcements",
    "/api/v1/townhalls",
)


def guest_may_open_api(user: Any, path: str) -> bool:
    """False for a guest on an API path closed to guests."""
    return not (is_guest(user) and path.startswith(GUEST_CLOSED_API_PREFIXES))


@rules.predicate
def is_guest(user: Any) -> bool:
    """A signed-in guest from a partner organisation (anonymous people are not guests)."""
    return bool(user is not None and user.is_authenticated and getattr(user, "is_guest", False))


@rules.predicate
def is_employee(user: Any) -> bool:
    """An active signed-in person who is not a guest: company-wide content is theirs."""
    return is_active_user(user) and not is_guest(user)


def guest_expired(user: Any, *, now: Any = None) -> bool:
    """A guest whose access has run out (they may not sign in any more)."""
    if not is_guest(user) or user.guest_expires_at is None:
        return False
    return bool(user.guest_expires_at <= (now or timezone.now()))


def shared_people_q(viewer: User) -> Q:
    """People who share a community or a chat channel with ``viewer`` (``viewer`` too)."""
    return (
        Q(pk=viewer.pk)
        | Q(memberships__community__memberships__user=viewer)
        | Q(chat_memberships__channel__members__user=viewer)
    )


def people_visible_to(viewer: Any, people: QuerySet[User]) -> QuerySet[User]:
    """Narrow ``people`` to whom ``viewer`` may know: everyone for employees; for a guest, the
    people they share a community or channel with."""
    if not is_guest(viewer):
        return people
    shared = User.objects.filter(shared_people_q(viewer)).values("pk")
    return people.filter(pk__in=shared)


def shares_space_with(viewer: Any, person: Any) -> bool:
    """Whether a guest may know ``person`` (always true for employees)."""
    if not is_guest(viewer):
        return True
    return User.objects.filter(shared_people_q(viewer), pk=person.pk).exists()
