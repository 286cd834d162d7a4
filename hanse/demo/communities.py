# ruff: noqa: RUF001 - German typography uses the en dash
"""Communities: the Connectoren and the others, with roles, join requests and invitations.

Memberships are written in bulk here rather than through the communities services (one call
per membership would make the large size take hours); ``member_count`` is set from the same
list, so it always equals the number of memberships.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.text import slugify

from hanse.communities.models import Community, Invitation, JoinRequest, Membership
from hanse.demo import data
from hanse.demo.context import (
    DemoContext,
    PersonPlan,
    UnitPlan,
    ascii_fold,
    bulk_create,
    explicit_timestamps,
)
from hanse.people.models import OrgUnit

Role = Membership.Role
Weight = Callable[[PersonPlan], float]

JOIN_MESSAGES = (
    "Ich würde gern mitlesen und mich einbringen.",
    "Darf ich dazukommen? Das Thema betrifft meine Filiale direkt.",
    "Meine Teamleitung hat mir die Community empfohlen.",
    "",
)


@dataclass(eq=False)
class _Community:
    plan: data.CommunityPlan
    weight: Weight
    owners_first: list[PersonPlan] = field(default_factory=list)
    roles: dict[int, str] = field(default_factory=dict)
    order: list[PersonPlan] = field(default_factory=list)
    requested: set[int] = field(default_factory=set)
    obj: Community | None = None


def _weighted_sample(
    rng: random.Random, people: list[PersonPlan], weight: Weight, k: int
) -> list[PersonPlan]:
    """k people without replacement, each with a chance proportional to its weight."""
    keyed = []
    for index, person in enumerate(people):
        w = weight(person)
        if w > 0:
            keyed.append((rng.random() ** (1.0 / w), index, person))
    keyed.sort(key=lambda item: (-item[0], item[1]))
    return [person for _key, _index, person in keyed[:k]]


def _is_azubi(person: PersonPlan) -> bool:
    return person.job_title.startswith(("Auszubildend", "Dual"))


def _pools(ctx: DemoContext) -> dict[str, Weight]:
    first_region = next(u for u in ctx.units if u.division_key == "region")

    def in_first_region(p: PersonPlan) -> bool:
        return p.unit.division is first_region

    def segeberg(p: PersonPlan) -> float:
        if in_first_region(p):
            return 3.0
        name = (
            p.unit.parent.name
            if p.unit.kind == OrgUnit.Kind.TEAM and p.unit.parent
            else p.unit.name
        )
        if name in ("Gebäudemanagement", "Marketing", "Personalbetreuung", "Vertriebsmanagement"):
            return 3.0
        return 0.0

    def business(p: PersonPlan) -> float:
        if p.unit.division_key in ("business", "credit"):
            return 3.0
        if "Firmenkunden" in p.job_title or "Gewerbekunden" in p.job_title:
            return 3.0
        if p.unit.name.startswith("Digitalisierung"):
            return 2.0
        return 0.0

    def advisers(p: PersonPlan) -> float:
        if p.unit.is_branch:
            return 2.0 if "berater" in p.job_title.lower() else 1.0
        if p.unit.division_key in ("private", "private_banking"):
            return 2.0
        return 0.0

    return {
        "all": lambda p: 1.0,
        "connectors": lambda p: 0.0 if p.is_manager and p.unit.kind != "team" else 1.0,
        "agile": lambda p: 4.0 if p.unit.division_key == "it" else 1.0,
        "branch_managers": lambda p: (
            1.0
            if (p.is_manager and p.unit.kind == "branch")
            or (p.is_manager and p.unit.division_key == "region" and p.unit.kind == "division")
            else 0.0
        ),
        "it": lambda p: 5.0 if p.unit.division_key == "it" else 1.0,
        "azubis": lambda p: (
            3.0 if _is_azubi(p) else (1.0 if p.unit.name.startswith("Ausbildung") else 0.0)
        ),
        "business": business,
        "project_segeberg": segeberg,
        "board": lambda p: 1.0 if p.unit.division_key == "board" else 0.0,
        "advisers": advisers,
        "head_office": lambda p: 0.0 if p.unit.is_branch else 1.0,
        "branches": lambda p: 1.0 if p.unit.is_branch else 0.0,
        "women": lambda p: 4.0 if p.female else 1.0,
    }


def _in_region(region: UnitPlan) -> Weight:
    return lambda p: 1.0 if p.unit.division is region else 0.0


def _near_town(town: str) -> Weight:
    return lambda p: 4.0 if p.unit.location_key == town else 0.2


def _extra_plans(ctx: DemoContext) -> list[tuple[data.CommunityPlan, Weight]]:
    """The large size: a community per regional directorate and some per town."""
    regions = [u for u in ctx.units if u.division_key == "region" and u.kind == "division"]
    extra: list[tuple[data.CommunityPlan, Weight]] = [
        (
            data.CommunityPlan(
                f"{region.name} – Austausch",
                "private",
                f"Neuigkeiten und Austausch in der {region.name}.",
                f"Die Community aller Filialen der {region.name}: Vertriebsthemen, "
                "Vertretungen, Termine und gute Beispiele aus den Filialen.",
                pool="",
                members=30,
                join_requests=2,
                led_by_managers=True,
            ),
            _in_region(region),
        )
        for region in regions
    ]
    big_towns = [t for t in data.TOWNS[: ctx.spec.branches] if t[3] >= 2][:20]
    for town, _plz, _code, _tier in big_towns:
        for name, tagline, kind in data.LARGE_TOPIC_COMMUNITIES:
            extra.append(
                (
                    data.CommunityPlan(
                        name.format(town=town),
                        kind,
                        tagline.format(town=town),
                        f"{tagline.format(town=town)} Alle sind willkommen, egal ob Filiale "
                        "oder Zentrale.",
                        pool="",
                        members=4,
                    ),
                    _near_town(town),
                )
            )
    return extra


def create_communities(ctx: DemoContext) -> None:
    rng = ctx.rng("communities")
    people = ctx.people
    pools = _pools(ctx)
    plans = [
        (plan, pools[plan.pool])
        for plan in data.COMMUNITIES
        if ctx.spec.all_communities or plan.in_small
    ]
    if ctx.spec.extra_communities:
        plans += _extra_plans(ctx)
    bar = ctx.progress("Communities", len(plans))

    taken = set(Community.objects.values_list("slug", flat=True))
    communities: list[_Community] = []
    for plan, weight in plans:
        item = _Community(plan=plan, weight=weight)
        wanted = max(4, round(plan.members * ctx.spec.community_scale))
        for username, role in plan.fixed:
            person = ctx.accounts[username]
            item.roles[person.pk] = role
            item.order.append(person)
        sampled = _weighted_sample(rng, people, weight, wanted)
        if plan.led_by_managers:
            # The most senior people of the pool lead it, whether the sample caught them or not.
            senior = sorted(
                (p for p in people if weight(p) > 0),
                key=lambda p: (not p.is_manager, _depth(p), -weight(p)),
            )
            sampled = senior[: plan.owners] + sampled
        for person in sampled:
            if len(item.order) >= wanted:
                break
            if person.pk not in item.roles:
                item.roles[person.pk] = Role.MEMBER
                item.order.append(person)
        _assign_roles(item)
        base = ascii_fold(plan.name).replace("&", " und ")
        slug = slugify(base)[:74].strip("-") or "community"
        root, n = slug, 2
        while slug in taken:
            slug, n = f"{root}-{n}", n + 1
        taken.add(slug)
        first_owner = next(p for p in item.order if item.roles[p.pk] == Role.OWNER)
        item.obj = Community(
            name=plan.name,
            slug=slug,
            tagline=plan.tagline,
            description=plan.description,
            kind=plan.kind,
            created_by=first_owner.user,
            created_at=ctx.when(rng, days_ago_min=60, days_ago_max=700),
            member_count=len(item.order),
        )
        communities.append(item)
    with explicit_timestamps(Community, "created_at"):
        bulk_create(Community, [c.obj for c in communities if c.obj])

    memberships: list[Membership] = []
    requests: list[JoinRequest] = []
    invitations: list[Invitation] = []
    for item in communities:
        community = item.obj
        if community is None:
            continue
        age = (ctx.now - community.created_at).days
        for index, person in enumerate(item.order):
            role = item.roles[person.pk]
            joined = community.created_at
            if index > 0 and role == Role.MEMBER:
                joined = ctx.when(rng, days_ago_min=0, days_ago_max=max(1, age))
            memberships.append(
                Membership(community=community, user=person.user, role=role, joined_at=joined)
            )
        requests += _join_requests(ctx, rng, item)
        invitations += _invitations(ctx, rng, item)
        bar.update(1)
    with explicit_timestamps(Membership, "joined_at"):
        bulk_create(Membership, memberships)
    with explicit_timestamps(JoinRequest, "created_at"):
        bulk_create(JoinRequest, requests)
    with explicit_timestamps(Invitation, "created_at"):
        bulk_create(Invitation, invitations)
    bar.close()
    ctx.communities = [c.obj for c in communities if c.obj]
    ctx.counts["communities"] = len(communities)
    ctx.counts["memberships"] = len(memberships)
    ctx.counts["pending join requests"] = len(requests)
    ctx.counts["pending invitations"] = len(invitations)


def _depth(person: PersonPlan) -> int:
    depth, unit = 0, person.unit
    while unit.parent is not None:
        depth, unit = depth + 1, unit.parent
    return depth


def _assign_roles(item: _Community) -> None:
    """Owners and moderators among the sampled members; the demo accounts keep their roles.

    The people the community is most about lead it; where the community belongs to a line
    organisation (the branch managers, the board, a project), the most senior of them.
    """
    plan = item.plan
    fixed = {username for username, _role in plan.fixed}
    candidates = [p for p in item.order if p.account not in fixed]
    if plan.led_by_managers:
        candidates.sort(key=lambda p: (not p.is_manager, _depth(p), -item.weight(p)))
    else:
        candidates.sort(key=lambda p: -item.weight(p))
    owners = sum(1 for r in item.roles.values() if r == Role.OWNER)
    moderators = len(item.order) // 20 - sum(1 for r in item.roles.values() if r == Role.MODERATOR)
    for person in candidates:
        if owners < plan.owners:
            item.roles[person.pk] = Role.OWNER
            owners += 1
        elif moderators > 0:
            item.roles[person.pk] = Role.MODERATOR
            moderators -= 1
        else:
            break


def _outsiders(
    ctx: DemoContext, rng: random.Random, item: _Community, count: int, exclude: set[int]
) -> list[PersonPlan]:
    candidates = [
        p for p in ctx.people if p.pk not in item.roles and p.pk not in exclude and not p.account
    ]
    picked = _weighted_sample(rng, candidates, item.weight, count)
    if len(picked) < count:
        rest = [p for p in candidates if p not in picked]
        picked += rest[: count - len(picked)]
    return picked


def _scaled(ctx: DemoContext, n: int) -> int:
    return n * 3 if ctx.spec.community_scale > 1 else n


def _join_requests(ctx: DemoContext, rng: random.Random, item: _Community) -> list[JoinRequest]:
    plan = item.plan
    if plan.kind != Community.Kind.PRIVATE:
        return []
    fixed = [ctx.accounts[u] for u in plan.fixed_requests if ctx.accounts[u].pk not in item.roles]
    people = fixed + _outsiders(ctx, rng, item, _scaled(ctx, plan.join_requests), set())
    item.requested = {p.pk for p in people}
    return [
        JoinRequest(
            community=item.obj,
            user=person.user,
            message=rng.choice(JOIN_MESSAGES),
            created_at=ctx.when(rng, days_ago_min=0, days_ago_max=14),
        )
        for person in people
    ]


def _invitations(ctx: DemoContext, rng: random.Random, item: _Community) -> list[Invitation]:
    plan = item.plan
    if plan.kind == Community.Kind.OPEN:
        return []
    hosts = [p for p in item.order if item.roles[p.pk] in (Role.OWNER, Role.MODERATOR)]
    requested = item.requested
    fixed = [
        ctx.accounts[u]
        for u in plan.fixed_invitations
        if ctx.accounts[u].pk not in item.roles and ctx.accounts[u].pk not in requested
    ]
    people = fixed + _outsiders(ctx, rng, item, _scaled(ctx, plan.invitations), requested)
    return [
        Invitation(
            community=item.obj,
            invitee=person.user,
            invited_by=rng.choice(hosts).user,
            created_at=ctx.when(rng, days_ago_min=0, days_ago_max=10),
        )
        for person in people
    ]
