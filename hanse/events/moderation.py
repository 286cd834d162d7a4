"""Events as a moderatable type (hanse/core/moderation.py), registered from
``EventsConfig.ready()``."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import pgettext_lazy

from hanse.core import moderation
from hanse.events.models import Event


def _purge(obj: Event) -> None:
    from hanse.events.services.events import event_purge  # at call time (loaded from ready())

    event_purge(event=obj)


moderation.register(
    moderation.ModeratableType(
        key="event",
        label=pgettext_lazy("moderation", "event"),
        model=Event,
        visible_to=Event.objects.visible_to,
        author_id=lambda event: event.organiser_id,
        community_id=lambda event: event.community_id,
        url=lambda event: reverse("events:detail", args=[event.pk]),
        purge=_purge,
        excerpt=lambda event: f"{event.title}\n\n{event.description}".strip(),
    )
)
