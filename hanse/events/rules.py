"""What a person may do with events: the one place it is decided.

Whether a person may *see* an event is ``Event.objects.visible_to``; these predicates decide
what they may change. Services check them before writing, views and the API before offering
an action (the "Edit event" button, the attendee export).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import rules

from hanse.communities.rules import is_member, is_moderator
from hanse.core.rules import is_active_user, is_platform_admin
from hanse.events.models import Event
from hanse.people.guests import is_guest

if TYPE_CHECKING:
    from hanse.communities.models import Community


def may_create_event_in(user: Any, community: Community | None) -> bool:
    """Company-wide events every employee; community events its members (and administrators).
    Whether the community exists for the person is for the caller to ask first (a 404)."""
    if not is_active_user(user):
        return False
    if community is None:
        return not is_guest(user) or is_platform_admin(user)
    if is_platform_admin(user):
        return True
    return bool(is_member(user, community))


@rules.predicate
def may_manage_event(user: Any, event: Event) -> bool:
    """Organisers, co-organisers, moderators of the event's community and administrators,
    as long as they may still see the event."""
    if not is_active_user(user):
        return False
    if is_platform_admin(user):
        return True
    if not Event.objects.visible_to(user).filter(pk=event.pk).exists():
        return False
    if event.organiser_id == user.pk:
        return True
    if event.community is not None and is_moderator(user, event.community):
        return True
    return event.co_organisers.filter(pk=user.pk).exists()


def is_listed_attendee(person: Any, member_ids: set[int] | None) -> bool:
    """Whether an RSVP is shown on a community event's list: in a private or secret
    community (``member_ids`` given) only its members' and administrators' answers, so that
    someone who left does not stay visible there."""
    return member_ids is None or person.pk in member_ids or is_platform_admin(person)
