"""Reads of moderation: the reportable object, the queues, a case and its history."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, Min, Q, QuerySet
from django.http import Http404

from hanse.core import moderation as registry
from hanse.core.rules import is_active_user, is_platform_admin
from hanse.moderation import rules
from hanse.moderation.models import Decision, Hiding, Report, Suspension
from hanse.people.models import User


def get_type(kind: str) -> registry.ModeratableType:
    mtype = registry.get(kind)
    if mtype is None:
        raise Http404
    return mtype


def get_reportable_for(*, viewer: Any, kind: str, object_id: int) -> tuple[Any, Any]:
    """(type, object) the person can see, else 404 (unknown and invisible alike)."""
    mtype = get_type(kind)
    if not is_active_user(viewer):
        raise Http404
    obj = mtype.visible_to(viewer).filter(pk=object_id).first()
    if obj is None:
        raise Http404
    return mtype, obj


def content_of(kind: str, object_id: int) -> Any | None:
    """The object itself, for moderators acting on a report (whatever ``visible_to`` says)."""
    mtype = registry.get(kind)
    if mtype is None:
        return None
    return mtype.model._default_manager.filter(pk=object_id).first()


def queue_for(user: Any) -> QuerySet[Report]:
    """Open reports the person may act on: all for platform moderators, their communities'
    for community moderators; never about their own content."""
    if not is_active_user(user):
        return Report.objects.none()
    qs = Report.objects.filter(status=Report.Status.OPEN)
    if not rules.is_platform_moderator(user):
        qs = qs.filter(community_id__in=rules.moderated_community_ids(user))
    return qs.exclude(author_id=user.pk)


@dataclass
class Case:
    kind: str
    object_id: int
    label: str
    count: int
    first_at: Any
    last_at: Any
    excerpt: str = ""
    author: Any = None
    community: Any = None
    categories: list[str] = field(default_factory=list)


def cases_for(user: Any) -> list[Case]:
    """The queue grouped by content, oldest first (the one waiting longest on top)."""
    rows = list(
        queue_for(user)
        .values("kind", "object_id")
        .annotate(count=Count("id"), first_at=Min("created_at"), last_id=Max("id"))
        .order_by("first_at")[:200]
    )
    latest = {
        r.pk: r
        for r in Report.objects.filter(pk__in=[row["last_id"] for row in rows]).select_related(
            "author", "community"
        )
    }
    cases = []
    for row in rows:
        report = latest[row["last_id"]]
        mtype = registry.get(row["kind"])
        cases.append(
            Case(
                kind=row["kind"],
                object_id=row["object_id"],
                label=str(mtype.label) if mtype else row["kind"],
                count=row["count"],
                first_at=row["first_at"],
                last_at=report.created_at,
                excerpt=report.excerpt,
                author=report.author,
                community=report.community,
            )
        )
    return cases


def case_reports(*, viewer: Any, kind: str, object_id: int) -> list[Report]:
    """The open reports of one content the person may act on; 404 when there are none."""
    reports = list(
        queue_for(viewer)
        .filter(kind=kind, object_id=object_id)
        .select_related("reporter", "author", "community")
        .order_by("id")
    )
    if not reports:
        raise Http404
    return reports


def hiding_of(kind: str, object_id: int) -> Hiding | None:
    return Hiding.objects.filter(kind=kind, object_id=object_id).first()


def content_history(kind: str, object_id: int) -> QuerySet[Report]:
    """Earlier (decided) reports on the same content."""
    return (
        Report.objects.filter(kind=kind, object_id=object_id)
        .exclude(status=Report.Status.OPEN)
        .select_related("reporter", "decided_by")
        .order_by("-id")[:50]
    )


def person_history(person_id: int | None) -> dict[str, Any]:
    """Earlier reports about the person's content and decisions about them."""
    if person_id is None:
        return {"reports": [], "decisions": [], "suspensions": []}
    return {
        "reports": list(
            Report.objects.filter(author_id=person_id)
            .exclude(status=Report.Status.OPEN)
            .order_by("-id")[:50]
        ),
        "decisions": list(
            Decision.objects.filter(subject_id=person_id).select_related("by").order_by("-id")[:50]
        ),
        "suspensions": list(Suspension.objects.filter(user_id=person_id).order_by("-id")[:20]),
    }


def hidden_notices(*, viewer: Any, kind: str, ids: list[int] | None = None) -> dict[int, Hiding]:
    """The hidden or removed objects of this type the person still sees, by id: their own
    hidden ones and, for moderators, those they moderate. One query per type and page, with
    whether the person is a platform moderator decided inside it (no permission queries)."""
    if not is_active_user(viewer):
        return {}
    qs = Hiding.objects.filter(kind=kind)
    if ids is not None:
        qs = qs.filter(object_id__in=ids)
    if not is_platform_admin(viewer):
        direct, grouped = rules.holds_platform_permission(viewer)
        qs = qs.filter(
            Q(state=Hiding.State.HIDDEN, author_id=viewer.pk)
            | Q(community_id__in=rules.moderated_community_ids(viewer))
            | Q(direct)
            | Q(grouped)
        )
    return {h.object_id: h for h in qs}


def person(person_id: int | None) -> Any:
    if person_id is None:
        return None
    return User.objects.filter(pk=person_id).first()
