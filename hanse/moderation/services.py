"""Writes of moderation: reports, hiding, removing and restoring content, warnings and
suspensions. Every one is recorded in the audit log inside its transaction; the people
concerned are told after commit."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hanse.audit.services import record
from hanse.core import moderation as registry
from hanse.core.errors import PermissionRefused, ServiceError
from hanse.identity.services import sessions_end_all
from hanse.moderation import rules, selectors
from hanse.moderation.models import REASON_CHARS, Decision, Hiding, Report, Suspension
from hanse.moderation.notifications import DECISION_NOTICE, REPORT_DECIDED
from hanse.moderation.policy import suspension_cache_key
from hanse.notifications.services import notify
from hanse.people.models import User

EXCERPT_CHARS = 1_000
MAX_SUSPENSION_DAYS = 365


def _reason(reason: str, *, required: bool = True) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise ServiceError(_("Give a reason; the person concerned will read it."), code="reason")
    if len(reason) > REASON_CHARS:
        raise ServiceError(
            _("The reason is too long (at most %(n)d characters).") % {"n": REASON_CHARS},
            code="reason",
        )
    return reason


def _changed_on_commit(mtype: registry.ModeratableType, obj: Any) -> None:
    if mtype.changed is not None and obj is not None:
        callback = mtype.changed
        transaction.on_commit(lambda: callback(obj))


def report_create(
    *, reporter: Any, kind: str, object_id: int, category: str, text: str = ""
) -> Report:
    """Report content the person can see (404 otherwise); one open report per person."""
    mtype, obj = selectors.get_reportable_for(viewer=reporter, kind=kind, object_id=object_id)
    author_id = mtype.author_id(obj)
    if not rules.may_report(reporter, author_id=author_id):
        raise PermissionRefused(_("You cannot report your own content."))
    if category not in Report.Category.values:
        raise ServiceError(_("Choose one of the offered reasons."), code="category")
    text = _reason(text, required=category == Report.Category.OTHER)
    exists = Report.objects.filter(
        kind=kind, object_id=obj.pk, reporter=reporter, status=Report.Status.OPEN
    ).exists()
    if exists:
        raise ServiceError(_("You have already reported this; moderators are looking at it."))
    try:
        with transaction.atomic():
            report = Report.objects.create(
                kind=kind,
                object_id=obj.pk,
                reporter=reporter,
                author_id=author_id,
                community_id=mtype.community_id(obj),
                category=category,
                text=text,
                excerpt=str(mtype.excerpt(obj))[:EXCERPT_CHARS],
                url=mtype.url(obj)[:500],
            )
            record(
                "moderation.reported",
                actor=reporter,
                target=(kind, obj.pk),
                data={"report": report.pk, "category": category},
            )
    except IntegrityError:
        # The same person reported the same content twice at the same moment.
        raise ServiceError(
            _("You have already reported this; moderators are looking at it.")
        ) from None
    return report


def _require_moderator(by: Any, kind: str, object_id: int) -> tuple[Any, Any, int | None]:
    """(type, object, author id) of content the person may act on."""
    mtype = selectors.get_type(kind)
    obj = selectors.content_of(kind, object_id)
    if obj is None:
        raise ServiceError(_("This content no longer exists."), code="gone", status=404)
    author_id = mtype.author_id(obj)
    if not rules.may_moderate(by, author_id=author_id, community_id=mtype.community_id(obj)):
        raise PermissionRefused(_("You may not moderate this content."))
    return mtype, obj, author_id


def _resolve_reports(*, kind: str, object_id: int, by: Any, outcome: str) -> list[Report]:
    reports = list(
        Report.objects.select_for_update().filter(
            kind=kind, object_id=object_id, status=Report.Status.OPEN
        )
    )
    now = timezone.now()
    for report in reports:
        report.status, report.outcome = Report.Status.RESOLVED, outcome
        report.decided_at, report.decided_by = now, by
        report.save(update_fields=["status", "outcome", "decided_at", "decided_by"])
    if reports:
        people = [r.reporter for r in reports]
        data = {"outcome": outcome, "excerpt": reports[0].excerpt[:200], "url": reports[0].url}
        transaction.on_commit(
            lambda: notify(type_key=REPORT_DECIDED.key, recipients=people, actor=None, data=data)
        )
    return reports


def _tell(subject_id: int | None, data: dict[str, Any]) -> None:
    if subject_id is None:
        return

    def send() -> None:
        person = User.objects.filter(pk=subject_id, is_active=True).first()
        if person is not None:
            notify(type_key=DECISION_NOTICE.key, recipients=[person], data=data)

    transaction.on_commit(send)


def _take_down(*, by: Any, kind: str, object_id: int, reason: str, state: str) -> Hiding:
    mtype, obj, author_id = _require_moderator(by, kind, object_id)
    reason = _reason(reason)
    action = Decision.Action.HIDE if state == Hiding.State.HIDDEN else Decision.Action.REMOVE
    with transaction.atomic():
        hiding, _created = Hiding.objects.update_or_create(
            kind=kind,
            object_id=obj.pk,
            defaults={
                "state": state,
                "author_id": author_id,
                "community_id": mtype.community_id(obj),
                "reason": reason,
                "by": by,
                "at": timezone.now(),
            },
        )
        Decision.objects.create(
            action=action, kind=kind, object_id=obj.pk, subject_id=author_id, reason=reason, by=by
        )
        reports = _resolve_reports(kind=kind, object_id=obj.pk, by=by, outcome=state)
        record(
            f"moderation.{state}",
            actor=by,
            target=(kind, obj.pk),
            data={"author": author_id, "reports": [r.pk for r in reports]},
        )
        _tell(
            author_id,
            {"action": action, "label": str(mtype.label), "reason": reason, "url": mtype.url(obj)},
        )
        _changed_on_commit(mtype, obj)
    return hiding


def content_hide(*, by: Any, kind: str, object_id: int, reason: str) -> Hiding:
    """Hide content (reversible): only its author (with the reason) and moderators see it."""
    return _take_down(by=by, kind=kind, object_id=object_id, reason=reason, state="hidden")


def content_remove(*, by: Any, kind: str, object_id: int, reason: str) -> Hiding:
    """Remove content: nobody but moderators sees it; the author is told the reason. It is
    kept for moderation (restorable) until retention deletes it."""
    return _take_down(by=by, kind=kind, object_id=object_id, reason=reason, state="removed")


def content_restore(*, by: Any, kind: str, object_id: int, reason: str = "") -> None:
    """Bring hidden or removed content back for everyone who may see it."""
    mtype, obj, author_id = _require_moderator(by, kind, object_id)
    reason = _reason(reason, required=False)
    with transaction.atomic():
        deleted, _rows = Hiding.objects.filter(kind=kind, object_id=obj.pk).delete()
        if not deleted:
            raise ServiceError(_("This content is not hidden."), code="not_hidden")
        Decision.objects.create(
            action=Decision.Action.RESTORE,
            kind=kind,
            object_id=obj.pk,
            subject_id=author_id,
            reason=reason,
            by=by,
        )
        record("moderation.restored", actor=by, target=(kind, obj.pk), data={"author": author_id})
        _tell(
            author_id,
            {
                "action": "restore",
                "label": str(mtype.label),
                "reason": reason,
                "url": mtype.url(obj),
            },
        )
        _changed_on_commit(mtype, obj)


def reports_dismiss(*, by: Any, kind: str, object_id: int, reason: str = "") -> int:
    """No violation: the open reports are closed and the reporters told."""
    _mtype, obj, author_id = _require_moderator(by, kind, object_id)
    reason = _reason(reason, required=False)
    with transaction.atomic():
        reports = _resolve_reports(kind=kind, object_id=obj.pk, by=by, outcome="dismissed")
        Decision.objects.create(
            action=Decision.Action.DISMISS,
            kind=kind,
            object_id=obj.pk,
            subject_id=author_id,
            reason=reason,
            by=by,
        )
        record(
            "moderation.dismissed",
            actor=by,
            target=(kind, obj.pk),
            data={"reports": [r.pk for r in reports]},
        )
    return len(reports)


def person_warn(*, by: Any, kind: str, object_id: int, reason: str) -> Decision:
    """Warn the author of reported content (they receive the reason)."""
    _mtype, obj, author_id = _require_moderator(by, kind, object_id)
    if author_id is None:
        raise ServiceError(_("This content has no author to warn."), code="no_author")
    reason = _reason(reason)
    with transaction.atomic():
        decision = Decision.objects.create(
            action=Decision.Action.WARN,
            kind=kind,
            object_id=obj.pk,
            subject_id=author_id,
            reason=reason,
            by=by,
        )
        record("moderation.warned", actor=by, target=("people.user", author_id), data={})
        _tell(author_id, {"action": "warn", "reason": reason})
    return decision


def person_suspend(
    *, by: Any, subject: Any, days: int, reason: str, request: HttpRequest | None = None
) -> Suspension:
    """Suspend a person for some days: they cannot sign in or use the API until it ends,
    and every session of theirs ends now (open WebSockets close)."""
    if not rules.may_suspend(by, subject):
        raise PermissionRefused(_("You may not suspend this person."))
    if not isinstance(days, int) or not 1 <= days <= MAX_SUSPENSION_DAYS:
        raise ServiceError(
            _("A suspension lasts from 1 to %(n)d days.") % {"n": MAX_SUSPENSION_DAYS},
            code="days",
        )
    reason = _reason(reason)
    now = timezone.now()
    with transaction.atomic():
        suspension = Suspension.objects.create(
            user=subject, starts_at=now, ends_at=now + timedelta(days=days), reason=reason, by=by
        )
        Decision.objects.create(
            action=Decision.Action.SUSPEND, subject=subject, reason=reason, by=by
        )
        record(
            "moderation.suspended",
            actor=by,
            target=subject,
            request=request,
            data={"days": days, "until": suspension.ends_at.isoformat()},
        )
        sessions_end_all(user=subject, actor=by, reason="suspended", request=request)
        key = suspension_cache_key(subject.pk)
        # Now for this process's next request, and after commit for the ones in between.
        cache.delete(key)
        transaction.on_commit(lambda: cache.delete(key))
        _tell(subject.pk, {"action": "suspend", "reason": reason})
    return suspension


def suspension_lift(*, by: Any, suspension: Suspension) -> Suspension:
    if not rules.may_suspend(by, suspension.user):
        raise PermissionRefused(_("You may not lift this suspension."))
    with transaction.atomic():
        if suspension.lifted_at is None:
            suspension.lifted_at = timezone.now()
            suspension.save(update_fields=["lifted_at"])
            Decision.objects.create(action=Decision.Action.LIFT, subject=suspension.user, by=by)
            record("moderation.suspension_lifted", actor=by, target=suspension.user, data={})
        key = suspension_cache_key(suspension.user_id)
        cache.delete(key)
        transaction.on_commit(lambda: cache.delete(key))
    return suspension
