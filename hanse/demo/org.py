# ruff: noqa: RUF001 - German typography uses the en dash
"""The organisation: head office, divisions, departments, regional directorates, branches."""

from __future__ import annotations

from hanse.demo import data
from hanse.demo.context import DemoContext, UnitPlan, bulk_create, unit_slug
from hanse.people.models import Location, OrgUnit

Kind = OrgUnit.Kind
REGION_ORDER = ("Nord", "Ost", "Süd", "West", "Mitte", "Hamburg")
TIER_WEIGHT = {1: 1.0, 2: 1.5, 3: 2.3}
# Segment width of people.services (ids below 10,000 take four digits, like "0042.").
PATH_SEGMENT_WIDTH = 4


def _head(title: tuple[str, str], suffix: str = "") -> tuple[str, str]:
    if not suffix:
        return title
    return (f"{title[0]} {suffix}", f"{title[1]} {suffix}")


def _even(titles: tuple[tuple[str, str], ...]) -> tuple[tuple[tuple[str, str], float], ...]:
    return tuple((title, 1.0) for title in titles)


def plan_units(ctx: DemoContext) -> list[UnitPlan]:
    """The tree in creation order (parents before children), without touching the database."""
    spec = ctx.spec
    rng = ctx.rng("org")
    units: list[UnitPlan] = []
    root = UnitPlan(
        name=data.BANK_NAME,
        kind=Kind.ORGANISATION,
        parent=None,
        short_name=data.BANK_SHORT_NAME,
        head_title=data.CEO_TITLE,
        fixed_staff=1,
        division_key="board",
    )
    root.division = root
    units.append(root)
    location_of: dict[int, str] = {id(root): "head"}

    divisions = [d for d in data.DIVISIONS if spec.all_divisions or d.in_small]
    for i, division in enumerate(divisions, start=1):
        div = UnitPlan(
            name=division.name,
            kind=Kind.DIVISION,
            parent=root,
            short_name=division.short,
            sort_order=i,
            head_title=division.head,
            titles=_even(division.staff),
            division_key=division.key,
            fixed_staff=3 if division.key == "board" else 1 + (rng.random() < 0.5),
        )
        if not spec.all_divisions:
            div.fixed_staff = 1
        div.division = div
        units.append(div)
        departments = [d for d in division.departments if spec.all_divisions or d.in_small]
        for j, department in enumerate(departments, start=1):
            dept = UnitPlan(
                name=department.name,
                kind=Kind.DEPARTMENT,
                parent=div,
                short_name=department.short,
                sort_order=j,
                weight=department.weight,
                titles=_even(department.titles),
                head_title=_head(data.DEPARTMENT_HEAD, department.name),
                skills=department.skills,
                division=div,
                division_key=division.key,
            )
            units.append(dept)
            if not spec.teams:
                continue
            count = max(2, min(6, round(department.weight * 4)))
            names = list(department.teams)
            names += [n for n in data.GENERIC_TEAMS if n not in names]
            dept.fixed_staff = 1
            for k, team in enumerate(names[:count], start=1):
                units.append(
                    UnitPlan(
                        name=f"{department.name} – {team}",
                        kind=Kind.TEAM,
                        parent=dept,
                        short_name=team[:30],
                        sort_order=k,
                        weight=department.weight / count,
                        titles=dept.titles,
                        head_title=_head(data.TEAM_LEAD, team),
                        skills=department.skills,
                        division=div,
                        division_key=division.key,
                    )
                )

    towns = data.TOWNS[: spec.branches]
    regions: dict[str, list[tuple[str, str, str, int]]] = {}
    for entry in towns:
        regions.setdefault(spec.regions[entry[2]], []).append(entry)
    offset = len(divisions)
    for i, region in enumerate((r for r in REGION_ORDER if r in regions), start=1):
        region_towns = regions[region]
        reg = UnitPlan(
            name=f"Regionaldirektion {region}",
            kind=Kind.DIVISION,
            parent=root,
            short_name=f"RD {region}",
            sort_order=offset + i,
            head_title=data.REGION_HEAD,
            titles=_even(data.REGION_STAFF),
            skills=data.BRANCH_SKILLS,
            fixed_staff=2 if spec.all_divisions else 1,
            division_key="region",
        )
        reg.division = reg
        # A regional directorate sits in its biggest branch.
        location_of[id(reg)] = max(region_towns, key=lambda entry: entry[3])[0]
        units.append(reg)
        for j, (town, _plz, _code, tier) in enumerate(region_towns, start=1):
            branch = UnitPlan(
                name=f"Filiale {town}",
                kind=Kind.BRANCH,
                parent=reg,
                short_name=town[:30],
                sort_order=j,
                weight=TIER_WEIGHT[tier] * rng.uniform(0.8, 1.2),
                titles=data.BRANCH_TITLES,
                head_title=data.BRANCH_HEAD,
                skills=data.BRANCH_SKILLS,
                division=reg,
                division_key="region",
            )
            location_of[id(branch)] = town
            units.append(branch)
            if not (spec.teams and tier >= 2):
                continue
            branch.fixed_staff = 2  # the branch manager and the deputy
            teams = data.BRANCH_TEAMS[: 3 if tier == 3 else 2]
            for k, team in enumerate(teams, start=1):
                team_unit = UnitPlan(
                    name=f"Filiale {town} – {team}",
                    kind=Kind.TEAM,
                    parent=branch,
                    short_name=team,
                    sort_order=k,
                    weight=branch.weight / len(teams),
                    titles=data.BRANCH_TITLES,
                    head_title=_head(data.TEAM_LEAD, team),
                    skills=data.BRANCH_SKILLS,
                    division=reg,
                    division_key="region",
                )
                location_of[id(team_unit)] = town
                units.append(team_unit)

    taken: set[str] = set()
    for unit in units:
        unit.slug = unit_slug(unit.name, taken)
        if id(unit) not in location_of:
            location_of[id(unit)] = location_of.get(id(unit.parent), "head")
        unit.location_key = location_of[id(unit)]
    return units


