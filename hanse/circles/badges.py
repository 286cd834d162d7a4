"""What circles add to profiles and directory cards (hanse/people/badges.py): the Connector
badge with the topics, and "takes part in a WOL circle" where the member allowed it (never
which circle)."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from hanse.circles.models import Circle, CircleMember, Multiplier
from hanse.people.badges import Badge, register
from hanse.people.models import User


def _badges(person_ids: Sequence[int], viewer: User) -> dict[int, list[Badge]]:
    found: dict[int, list[Badge]] = {}
    multipliers = Multiplier.objects.filter(
        user_id__in=person_ids, status=Multiplier.Status.APPROVED
    ).values_list("user_id", "topics")
    url = reverse("circles:multipliers")
    for user_id, topics in multipliers:
        found.setdefault(user_id, []).append(Badge(label=_("Connector"), detail=topics, url=url))
    in_circle = (
        CircleMember.objects.filter(
            Q(show_on_profile=True) | Q(user=viewer),
            user_id__in=person_ids,
            circle__status=Circle.Status.RUNNING,
        )
        .values_list("user_id", flat=True)
        .distinct()
    )
    for user_id in in_circle:
        found.setdefault(user_id, []).append(Badge(label=_("In a WOL circle")))
    return found


def register_badges() -> None:
    register("circles", _badges)
