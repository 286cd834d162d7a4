"""What the demo tests share: running seed_demo, and the invariants every demo size keeps."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.db.models import Count

from hanse.communities.models import Community, Invitation, JoinRequest, Membership
from hanse.people.models import OrgUnit, User

DEMO_ACCOUNTS = ("admin", "anna.schmidt", "ben.weber", "clara.fischer")


@dataclass(frozen=True)
class SmallBank:
    """The small bank (seed 1) the tests in tests/demo/small_bank/ share."""

    output: str  # what seed_demo printed
    media_root: Path  # where its files were written
    on_commit: list[Callable[[], Any]]  # the hooks the seeding registered, not run


def seed(size: str = "small", seed: int = 1, **options: Any) -> str:
    out = io.StringIO()
    call_command("seed_demo", size=size, seed=seed, stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


def assert_consistent() -> None:
    units = {u.pk: u for u in OrgUnit.objects.all()}
    for unit in units.values():
        parent = units.get(unit.parent_id) if unit.parent_id else None
        expected = (parent.path if parent else "") + f"{unit.pk:04d}."
        assert unit.path == expected, unit.name
        assert unit.depth == (parent.depth + 1 if parent else 0), unit.name
        assert unit.manager_id is not None, f"{unit.name} has no manager"
        assert User.objects.get(pk=unit.manager_id).org_unit_id == unit.pk, unit.name
        assert unit.location_id is not None, unit.name
    for community in Community.objects.annotate(n=Count("memberships")):
        assert community.member_count == community.n, community.name
        assert community.memberships.filter(role=Membership.Role.OWNER).exists(), community.name
    members = set(Membership.objects.values_list("community_id", "user_id"))
    for request in JoinRequest.objects.all():
        assert request.status == JoinRequest.Status.PENDING
        assert (request.community_id, request.user_id) not in members
    for invitation in Invitation.objects.all():
        assert (invitation.community_id, invitation.invitee_id) not in members
        assert (invitation.community_id, invitation.invited_by_id) in members
    emails = list(User.objects.values_list("username", "email"))
    assert len({e for _u, e in emails}) == len(emails)
    assert all(e == f"{u}@sparkasse-hanse.example" for u, e in emails)
    assert all(u.isascii() and u == u.lower() for u, _e in emails)
    assert not User.objects.filter(org_unit=None).exists()
    assert not User.objects.filter(location=None).exists()
