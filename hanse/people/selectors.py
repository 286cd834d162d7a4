"""Reads for people: the directory, profiles, the org tree and suggestions."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
)
from django.http import Http404

from hanse.people.guests import is_guest, people_visible_to, shares_space_with
from hanse.people.models import Follow, Location, OrgUnit, Skill, User


def people_base() -> QuerySet[User]:
    """Active people with what a card or profile shows, in a fixed number of queries."""
    return (
        User.objects.filter(is_active=True)
        .select_related("org_unit", "location")
        .prefetch_related(
            Prefetch("skills", queryset=Skill.objects.order_by("name")),
        )
    )


def _word_filter(word: str) -> Q:
    # Skills are matched with EXISTS rather than a join, so a person with two matching
    # skills is still one row and no DISTINCT is needed.
    skill_match = Skill.objects.filter(name__icontains=word)
    return (
        Q(first_name__icontains=word)
        | Q(last_name__icontains=word)
        | Q(username__icontains=word)
        | Q(job_title__icontains=word)
        | Q(org_unit__name__icontains=word)
        | Q(org_unit__short_name__icontains=word)
        | Q(
            Exists(
                User.skills.through.objects.filter(user_id=OuterRef("pk"), skill__in=skill_match)
            )
        )
        | Q(
            Exists(
                User.ask_me_about.through.objects.filter(
                    user_id=OuterRef("pk"), skill__in=skill_match
                )
            )
        )
    )


def people_directory(
    *,
    viewer: User,
    q: str = "",
    unit: OrgUnit | None = None,
    location: Location | None = None,
    skill: Skill | None = None,
) -> QuerySet[User]:
    """Active people matching every word of ``q`` and the filters; ``unit`` covers its subtree.

    Every employee may see the directory; a guest only the people they share a community or
    channel with (hanse/people/guests.py; the directory page itself is closed to guests).
    """
    people = people_visible_to(viewer, people_base())
    for word in q.split()[:10]:
        people = people.filter(_word_filter(word))
    if unit is not None:
        # The materialised path turns "this unit and everything below" into one prefix match.
        people = people.filter(org_unit__path__startswith=unit.path)
    if location is not None:
        people = people.filter(location=location)
    if skill is not None:
        people = people.filter(
            Q(Exists(User.skills.through.objects.filter(user_id=OuterRef("pk"), skill=skill)))
            | Q(
                Exists(
                    User.ask_me_about.through.objects.filter(user_id=OuterRef("pk"), skill=skill)
                )
            )
        )
    return people.order_by("last_name", "first_name", "pk")


def get_person_for(*, viewer: User, username: str) -> User:
    """The active person with this username, or 404 (also for a guest who shares no community
    or channel with them)."""
    person = (
        people_visible_to(viewer, people_base())
        .prefetch_related(Prefetch("ask_me_about", queryset=Skill.objects.order_by("name")))
        .select_related("org_unit__manager")
        .filter(username=username)
        .first()
    )
    if person is None:
        raise Http404
    return person


@dataclass
class ProfileFacts:
    """What a profile page shows beyond the person's own fields."""

    unit_chain: list[OrgUnit]  # from the top of the organisation down to the person's unit
    manager: User | None
    followers_count: int
    following_count: int
    viewer_follows: bool


def unit_ancestors(unit: OrgUnit) -> list[OrgUnit]:
    """The unit's parents, top first, read from its path in one query."""
    ids = [int(part) for part in unit.path.split(".") if part][:-1]
    if not ids:
        return []
    by_id = {u.pk: u for u in OrgUnit.objects.filter(pk__in=ids)}
    return [by_id[i] for i in ids if i in by_id]


def profile_facts(*, viewer: User, person: User) -> ProfileFacts:
    """Unit chain, manager, follow counts and whether the viewer follows the person."""
    unit = person.org_unit
    chain = [*unit_ancestors(unit), unit] if unit is not None else []
    manager = unit.manager if unit is not None else None
    if manager is not None and (manager.pk == person.pk or not manager.is_active):
        # A manager's own manager is the one of the next unit up that has someone else.
        manager = None
        for ancestor in reversed(chain[:-1]):
            if ancestor.manager_id and ancestor.manager_id != person.pk:
                manager = User.objects.filter(pk=ancestor.manager_id, is_active=True).first()
                if manager is not None:
                    break
    if manager is not None and not shares_space_with(viewer, manager):
        manager = None  # a guest learns no one outside their spaces through a profile
    counts = User.objects.filter(pk=person.pk).aggregate(
        followers=Count("follower_edges", filter=Q(follower_edges__follower__is_active=True)),
    )
    following = Follow.objects.filter(follower=person, followee__is_active=True).count()
    viewer_follows = (
        viewer.pk != person.pk
        and Follow.objects.filter(follower_id=viewer.pk, followee=person).exists()
    )
    return ProfileFacts(
        unit_chain=chain,
        manager=manager,
        followers_count=counts["followers"],
        following_count=following,
        viewer_follows=viewer_follows,
    )


def is_following(*, follower: User, followee: User) -> bool:
    return Follow.objects.filter(follower_id=follower.pk, followee_id=followee.pk).exists()


def _flag(condition: Q | None) -> ExpressionWrapper | Value:
    if condition is None:
        return Value(False)
    return ExpressionWrapper(condition, output_field=BooleanField())


# Suggestions change slowly, and ranking them reads the skills of thousands of colleagues:
# the chosen ids are cached per person, and following someone drops the cache.
PEOPLE_TO_MEET_SECONDS = 600


def people_to_meet_cache_key(user_id: int) -> str:
    return f"people:to-meet:{user_id}"


