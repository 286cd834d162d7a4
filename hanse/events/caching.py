"""Invalidation of the start page's cached upcoming events (selectors.upcoming_for).

Signals only bump version keys, after the commit (a reader between the write and the commit
would otherwise cache the old state under the new version). What a list shows depends on:
any event, its overrides and the communities (titles, dates, names, who may see them): every
list; a person's RSVPs, memberships (a secret community's events must vanish on leaving) and
account (deactivated, administrator): that person's list.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from hanse.events.selectors import bump_upcoming_versions


def _everyone(sender: Any, **kwargs: Any) -> None:
    transaction.on_commit(lambda: bump_upcoming_versions(everyone=True))


def _person(field: str) -> Any:
    def receiver(sender: Any, instance: Any, **kwargs: Any) -> None:
        user_id = getattr(instance, field)
        if user_id is not None:
            transaction.on_commit(lambda: bump_upcoming_versions(user_ids=[user_id]))

    return receiver


def connect() -> None:
    # Called from EventsConfig.ready(): the models exist only once the app registry is.
    from hanse.communities.models import Community, Membership  # see above
    from hanse.events.models import Event, OccurrenceOverride, Rsvp  # see above
    from hanse.people.models import User  # see above

    for model in (Event, OccurrenceOverride, Community):
        post_save.connect(_everyone, sender=model, dispatch_uid=f"upcoming-{model.__name__}")
        post_delete.connect(_everyone, sender=model, dispatch_uid=f"upcoming-{model.__name__}-d")
    personal: tuple[tuple[type[Any], str], ...] = (
        (Rsvp, "user_id"),
        (Membership, "user_id"),
        (User, "pk"),
    )
    for sender, field in personal:
        receiver = _person(field)
        uid = f"upcoming-{sender.__name__}"
        post_save.connect(receiver, sender=sender, weak=False, dispatch_uid=uid)
        post_delete.connect(receiver, sender=sender, weak=False, dispatch_uid=f"{uid}-d")
