"""Reads for company announcements: the pinned ones on the home feed, the archive, the
addressees and the aggregated confirmation figures."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hanse.core import privacy
from hanse.core.rules import is_platform_admin
from hanse.people.models import OrgUnit, User
from hanse.posts.models import Announcement, AnnouncementRead

PINNED_MAX = 5
# No figure is shown for fewer people than this: nobody can be singled out (staff council).
MIN_GROUP_SIZE = privacy.MIN_GROUP_SIZE


def _with_viewer_state(qs: QuerySet[Announcement], viewer: User) -> QuerySet[Announcement]:
    reads = AnnouncementRead.objects.filter(announcement_id=OuterRef("pk"), user_id=viewer.pk)
    return qs.annotate(
        viewer_read=Exists(reads),
        viewer_confirmed=Exists(reads.filter(confirmed_at__isnull=False)),
    )


def pinned_announcements_for(*, viewer: User) -> list[Announcement]:
    """Current announcements for the person that still wait for them: not yet dismissed, or for
    must-reads not yet confirmed. Must-reads first, then the newest; at most five."""
    if not viewer.is_authenticated:
        return []
    done = AnnouncementRead.objects.filter(announcement_id=OuterRef("pk"), user_id=viewer.pk)
    done = done.filter(Q(announcement__must_read=False) | Q(confirmed_at__isnull=False))
    qs = (
        Announcement.objects.addressed_to(viewer)
        .current()
        .exclude(Exists(done))
        .select_related("author")
        .order_by("-must_read", "-publish_at", "-id")
    )
    return list(qs[:PINNED_MAX])


def announcements_archive(*, viewer: User) -> QuerySet[Announcement]:
    """Every published announcement the person may see, expired ones included, newest first,
    with whether the viewer has read and confirmed each one."""
    qs = Announcement.objects.visible_to(viewer).published().select_related("author")
    return _with_viewer_state(qs, viewer).order_by("-publish_at", "-id")


def announcements_in_preparation(*, viewer: User) -> QuerySet[Announcement]:
    """Drafts and scheduled announcements the person may edit (own ones; all for admins)."""
    if not viewer.is_authenticated or not viewer.is_active:
        return Announcement.objects.none()
    qs = Announcement.objects.all() if is_platform_admin(viewer) else viewer.announcements.all()
    waiting = Q(is_draft=True) | Q(publish_at__gt=timezone.now())
    return qs.filter(waiting).select_related("author").order_by("-updated_at", "-id")


def get_announcement_for(*, viewer: User, announcement_id: int) -> Announcement:
    """The announcement if the person may see it, else 404."""
    qs = _with_viewer_state(Announcement.objects.visible_to(viewer), viewer)
    announcement = (
        qs.select_related("author").prefetch_related("audience_units").filter(pk=announcement_id)
    ).first()
    if announcement is None:
        raise Http404(_("This announcement does not exist."))
    return announcement


def announcement_addressees(*, announcement: Announcement) -> QuerySet[User]:
    """Active people the announcement is for: everyone, or the members of the chosen units and
    all units below them (the same rule as ``Announcement.objects.addressed_to``)."""
    people = User.objects.filter(is_active=True)
    paths = [unit.path for unit in announcement.audience_units.all()]
    if not paths:
        return people
    return people.filter(reduce(or_, (Q(org_unit__path__startswith=p) for p in paths)))


def unconfirmed_addressees(*, announcement: Announcement) -> QuerySet[User]:
    """Addressed people without a confirmation, by name, with their unit."""
    confirmed = AnnouncementRead.objects.filter(
        announcement_id=announcement.pk, user_id=OuterRef("pk"), confirmed_at__isnull=False
    )
    return (
        announcement_addressees(announcement=announcement)
        .exclude(Exists(confirmed))
        .select_related("org_unit")
        .order_by("last_name", "first_name", "username")
    )


@dataclass
class UnitStats:
    """One row of the figures: a unit with the people merged into it from small sub-units.
    A figure is None where the minimum group rule (hanse/core/privacy.py) hides it."""

    label: str
    depth: int
    addressed: int | None
    confirmed: int | None

    @property
    def suppressed(self) -> bool:
        """Fewer than MIN_GROUP_SIZE people: no figures at all."""
        return self.addressed is None

    @property
    def indent(self) -> str:
        return "\u2003" * self.depth

    @property
    def share(self) -> int | None:
        return privacy.share(self.confirmed, self.addressed)


@dataclass
class AnnouncementStats:
    """The totals; each None where the minimum group rule hides it."""

    addressed: int | None
    confirmed: int | None
    read: int | None
    rows: list[UnitStats] = field(default_factory=list)
    min_group_size: int = MIN_GROUP_SIZE

    @property
    def share(self) -> int | None:
        return privacy.share(self.confirmed, self.addressed)


def announcement_stats(*, announcement: Announcement) -> AnnouncementStats:
    """Addressed, read and confirmed counts in total and per org unit.

    A unit with fewer than MIN_GROUP_SIZE addressed people is merged into its parent; what
    remains too small at the top of the tree (and people without a unit) is shown as "fewer
    than 5" without figures. Every count, totals included, then follows the minimum group
    rule (``hanse.core.privacy``): no figure, and no difference of figures, counts between
    one and four people, so no individual can be singled out.
    """
    confirmed = AnnouncementRead.objects.filter(
        announcement_id=announcement.pk, user_id=OuterRef("pk"), confirmed_at__isnull=False
    )
    read = AnnouncementRead.objects.filter(announcement_id=announcement.pk, user_id=OuterRef("pk"))
    per_unit = list(
        announcement_addressees(announcement=announcement)
        .annotate(is_confirmed=Exists(confirmed), is_read=Exists(read))
        .order_by()
        .values("org_unit_id")
        .annotate(
            n=Count("pk"),
            c=Count("pk", filter=Q(is_confirmed=True)),
            r=Count("pk", filter=Q(is_read=True)),
        )
    )
    counts: dict[int | None, list[int]] = {}
    for row in per_unit:
        counts[row["org_unit_id"]] = [row["n"], row["c"]]
    total = sum(v[0] for v in counts.values())
    total_read = sum(row["r"] for row in per_unit)

    # The units involved and all their ancestors, from the materialised paths.
    units = {u.pk: u for u in OrgUnit.objects.filter(pk__in=[k for k in counts if k])}
    ancestor_ids = {int(part) for u in units.values() for part in u.path.split(".") if part}
    missing = ancestor_ids - units.keys()
    if missing:
        units.update({u.pk: u for u in OrgUnit.objects.filter(pk__in=missing)})

    # Bottom-up: a unit too small for figures hands its people to its parent.
    merged: dict[int, list[int]] = {pk: [0, 0] for pk in units}
    for pk, (n, c) in counts.items():
        if pk is not None and pk in merged:
            merged[pk][0] += n
            merged[pk][1] += c
    for unit in sorted(units.values(), key=lambda u: -u.depth):
        n, c = merged[unit.pk]
        if 0 < n < MIN_GROUP_SIZE and unit.parent_id is not None and unit.parent_id in merged:
            merged[unit.parent_id][0] += n
            merged[unit.parent_id][1] += c
            merged[unit.pk] = [0, 0]

    # The rows: disjoint groups that together are everyone addressed.
    groups: list[tuple[str, int, int, int]] = [
        (unit.name, unit.depth, merged[unit.pk][0], merged[unit.pk][1])
        for unit in sorted(units.values(), key=lambda u: u.path)
        if merged[unit.pk][0]
    ]
    if None in counts:
        groups.append((str(_("Without an org unit")), 0, counts[None][0], counts[None][1]))
    shown, total_confirmed = privacy.group_counts([(c, n) for _l, _d, n, c in groups])
    rows = [
        UnitStats(
            label=label, depth=depth, addressed=privacy.group_size(n), confirmed=confirmed_shown
        )
        for (label, depth, n, _c), confirmed_shown in zip(groups, shown, strict=True)
    ]
    return AnnouncementStats(
        addressed=privacy.group_size(total),
        confirmed=total_confirmed,
        # Of a must-read only confirmations are reported: read-but-not-confirmed would be
        # the difference of two figures, a group of its own.
        read=None if announcement.must_read else privacy.group_count(total_read, total),
        rows=rows,
    )


def compliance_accesses(*, announcement: Announcement) -> QuerySet:
    """The log of looks at the named list, newest first."""
    return announcement.list_accesses.select_related("viewer").order_by("-accessed_at", "-id")


def audience_unit_choices() -> QuerySet[OrgUnit]:
    """All org units in tree order, for the audience picker."""
    return OrgUnit.objects.order_by("path").only("id", "name", "depth", "path")
