"""Events as a searchable type: title, description and place (hanse/core/searchable.py)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hanse.core import searchable
from hanse.events.models import Event

# The scope kind of community content (hanse/communities/search.py registers it).
COMMUNITY = "community"


def _document(event: Event) -> searchable.Document:
    location = event.location
    place = " · ".join(
        filter(
            None,
            [location.name if location else "", event.room, event.address],
        )
    )
    return searchable.Document(
        object_id=event.pk,
        title=event.title,
        body="\n".join(filter(None, [place, event.description])),
        author_id=event.organiser_id,
        community_id=event.community_id,
        unit_id=getattr(event.organiser, "org_unit_id", None),
        # Events are found by when they take place: the date filters and sorts use it.
        created_at=event.start,
        scope=searchable.scope(COMMUNITY, event.community_id),
        keywords=location.city if location else "",
    )


def _queryset() -> QuerySet[Event]:
    return Event.objects.select_related("location", "organiser")


def register() -> None:
    searchable.register(
        searchable.SearchableType(
            key="event",
            label=_("Event"),
            label_plural=_("Events"),
            model=Event,
            queryset=_queryset,
            to_document=_document,
            visible_to=Event.objects.visible_to,
            url=lambda event: reverse("events:detail", args=[event.pk]),
            order=60,
        )
    )


register()
