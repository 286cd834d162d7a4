"""What events store about a person: the events they organise, their RSVPs, reminder settings
and calendar feeds (without the secret part of the address)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from hanse.core import personal_data
from hanse.events.models import CalendarToken, Event, ReminderSetting, Rsvp

rows = personal_data.rows


def _export(user: Any) -> personal_data.Export:
    records: list[dict[str, Any]] = []
    events = Event.objects.filter(organiser=user).order_by("created_at")
    records += rows(
        events,
        "id",
        "title",
        "description",
        "community__name",
        "start",
        "end",
        "all_day",
        "time_zone",
        "rrule",
        "room",
        "address",
        "online_url",
        "capacity",
        "created_at",
        "cancelled_at",
        kind="organised_event",
    )
    records += rows(
        Rsvp.objects.filter(user=user).order_by("created_at"),
        "event_id",
        "event__title",
        "occurrence",
        "status",
        "created_at",
        "updated_at",
        kind="rsvp",
    )
    records += [
        {"kind": "reminder_setting", **{k: v for k, v in row.items() if k not in ("id", "user_id")}}
        for row in ReminderSetting.objects.filter(user=user).values()
    ]
    records += rows(
        CalendarToken.objects.filter(user=user).order_by("created_at"),
        "created_at",
        "last_used_at",
        "revoked_at",
        kind="calendar_feed",
    )
    files = personal_data.files_of(events, "events", field_name="cover", name_attr="")
    return personal_data.Export(records, files)


def _erase(user: Any, erasure: personal_data.Erasure) -> dict[str, int]:
    """Events one organises stay under the pseudonym or go (with their RSVPs and cover)."""
    organised = Event.objects.filter(organiser=user)
    if erasure.keeps_content:
        return {"events": personal_data.reassign(organised, "organiser", erasure.pseudonym)}
    count = organised.count()
    personal_data.delete_rows(organised)
    return {"events": count}


def register() -> None:
    personal_data.register(
        personal_data.Exporter(
            key="events",
            label=_("Events"),
            description=_(
                "Events you organise (with their cover images), your RSVPs, your reminder "
                "settings and your calendar feeds (without their secret addresses)."
            ),
            export=_export,
            erase=_erase,
            erasure=personal_data.ErasureNote(
                both=_(
                    "Answers to invitations, co-organiser roles, reminder settings and calendar "
                    "feeds go with the account."
                ),
                pseudonymise=_("Events the person organised stay under the pseudonym."),
                delete=_(
                    "Events the person organised are deleted, with the answers of the people "
                    "invited and the cover image."
                ),
            ),
            order=40,
        )
    )
