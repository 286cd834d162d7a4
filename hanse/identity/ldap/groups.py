"""What membership of mapped directory groups (``DirectoryGroup``, in admin) means for one
person: an org unit, roles, communities. One home for the sign-in (backend.py) and the sync
(sync.py), so that a person gets the same from both.

Which mapped groups a person is in, groups within groups counted, is found by the sign-in
from the person upwards (``backend.NestedGroupType``) and by the sync from each mapped group
downwards (``directory.nested_members``); both follow ``LDAP_GROUP_NESTING_DEPTH`` levels of
groups below ``LDAP_GROUP_SEARCH_BASE`` and stop at a cycle.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import Group

from hanse.communities.services import membership_add
from hanse.core.errors import ServiceError
from hanse.identity.ldap.config import DirectoryConfig
from hanse.identity.ldap.directory import Entry, normal_dn
from hanse.identity.ldap.mapping import find_unit, unit_name
from hanse.identity.models import DirectoryGroup
from hanse.people.models import OrgUnit, User


class Mappings:
    """Every mapped directory group, read once (ordered by DN: the first one with an org unit
    places a person who is in several)."""

    def __init__(self) -> None:
        self.groups = list(DirectoryGroup.objects.select_related("org_unit", "role", "community"))
        # Roles that directory groups grant: the directory also takes these away.
        self.roles: dict[int, Group] = {m.role.pk: m.role for m in self.groups if m.role}

    def of(self, group_dns: Iterable[str]) -> list[DirectoryGroup]:
        """The mapped groups among ``group_dns`` (a person's groups, any spelling of a DN)."""
        wanted = {normal_dn(dn) for dn in group_dns}
        return [m for m in self.groups if normal_dn(m.dn) in wanted]


@dataclass
class GroupEffects:
    unit: OrgUnit | None = None  # where the person belongs; None: where they are
    unknown_unit: str = ""  # the unit attribute names no org unit
    roles_add: list[Group] = field(default_factory=list)
    roles_remove: list[Group] = field(default_factory=list)
    communities_add: list[Any] = field(default_factory=list)


def group_effects(
    *,
    user: User | None,
    groups: list[DirectoryGroup],
    mappings: Mappings,
    entry: Entry,
    config: DirectoryConfig,
) -> GroupEffects:
    """What the person's mapped ``groups`` (and their ``unit`` attribute) change for ``user``
    (None: an account still to be created). Reads, never writes."""
    effects = GroupEffects()
    # A group's unit wins over the unit attribute.
    effects.unit = next((m.org_unit for m in groups if m.org_unit is not None), None)
    if effects.unit is None:
        label = unit_name(entry, config)
        effects.unit = find_unit(label)
        if label and effects.unit is None:
            effects.unknown_unit = label
    wanted = {m.role.pk for m in groups if m.role is not None}
    held = {g.pk for g in user.groups.all()} if user else set()
    effects.roles_add = [mappings.roles[r] for r in sorted(wanted - held)]
    managed = set(mappings.roles)
    effects.roles_remove = [mappings.roles[r] for r in sorted((held & managed) - wanted)]
    joined = {m.community_id for m in user.memberships.all()} if user else set()
    # Leaving a group removes nobody from a community: its moderators decide.
    effects.communities_add = list(
        {
            m.community_id: m.community
            for m in groups
            if m.community is not None and m.community_id not in joined
        }.values()
    )
    return effects


def apply_group_effects(*, user: User, effects: GroupEffects) -> None:
    """Write the roles and communities of ``effects`` (the unit is a profile field: the
    caller saves it with the others). Role changes reach the audit log through the
    ``m2m_changed`` receivers (``roles.group_added``, ``roles.group_removed``)."""
    if effects.roles_add:
        user.groups.add(*effects.roles_add)
    if effects.roles_remove:
        user.groups.remove(*effects.roles_remove)
    for community in effects.communities_add:
        with suppress(ServiceError):  # joined meanwhile
            membership_add(community=community, user=user)
