"""Which units each person belongs to, for the three ways of cutting the organisation:
department (the nearest department or branch above their unit), branch (their place of work)
and region (the division or regional directorate above their unit)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from hanse.people.models import Location, OrgUnit, User

DIMENSIONS = ("department", "branch", "region")


@dataclass
class Org:
    units: dict[str, dict[int, str]]  # dimension -> person id -> unit key ("" = none)
    names: dict[str, dict[str, str]]  # dimension -> unit key -> name
    region_of_department: dict[str, str]  # department key -> region key


def _up(
    unit_id: int | None,
    parents: Mapping[int, int | None],
    kinds: Mapping[int, str],
    wanted: Collection[str],
) -> int | None:
    seen = 0
    while unit_id is not None and seen < 64:
        if kinds.get(unit_id) in wanted:
            return unit_id
        unit_id = parents.get(unit_id)
        seen += 1
    return None


def unit_names() -> dict[str, dict[str, str]]:
    """Names of units and places by key, per dimension (no person is read)."""
    units = {
        str(pk): short or name
        for pk, name, short in OrgUnit.objects.values_list("id", "name", "short_name")
    }
    places = {str(pk): name for pk, name in Location.objects.values_list("id", "name")}
    return {"department": units, "region": units, "branch": places}


def load_org() -> Org:
    rows = list(OrgUnit.objects.values_list("id", "parent_id", "kind", "name", "short_name"))
    parents = {r[0]: r[1] for r in rows}
    kinds = {r[0]: r[2] for r in rows}
    unit_names = {str(r[0]): r[4] or r[3] for r in rows}
    dept_kinds = {OrgUnit.Kind.DEPARTMENT, OrgUnit.Kind.BRANCH}
    region_kinds = {OrgUnit.Kind.DIVISION}
    location_names = {str(pk): name for pk, name in Location.objects.values_list("id", "name")}
    units: dict[str, dict[int, str]] = {d: {} for d in DIMENSIONS}
    region_of_department: dict[str, str] = {}
    people = User.objects.filter(is_active=True).values_list("id", "org_unit_id", "location_id")
    for pk, unit_id, location_id in people:
        dept = _up(unit_id, parents, kinds, dept_kinds)
        region = _up(unit_id, parents, kinds, region_kinds)
        units["department"][pk] = str(dept) if dept else ""
        units["region"][pk] = str(region) if region else ""
        units["branch"][pk] = str(location_id) if location_id else ""
        if dept:
            region_of_department[str(dept)] = str(region) if region else ""
    return Org(
        units=units,
        names={"department": unit_names, "region": unit_names, "branch": location_names},
        region_of_department=region_of_department,
    )
