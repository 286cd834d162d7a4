"""Reads of circles and the multipliers' programme. Circle content goes through
``Circle.objects.visible_to`` (members only) and, inside a circle, through the member's own
rows: another member sees a goal or a relationship only where its owner shared it."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from hanse.circles import rules
from hanse.circles.matching import evaluate, hard_rule_breaks
from hanse.circles.models import (
    CheckIn,
    Circle,
    CircleMember,
    CircleRound,
    FriendCircle,
    Multiplier,
    Relationship,
    Retrospective,
    SignUp,
    WeekAgenda,
)
from hanse.circles.models.circles import slot_label
from hanse.circles.people import location_of, people_of, slots_of
from hanse.events import recurrence
from hanse.people.models import Location, OrgUnit, User

# --- rounds ------------------------------------------------------------------------------


def rounds_for(*, viewer: User) -> QuerySet[CircleRound]:
    """Every employee may know which rounds exist (name and dates)."""
    if not viewer.is_authenticated or not viewer.is_active:
        return CircleRound.objects.none()
    return CircleRound.objects.all()


def get_round_for(*, viewer: User, round_id: int) -> CircleRound:
    found = rounds_for(viewer=viewer).filter(pk=round_id).first()
    if found is None:
        raise Http404(_("This round does not exist."))
    return found


def my_signup(*, viewer: User, round_: CircleRound) -> SignUp | None:
    return SignUp.objects.filter(round=round_, user=viewer).prefetch_related("wishes").first()


def my_signups(*, viewer: User) -> dict[int, SignUp]:
    return {s.round_id: s for s in SignUp.objects.filter(user=viewer)}


# --- circles -----------------------------------------------------------------------------


def my_circles(*, viewer: User) -> QuerySet[Circle]:
    return Circle.objects.visible_to(viewer).select_related("location", "round")


def get_circle_for(*, viewer: User, circle_id: int) -> Circle:
    """The circle, for its members; 404 for everyone else (coordinators and administrators
    included), as for a circle that does not exist."""
    found = (
        my_circles(viewer=viewer).select_related("event", "channel").filter(pk=circle_id).first()
    )
    if found is None:
        raise Http404(_("This circle does not exist."))
    return found


def week_of(circle: Circle, today: dt.date | None = None) -> int:
    """The circle's current week: 0 before it starts, weeks + 1 once it is over."""
    today = today or timezone.localdate()
    if today < circle.starts_on:
        return 0
    return min((today - circle.starts_on).days // 7 + 1, circle.weeks + 1)


@dataclass
class MemberView:
    member: CircleMember
    is_me: bool
    goal: str  # "" when not shared (and not mine)
    relationships: list[Relationship] = field(default_factory=list)


@dataclass
class Space:
    circle: Circle
    me: CircleMember
    week: int
    members: list[MemberView]
    facilitator: User | None
    agenda: WeekAgenda | None
    agendas: list[WeekAgenda]
    my_relationships: list[Relationship]
    my_checkin: CheckIn | None
    next_meeting: Any
    slot: str


def facilitator_of(members: list[CircleMember], week: int) -> User | None:
    """The facilitator rotates week by week in the members' order."""
    if not members or week < 1:
        return members[0].user if members else None
    return members[(week - 1) % len(members)].user


def circle_space(*, viewer: User, circle: Circle) -> Space:
    members = list(
        CircleMember.objects.filter(circle=circle)
        .select_related("user", "user__org_unit", "user__location")
        .prefetch_related(
            Prefetch(
                "relationships",
                queryset=Relationship.objects.order_by("created_at", "id"),
            )
        )
    )
    me = next((m for m in members if m.user_id == viewer.pk), None)
    if me is None:
        raise Http404(_("This circle does not exist."))
    week = week_of(circle)
    views = [
        MemberView(
            member=m,
            is_me=m.pk == me.pk,
            goal=m.goal if rules.sees_goal(me, m) else "",
            relationships=[r for r in m.relationships.all() if rules.sees_relationship(me, m, r)],
        )
        for m in members
    ]
    agendas = list(WeekAgenda.objects.filter(week__lte=circle.weeks))
    current = next((a for a in agendas if a.week == week), None)
    next_meeting = None
    if circle.event is not None:
        now = timezone.now()
        upcoming = recurrence.occurrences(circle.event, start=now, end=now + dt.timedelta(days=15))
        next_meeting = upcoming[0] if upcoming else None
    return Space(
        circle=circle,
        me=me,
        week=week,
        members=views,
        facilitator=facilitator_of(members, week),
        agenda=current,
        agendas=agendas,
        my_relationships=list(me.relationships.all()),
        my_checkin=CheckIn.objects.filter(member=me, week=min(max(week, 1), circle.weeks)).first(),
        next_meeting=next_meeting,
        slot=slot_label(circle.slot),
    )


@dataclass
class ProgressWeek:
    week: int
    title: str
    checkin: CheckIn | None
    current: bool


def progress(*, viewer: User, circle: Circle) -> list[ProgressWeek]:
    """The member's own check-ins over the circle's weeks."""
    checkins = {
        c.week: c for c in CheckIn.objects.filter(member__circle=circle, member__user=viewer)
    }
    titles = dict(WeekAgenda.objects.values_list("week", "title"))
    week = week_of(circle)
    return [
        ProgressWeek(week=w, title=titles.get(w, ""), checkin=checkins.get(w), current=w == week)
        for w in range(1, circle.weeks + 1)
    ]


# --- coordination --------------------------------------------------------------------------


@dataclass
class ProposedPerson:
    signup_id: int
    name: str
    unit: str
    location: str


@dataclass
class ProposedCircle:
    index: int
    people: list[ProposedPerson]
    slots: list[str]
    place: str
    fits: bool
    breaks: list[str] = field(default_factory=list)  # the hard rules broken, in words


@dataclass
class Proposal:
    circles: list[ProposedCircle]
    unplaced: list[ProposedPerson]
    objective: dict[str, int]
    signups: int


def proposal_for(*, viewer: User, round_: CircleRound) -> Proposal | None:
    """The proposal for the coordinator: names, units and locations, the common slots and
    the objective's parts. Never a goal and never a wish."""
    if not rules.is_coordinator(viewer):
        raise Http404(_("This round does not exist."))
    if not round_.proposal:
        return None
    signups = {
        s.pk: s
        for s in SignUp.objects.filter(round=round_).select_related(
            "user", "user__org_unit", "user__location", "location"
        )
    }
    people = {p.id: p for p in people_of(list(signups.values()))}
    locations = dict(Location.objects.values_list("id", "name"))

    def person(sid: int) -> ProposedPerson:
        s = signups[sid]
        return ProposedPerson(
            signup_id=sid,
            name=s.user.display_name,
            unit=s.user.org_unit.name if s.user.org_unit else "",
            location=s.user.location.name if s.user.location else "",
        )

    circles = []
    raw = [[i for i in c if i in signups] for c in round_.proposal.get("circles", [])]
    for index, ids in enumerate(raw):
        slots, venues = -1, -1
        for i in ids:
            slots &= people[i].slots
            venues &= people[i].venues
        place = ""
        if ids and venues > 0:
            place = _("online") if venues & 1 else locations.get(location_of(venues) or 0, "")
        fits = (
            round_.min_size <= len(ids) <= round_.max_size
            and slots > 0
            and venues > 0
            and evaluate(list(people.values()), [ids], [], min_size=1, max_size=99).hard_violations
            == 0
        )
        circles.append(
            ProposedCircle(
                index=index,
                people=[person(i) for i in ids],
                slots=[slot_label(s) for s in slots_of(slots)] if ids and slots > 0 else [],
                place=place,
                fits=fits,
                breaks=_rule_words(list(people.values()), ids, round_),
            )
        )
    unplaced = [person(i) for i in round_.proposal.get("unplaced", []) if i in signups]
    return Proposal(
        circles=circles,
        unplaced=unplaced,
        objective=round_.proposal.get("objective", {}),
        signups=len(signups),
    )


def roster_for(*, viewer: User) -> list[tuple[CircleRound, list[Circle], int]]:
    """For coordinators: who is in which circle and whether it meets (its slot and state),
    never what is said."""
    if not rules.is_coordinator(viewer):
        raise Http404
    circles = (
        Circle.objects.filter(round__isnull=False)
        .select_related("location")
        .prefetch_related(Prefetch("members", queryset=CircleMember.objects.select_related("user")))
    )
    by_round: dict[int, list[Circle]] = defaultdict(list)
    for c in circles:
        by_round[c.round_id or 0].append(c)
    counts = signup_counts()
    return [(r, by_round.get(r.pk, []), counts.get(r.pk, 0)) for r in CircleRound.objects.all()]


def signup_counts() -> dict[int, int]:
    return dict(
        SignUp.objects.values("round_id").annotate(n=Count("id")).values_list("round_id", "n")
    )


# --- multipliers ---------------------------------------------------------------------------


def multipliers_for(*, viewer: User) -> QuerySet[Multiplier]:
    return (
        Multiplier.objects.visible_to(viewer)
        .filter(status=Multiplier.Status.APPROVED)
        .select_related("user", "user__org_unit", "user__location")
    )


def regions() -> dict[int, str]:
    """Location id -> region: the division above the branch unit at that location; the head
    office is a region of its own."""
    found: dict[int, str] = {}
    branches = OrgUnit.objects.filter(location__isnull=False).select_related("parent")
    for unit in branches.order_by("depth"):
        if unit.location_id is None:
            continue
        if unit.kind == OrgUnit.Kind.BRANCH and unit.parent is not None:
            found[unit.location_id] = unit.parent.name
    for loc in Location.objects.all():
        if loc.kind == Location.Kind.HEAD_OFFICE:
            found[loc.pk] = loc.name
        found.setdefault(loc.pk, _("Other sites"))
    return found


def _postal(loc: Location | None) -> int:
    try:
        return int((loc.postal_code if loc else "") or 0)
    except ValueError:
        return 0


def nearest_multipliers(*, viewer: User, limit: int = 5) -> list[Multiplier]:
    """Multipliers nearest to the viewer's branch: the same location, then the same region,
    then by postal code (German postal codes that are close are, roughly, places that are)."""
    region_of = regions()
    mine = viewer.location
    my_region = region_of.get(mine.pk) if mine else None
    found = [m for m in multipliers_for(viewer=viewer) if m.user_id != viewer.pk]

    def distance(m: Multiplier) -> tuple[int, int, str]:
        loc = m.user.location
        same_place = 0 if mine and loc and loc.pk == mine.pk else 1
        same_region = 0 if loc and my_region and region_of.get(loc.pk) == my_region else 1
        return (same_place + same_region, abs(_postal(loc) - _postal(mine)), m.user.last_name)

    return sorted(found, key=distance)[:limit]


def multipliers_by_region(*, viewer: User) -> list[tuple[str, list[tuple[str, list[Multiplier]]]]]:
    """Region -> location -> multipliers, sorted by name."""
    region_of = regions()
    grouped: dict[str, dict[str, list[Multiplier]]] = defaultdict(lambda: defaultdict(list))
    for m in multipliers_for(viewer=viewer):
        loc = m.user.location
        region = region_of.get(loc.pk, _("Other sites")) if loc else _("Other sites")
        grouped[region][loc.name if loc else _("Without a location")].append(m)
    return [(region, sorted(places.items())) for region, places in sorted(grouped.items())]


@dataclass
class Coverage:
    branches_without: list[Location]
    departments_without: list[OrgUnit]
    branches_total: int
    departments_total: int
    pending: list[Multiplier]


def coverage_for(*, viewer: User) -> Coverage:
    """For coordinators: which branches and departments have no multiplier yet."""
    if not rules.is_coordinator(viewer):
        raise Http404
    approved = Multiplier.objects.filter(
        status=Multiplier.Status.APPROVED, user__is_active=True
    ).select_related("user__org_unit")
    covered_locations = {m.user.location_id for m in approved}
    paths = [m.user.org_unit.path for m in approved if m.user.org_unit]
    branches = list(Location.objects.filter(kind=Location.Kind.BRANCH))
    departments = list(OrgUnit.objects.filter(kind=OrgUnit.Kind.DEPARTMENT))
    return Coverage(
        branches_without=[b for b in branches if b.pk not in covered_locations],
        departments_without=[
            d for d in departments if not any(p.startswith(d.path) for p in paths)
        ],
        branches_total=len(branches),
        departments_total=len(departments),
        pending=list(
            Multiplier.objects.filter(status=Multiplier.Status.PENDING).select_related(
                "user", "user__org_unit", "user__location"
            )
        ),
    )


def get_pending_multiplier_for(*, viewer: User, multiplier_id: int) -> Multiplier:
    if not rules.is_coordinator(viewer):
        raise Http404
    found = Multiplier.objects.filter(pk=multiplier_id).select_related("user").first()
    if found is None:
        raise Http404
    return found


# --- friends forming a circle (wt/leftovers) -------------------------------------------------


def my_friend_circles(*, viewer: User) -> list[FriendCircle]:
    """The proposals this person made or is invited to, still open or recently decided."""
    return list(
        FriendCircle.objects.visible_to(viewer)
        .select_related("initiator", "location")
        .prefetch_related("invites__user")
        .order_by("-created_at", "-id")[:20]
    )


def get_friend_circle_for(*, viewer: User, proposal_id: int) -> FriendCircle:
    """A proposal, for who made it and who is invited; 404 for everyone else."""
    found = (
        FriendCircle.objects.visible_to(viewer)
        .select_related("initiator", "location", "circle")
        .prefetch_related("invites__user")
        .filter(pk=proposal_id)
        .first()
    )
    if found is None:
        raise Http404(_("This circle does not exist."))
    return found


# --- completing a circle (wt/leftovers) --------------------------------------------------------


def my_retrospective(*, viewer: User, circle: Circle) -> Retrospective | None:
    return (
        Retrospective.objects.filter(member__circle=circle, member__user=viewer)
        .select_related("story_post")
        .first()
    )


def shared_retrospectives(*, viewer: User, circle: Circle) -> list[Retrospective]:
    """The retrospectives other members shared with this circle (``rules.sees_retrospective``)."""
    me = CircleMember.objects.filter(circle=circle, user=viewer).first()
    if me is None:
        return []
    found = Retrospective.objects.filter(member__circle=circle).select_related("member__user")
    return [r for r in found if r.member_id != me.pk and rules.sees_retrospective(me, r.member, r)]


# --- live hard-rule checks while moving people (wt/leftovers) -------------------------------


def _rule_words(people: list[Any], ids: list[int], round_: CircleRound) -> list[str]:
    words = {
        "too_large": _("more than %(max)d people") % {"max": round_.max_size},
        "too_small": _("fewer than %(min)d people") % {"min": round_.min_size},
        "no_time": _("no common weekly time"),
        "no_place": _("no common place (online or on site)"),
        "no_language": _("no common language"),
        "ruled_out": _("a sign-up rules out someone in it"),
    }
    found = hard_rule_breaks(people, ids, min_size=round_.min_size, max_size=round_.max_size)
    return [words[b] for b in found]


@dataclass
class MoveCheck:
    target: str  # "" for "not placed"
    target_breaks: list[str]
    source: str
    source_breaks: list[str]


def move_check(*, viewer: User, round_: CircleRound, signup_id: int, to: int | None) -> MoveCheck:
    """What moving a person would do to the hard rules, before the move: the circle they go
    to and the one they leave (the server checks again on the move and on confirming)."""
    if not rules.may_review_matching(viewer, round_) or not round_.proposal:
        raise Http404(_("This round does not exist."))
    circles: list[list[int]] = [list(c) for c in round_.proposal.get("circles", [])]
    if to is not None and not -1 <= to < len(circles):
        raise Http404(_("This circle does not exist."))
    source_index = next((i for i, c in enumerate(circles) if signup_id in c), None)
    if source_index is None and signup_id not in round_.proposal.get("unplaced", []):
        raise Http404(_("This person is not part of the proposal."))
    people = people_of(list(SignUp.objects.filter(round=round_)))
    target_name, target_breaks = "", []
    if to is not None and to != source_index:
        ids = [signup_id] if to == -1 else [*circles[to], signup_id]
        target_name = _("A new circle") if to == -1 else _("Circle %(n)s") % {"n": to + 1}
        target_breaks = _rule_words(people, ids, round_)
        if to == -1:
            # A new circle starts with one person; being small is expected, not a break.
            small = _("fewer than %(min)d people") % {"min": round_.min_size}
            target_breaks = [b for b in target_breaks if b != small]
    source_name, source_breaks = "", []
    if source_index is not None and to != source_index:
        rest = [i for i in circles[source_index] if i != signup_id]
        source_name = _("Circle %(n)s") % {"n": source_index + 1}
        source_breaks = _rule_words(people, rest, round_) if rest else []
    return MoveCheck(target_name, target_breaks, source_name, source_breaks)