def people_to_meet(*, user: User, limit: int = 6) -> list[User]:
    """Active colleagues from the same unit or location, or sharing a skill, not yet followed.

    Ranked: shared unit first, then shared skills, then same location. One query when the
    ranking is cached, otherwise one.
    """
    if not user.is_authenticated or is_guest(user):
        # Guests meet people in their communities, not the company's colleagues.
        return []
    key = f"{people_to_meet_cache_key(user.pk)}:{limit}"
    ids = cache.get(key)
    if ids is not None:
        found = {
            p.pk: p
            for p in User.objects.filter(pk__in=ids, is_active=True).select_related(
                "org_unit", "location"
            )
        }
        return [found[pk] for pk in ids if pk in found]
    people = _rank_people_to_meet(user=user, limit=limit)
    cache.set(key, [p.pk for p in people], PEOPLE_TO_MEET_SECONDS)
    return people


def _rank_people_to_meet(*, user: User, limit: int) -> list[User]:
    my_skills = User.skills.through.objects.filter(user_id=user.pk).values("skill_id")
    shares_skill = Exists(
        User.skills.through.objects.filter(user_id=OuterRef("pk"), skill_id__in=my_skills)
    )
    already_followed = Exists(Follow.objects.filter(follower_id=user.pk, followee=OuterRef("pk")))
    close = Q(shares_skill)
    if user.org_unit_id:
        close |= Q(org_unit_id=user.org_unit_id)
    if user.location_id:
        close |= Q(location_id=user.location_id)
    ranking = {
        "shares_unit": _flag(Q(org_unit_id=user.org_unit_id) if user.org_unit_id else None),
        "shares_skill": shares_skill,
        "shares_location": _flag(Q(location_id=user.location_id) if user.location_id else None),
    }
    order = ("-shares_unit", "-shares_skill", "-shares_location", "last_name", "pk")
    # Ranked on the ids alone: joining unit and location (and carrying whole rows) for every
    # candidate before the sort cost 20 ms when the head office's 900 people were candidates;
    # the outer query joins them for the few chosen. Still one statement.
    chosen = (
        User.objects.filter(is_active=True)
        .exclude(pk=user.pk)
        .filter(close)
        .exclude(already_followed)
        .annotate(**ranking)
        .order_by(*order)
        .values("pk")[:limit]
    )
    people = (
        User.objects.filter(pk__in=chosen)
        .select_related("org_unit", "location")
        .annotate(**ranking)
        .order_by(*order)
    )
    return list(people)


@dataclass
class OrgNode:
    """One unit in the org tree, with its people counted directly and with all sub-units."""

    unit: OrgUnit
    headcount: int = 0
    total: int = 0
    children: list[OrgNode] = field(default_factory=list)


def _member_counts(root: OrgUnit | None = None) -> dict[int, int]:
    people = User.objects.filter(is_active=True, org_unit__isnull=False)
    if root is not None:
        people = people.filter(org_unit__path__startswith=root.path)
    rows = people.values("org_unit_id").annotate(n=Count("pk")).values_list("org_unit_id", "n")
    return dict(rows)


def _build_tree(units: list[OrgUnit], counts: dict[int, int]) -> list[OrgNode]:
    nodes = {u.pk: OrgNode(unit=u, headcount=counts.get(u.pk, 0)) for u in units}
    roots: list[OrgNode] = []
    for unit in units:
        node = nodes[unit.pk]
        parent = nodes.get(unit.parent_id) if unit.parent_id else None
        (parent.children if parent is not None else roots).append(node)

    def finish(node: OrgNode) -> int:
        node.children.sort(key=lambda n: (n.unit.sort_order, n.unit.name.lower()))
        node.total = node.headcount + sum(finish(child) for child in node.children)
        return node.total

    roots.sort(key=lambda n: (n.unit.sort_order, n.unit.name.lower()))
    for root in roots:
        finish(root)
    return roots


def org_tree(*, root: OrgUnit | None = None) -> list[OrgNode]:
    """The org units nested, each with manager and headcount: two queries, whatever the size."""
    units = OrgUnit.objects.select_related("manager", "location").order_by("path")
    if root is not None:
        units = units.filter(path__startswith=root.path)
    unit_list = list(units)
    if root is not None:
        # Sub-trees are built from the root down; its own parent is outside the set.
        for unit in unit_list:
            if unit.pk == root.pk:
                unit.parent_id = None
    return _build_tree(unit_list, _member_counts(root))


def orgunits_flat() -> QuerySet[OrgUnit]:
    """All units in tree order (parents before their children), with manager."""
    return OrgUnit.objects.select_related("manager", "location").order_by("path")


def get_unit(*, slug: str) -> OrgUnit:
    unit = OrgUnit.objects.select_related("manager", "location", "parent").filter(slug=slug).first()
    if unit is None:
        raise Http404
    return unit


@dataclass
class UnitDetail:
    unit: OrgUnit
    chain: list[OrgUnit]
    manager: User | None
    sub_units: list[OrgNode]
    members: QuerySet[User]
    total: int


def unit_detail(*, viewer: User, slug: str) -> UnitDetail:
    """A unit with its parents, manager, direct sub-units (with headcounts) and members."""
    unit = get_unit(slug=slug)
    tree = org_tree(root=unit)
    node = tree[0] if tree else OrgNode(unit=unit)
    manager = unit.manager if unit.manager and unit.manager.is_active else None
    return UnitDetail(
        unit=unit,
        chain=unit_ancestors(unit),
        manager=manager,
        sub_units=node.children,
        members=people_base().filter(org_unit=unit).order_by("last_name", "first_name", "pk"),
        total=node.total,
    )


def skill_by_slug(slug: str) -> Skill | None:
    return Skill.objects.filter(slug=slug).first() if slug else None
