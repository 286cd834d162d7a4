"""The events' interaction kind (network analytics): going to the same date of an event.
Reported by rsvp_set after its write; see hanse/core/interactions.py."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hanse.core import interactions
from hanse.core.interactions import InteractionKind, Pairs

KINDS = (InteractionKind("event", _("Going to the same event")),)

# A town-hall meeting with 2,000 people says little about who met whom: an edge is recorded
# only with the first so many colleagues going.
MAX_COATTENDEES = 200


def register() -> None:
    interactions.register(*KINDS)


def going(*, event_id: int, occurrence: datetime, user_id: int) -> None:
    def others() -> Pairs:
        # Imported here: this module is loaded from EventsConfig.ready() before the models.
        from hanse.events.models import Rsvp

        ids = (
            Rsvp.objects.filter(event_id=event_id, occurrence=occurrence, status=Rsvp.Status.GOING)
            .exclude(user_id=user_id)
            .order_by("created_at")
            .values_list("user_id", flat=True)[:MAX_COATTENDEES]
        )
        return [(user_id, other) for other in ids]

    interactions.interactions("event", others, timezone.localdate())
