"""What circles add to profiles and directory cards (hanse/people/badges.py): the Connector
badge with the topics, and "takes part in a WOL circle" where the member allowed it (never
which circle)."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Exists, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _

from hanse.circles.models import Circle, CircleMember, Multiplier
from hanse.people.badges import Badge, register
from hanse.people.models import User


def _badges(person_ids: Sequence[int], viewer: User) -> dict[int, list[Badge]]:
    """One query for a page of people: the approved Connector's topics, and whether the
    person is in a running circle and lets their profile say so (or is the viewer)."""
    topics = Multiplier.objects.filter(
        user=OuterRef("pk"), status=Multiplier.Status.APPROVED
    ).values("topics")[:1]
    in_circle = CircleMember.objects.filter(
        Q(show_on_profile=True) | Q(user=viewer),
        user=OuterRef("pk"),
        circle__status=Circle.Status.RUNNING,
    )
    rows = (
        User.objects.filter(pk__in=list(person_ids))
        .annotate(connector_topics=Subquery(topics), in_circle=Exists(in_circle))
        .values_list("pk", "connector_topics", "in_circle")
    )
    url = reverse("circles:multipliers")
    found: dict[int, list[Badge]] = {}
    for pk, connector_topics, in_a_circle in rows:
        if connector_topics:
            found.setdefault(pk, []).append(
                Badge(label=_("Connector"), detail=connector_topics, url=url)
            )
        if in_a_circle:
            found.setdefault(pk, []).append(Badge(label=_("In a WOL circle")))
    return found


def register_badges() -> None:
    register("circles", _badges)