def create_org(ctx: DemoContext) -> None:
    """Write locations and org units in bulk, with the paths orgunit_create would give them."""
    units = plan_units(ctx)
    rng = ctx.rng("locations")
    bar = ctx.progress("Locations and org units", len(units) + ctx.spec.branches + 1)

    # Slugs must not collide with units an administrator created before the demo.
    existing_slugs = set(OrgUnit.objects.values_list("slug", flat=True))
    if existing_slugs:
        taken = set(existing_slugs)
        for unit in units:
            unit.slug = unit_slug(unit.name, taken)

    head = Location(kind=Location.Kind.HEAD_OFFICE, **data.HEAD_OFFICE)
    locations = [head]
    by_key: dict[str, Location] = {"head": head}
    for town, postal_code, _code, _tier in data.TOWNS[: ctx.spec.branches]:
        location = Location(
            name=f"Filiale {town}",
            kind=Location.Kind.BRANCH,
            street=f"{rng.choice(data.STREETS)} {rng.randint(1, 60)}",
            postal_code=postal_code,
            city=town.split("-")[0] if town.startswith(("Kiel-", "Lübeck-", "Hamburg-")) else town,
        )
        by_key[town] = location
        locations.append(location)
    bulk_create(Location, locations, bar)
    ctx.head_office = head

    # One insert per tree level: a child needs its parent's id, the path needs its own.
    for unit in units:
        unit.location = by_key[unit.location_key]
    max_depth = 0
    depth_of: dict[int, int] = {}
    for unit in units:
        depth_of[id(unit)] = 0 if unit.parent is None else depth_of[id(unit.parent)] + 1
        max_depth = max(max_depth, depth_of[id(unit)])
    for level in range(max_depth + 1):
        batch: list[OrgUnit] = []
        for unit in units:
            if depth_of[id(unit)] != level:
                continue
            unit.obj = OrgUnit(
                name=unit.name,
                short_name=unit.short_name,
                slug=unit.slug,
                kind=unit.kind,
                parent=unit.parent.obj if unit.parent else None,
                location=unit.location,
                sort_order=unit.sort_order,
            )
            batch.append(unit.obj)
        bulk_create(OrgUnit, batch, bar)
    written: list[OrgUnit] = []
    for unit in units:
        if unit.obj is None:
            continue
        parent_path = unit.parent.obj.path if unit.parent and unit.parent.obj else ""
        unit.obj.path = f"{parent_path}{unit.obj.pk:0{PATH_SEGMENT_WIDTH}d}."
        unit.obj.depth = depth_of[id(unit)]
        written.append(unit.obj)
    OrgUnit.objects.bulk_update(written, ["path", "depth"], batch_size=500)
    ctx.units = units
    ctx.counts["org units"] = len(units)
    ctx.counts["branches"] = sum(1 for u in units if u.kind == Kind.BRANCH)
    ctx.counts["locations"] = len(locations)
    bar.close()
