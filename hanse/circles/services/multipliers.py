"""The multipliers' programme: volunteering and the coordinator's decision."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hanse.circles import rules, tasks
from hanse.circles.models import Multiplier
from hanse.circles.services.programme import programme_community_join
from hanse.core.errors import PermissionRefused, ServiceError
from hanse.jobs.outbox import enqueue_on_commit
from hanse.people.models import User


def multiplier_volunteer(*, user: User, topics: str, note: str = "") -> Multiplier:
    """Volunteer as a multiplier ("Connector"), with the topics one helps with."""
    if not rules.may_volunteer(user):
        raise ServiceError(_("You have already volunteered."), code="exists")
    topics = ", ".join(t.strip() for t in (topics or "").split(",") if t.strip())
    if not topics:
        raise ServiceError(_("Name at least one topic you can help with."), code="topics")
    if len(topics) > 250:
        raise ServiceError(_("The topics may be at most 250 characters long."), code="topics")
    note = (note or "").strip()
    if len(note) > 1000:
        raise ServiceError(_("The note may be at most 1000 characters long."), code="note")
    with transaction.atomic():
        multiplier, _created = Multiplier.objects.update_or_create(
            user=user,
            defaults={
                "topics": topics,
                "note": note,
                "status": Multiplier.Status.PENDING,
                "decided_by": None,
                "decided_at": None,
                "created_at": timezone.now(),
            },
        )
    return multiplier


def multiplier_decide(*, by: User, multiplier: Multiplier, approve: bool) -> Multiplier:
    """Approve or decline a volunteer (coordinators); the person is told, and an approved
    Connector joins the Connectoren community."""
    if not rules.is_coordinator(by):
        raise PermissionRefused(_("Only circle coordinators can do this."))
    if multiplier.status != Multiplier.Status.PENDING:
        raise ServiceError(_("This has already been decided."), code="decided")
    with transaction.atomic():
        multiplier.status = Multiplier.Status.APPROVED if approve else Multiplier.Status.DECLINED
        multiplier.decided_by = by
        multiplier.decided_at = timezone.now()
        multiplier.save(update_fields=["status", "decided_by", "decided_at"])
        if approve:
            # An approved Connector joins the programme's community (founded on the first).
            programme_community_join(user=multiplier.user, by=by)
        enqueue_on_commit(tasks.notify_multiplier_decided, multiplier.pk)
    return multiplier
