"""A deactivated person leaves the rounds still open or being matched: they would otherwise be
put into a circle they can never attend. Formed circles keep their history."""

from __future__ import annotations

from typing import Any

from hanse.circles.models import CircleRound, SignUp
from hanse.core import signals as domain_events


def on_person_deactivated(
    sender: Any, event: domain_events.PersonDeactivated, **kwargs: Any
) -> None:
    SignUp.objects.filter(
        user_id=event.user_id,
        round__status__in=[CircleRound.Status.OPEN, CircleRound.Status.MATCHING],
    ).delete()


def connect() -> None:
    domain_events.person_deactivated.connect(
        on_person_deactivated, dispatch_uid="hanse.circles.person_deactivated"
    )
