"""Helpers for the events tests of EVENTS-CORE (events are made through the service)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from hanse.events.models import Event
from hanse.events.services.events import event_create
from hanse.people.models import User

BERLIN = ZoneInfo("Europe/Berlin")
UTC = ZoneInfo("UTC")


def berlin(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN)  # type: ignore[misc]


def soon(days: int = 7, hour: int = 17) -> datetime:
    """A moment some days ahead at a local hour."""
    day = (timezone.now() + timedelta(days=days)).astimezone(BERLIN).date()
    return datetime(day.year, day.month, day.day, hour, tzinfo=BERLIN)


def make_event(by: User, **fields: Any) -> Event:
    start = fields.pop("start", None) or soon()
    fields.setdefault("end", start + timedelta(hours=2))
    fields.setdefault("title", "Connectoren-Treffen")
    fields.setdefault("description", "Wir treffen uns.")
    return event_create(by=by, start=start, **fields)


def notified(type_key: str, **filters: Any) -> set[str]:
    """Usernames of the recipients of notifications of this type."""
    from hanse.notifications.models import Notification

    return set(
        Notification.objects.filter(type=type_key, **filters).values_list(
            "recipient__username", flat=True
        )
    )


@pytest.fixture(autouse=True)
def on_commit_now(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests run inside a transaction that never commits: run after-commit work at once."""
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda fn, using=None, robust=False: fn())
