"""Reads of the Connectoren programme: the onboarding checklist (one's own; coordinators see
counts only), the programme's community and meetups, stories, and the schematic map."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from hanse.circles import rules, schematic
from hanse.circles.models import (
    ConnectorStory,
    Multiplier,
    OnboardingItem,
    OnboardingTick,
    Programme,
)
from hanse.circles.selectors import _postal, regions
from hanse.communities.models import Community
from hanse.events import selectors as event_selectors
from hanse.events.recurrence import Occurrence
from hanse.people.models import Location, User
from hanse.posts.models import Post

MEETUP_HORIZON = dt.timedelta(days=120)

# --- onboarding ----------------------------------------------------------------------------


@dataclass
class Step:
    item: OnboardingItem
    done: bool


def onboarding_for(*, viewer: User) -> list[Step]:
    """One's own checklist (approved Connectoren only; anyone else gets a 404)."""
    if not rules.may_onboard(viewer):
        raise Http404
    done = set(OnboardingTick.objects.filter(user=viewer).values_list("item_id", flat=True))
    return [Step(item=i, done=i.pk in done) for i in OnboardingItem.objects.all()]


def get_onboarding_item(*, item_id: int) -> OnboardingItem:
    found = OnboardingItem.objects.filter(pk=item_id).first()
    if found is None:
        raise Http404
    return found


@dataclass
class StepProgress:
    item: OnboardingItem
    done: int | None  # None: too few Connectoren to show counts


@dataclass
class OnboardingProgress:
    connectoren: int
    shown: bool  # counts are shown from rules.ONBOARDING_MIN_GROUP Connectoren on
    steps: list[StepProgress]
    all_done: int | None
    none_done: int | None


def onboarding_progress(*, viewer: User) -> OnboardingProgress:
    """For coordinators: how many Connectoren ticked each step, never who."""
    if not rules.may_manage_onboarding(viewer):
        raise Http404
    approved = Multiplier.objects.filter(status=Multiplier.Status.APPROVED, user__is_active=True)
    people = approved.values("user_id")
    total = approved.count()
    shown = total >= rules.ONBOARDING_MIN_GROUP
    # Meta.ordering does not apply to an aggregating query: the order is spelled here.
    items = list(
        OnboardingItem.objects.annotate(
            n_done=Count("ticks", filter=Q(ticks__user_id__in=people))
        ).order_by("position", "id")
    )
    per_person = (
        OnboardingTick.objects.filter(user_id__in=people, item__in=[i.pk for i in items])
        .values("user_id")
        .annotate(n=Count("id"))
        .values_list("n", flat=True)
    )
    counts = list(per_person)
    return OnboardingProgress(
        connectoren=total,
        shown=shown,
        steps=[StepProgress(item=i, done=i.n_done if shown else None) for i in items],
        all_done=sum(1 for n in counts if items and n >= len(items)) if shown else None,
        none_done=total - len(counts) if shown else None,
    )


# --- community and meetups -----------------------------------------------------------------


def programme_community() -> Community | None:
    programme = Programme.objects.select_related("community").filter(pk=1).first()
    return programme.community if programme else None


def meetups_for(*, viewer: User, limit: int = 4) -> list[Occurrence]:
    """The next meetups: the community's events the viewer may see (events' own rule)."""
    community = programme_community()
    if community is None:
        return []
    now = timezone.now()
    return event_selectors.calendar(
        viewer=viewer, start=now, end=now + MEETUP_HORIZON, community=community
    )[:limit]


def may_see_community(*, viewer: User, community: Community | None) -> bool:
    return (
        community is not None
        and Community.objects.visible_to(viewer).filter(pk=community.pk).exists()
    )


def may_read_community(*, viewer: User, community: Community | None) -> bool:
    """Whether the viewer reads the community's content (its meetups among it)."""
    return (
        community is not None
        and Community.objects.content_visible_to(viewer).filter(pk=community.pk).exists()
    )


# --- stories -------------------------------------------------------------------------------


def stories_for(*, viewer: User) -> QuerySet[ConnectorStory]:
    """Stories whose post the viewer may read (the posts' own rule), newest first."""
    return (
        ConnectorStory.objects.filter(post__in=Post.objects.visible_to(viewer).values("id"))
        .select_related("post", "author", "author__org_unit", "author__location")
        .order_by("-created_at", "-id")
    )


def taggable_posts(*, viewer: User, limit: int = 20) -> list[Post]:
    """One's own recent company-wide posts that are not a story yet."""
    if not rules.may_tell_story(viewer):
        return []
    return list(
        Post.objects.filter(
            author=viewer, scope=Post.Scope.COMPANY, connector_story__isnull=True
        ).order_by("-id")[:limit]
    )


def get_own_post(*, viewer: User, post_id: int) -> Post:
    found = Post.objects.filter(pk=post_id, author=viewer).first()
    if found is None:
        raise Http404
    return found


# --- the schematic map ---------------------------------------------------------------------


@dataclass
class MapRow:
    location: Location
    region: str
    count: int
    mine: bool


@dataclass
class CoverageMap:
    wide: schematic.Layout
    narrow: schematic.Layout
    rows: list[MapRow]
    covered: int
    total: int


def coverage_map(*, viewer: User) -> CoverageMap:
    """Every place of the bank with its number of Connectoren, grouped by region."""
    region_of = regions()
    counts = dict(
        Multiplier.objects.filter(
            status=Multiplier.Status.APPROVED,
            user__is_active=True,
            user__location__isnull=False,
        )
        .values_list("user__location_id")
        .annotate(n=Count("id"))
        .values_list("user__location_id", "n")
    )
    mine = viewer.location_id
    locations = sorted(Location.objects.all(), key=lambda loc: (_postal(loc), loc.name))
    rows = [
        MapRow(
            location=loc,
            region=region_of.get(loc.pk, ""),
            count=counts.get(loc.pk, 0),
            mine=loc.pk == mine,
        )
        for loc in locations
    ]
    grouped: dict[str, list[schematic.Node]] = {}
    for row in rows:
        grouped.setdefault(row.region, []).append(
            schematic.Node(
                location_id=row.location.pk,
                name=row.location.name,
                label=row.location.name,
                count=row.count,
                mine=row.mine,
            )
        )
    # Head office first, then regions in postal-code order of their first place.
    ordered = sorted(
        grouped.items(),
        key=lambda kv: (
            not any(
                r.location.kind == Location.Kind.HEAD_OFFICE and r.region == kv[0] for r in rows
            ),
            next((i for i, r in enumerate(rows) if r.region == kv[0]), 0),
        ),
    )
    rows.sort(key=lambda r: ([k for k, _v in ordered].index(r.region), _postal(r.location)))
    return CoverageMap(
        wide=schematic.layout(ordered, columns=2, per_row=3),
        narrow=schematic.layout(ordered, columns=1, per_row=3),
        rows=rows,
        covered=sum(1 for r in rows if r.count),
        total=len(rows),
    )
