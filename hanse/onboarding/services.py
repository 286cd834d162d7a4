"""Writes of the first-day checklist: hide it, and record that it was finished."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from hanse.onboarding.models import FirstDayChecklist
from hanse.people.models import User


def first_day_dismiss(*, user: User) -> FirstDayChecklist:
    """Hide the checklist from the start page for good; dismissing twice keeps the first time."""
    with transaction.atomic():
        checklist, _ = FirstDayChecklist.objects.select_for_update().get_or_create(user=user)
        if checklist.dismissed_at is None:
            checklist.dismissed_at = timezone.now()
            checklist.save(update_fields=["dismissed_at"])
    return checklist


def first_day_complete(*, user: User) -> FirstDayChecklist:
    """Every step is done: the start page shows the congratulation this once, then never the
    checklist again (even if a step is undone later: it has served its purpose)."""
    with transaction.atomic():
        checklist, _ = FirstDayChecklist.objects.select_for_update().get_or_create(user=user)
        if checklist.completed_at is None:
            checklist.completed_at = timezone.now()
            checklist.save(update_fields=["completed_at"])
    return checklist
