"""The demo organisation: consistent, reproducible, and safe to run on a filled database."""

from __future__ import annotations

import io
import time
from collections import Counter
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from hanse.communities.models import Community, Invitation, JoinRequest, Membership
from hanse.demo.generator import SIZES, DemoContext, demo_password
from hanse.demo.org import plan_units
from hanse.people.models import Follow, Location, OrgUnit, User
from hanse.people.services import orgunit_create

pytestmark = pytest.mark.django_db

DEMO_ACCOUNTS = ("admin", "anna.schmidt", "ben.weber", "clara.fischer")


def seed(size: str = "small", seed: int = 1, **options: Any) -> str:
    out = io.StringIO()
    call_command("seed_demo", size=size, seed=seed, stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


def fingerprint() -> dict[str, list[Any]]:
    """Everything that makes the organisation what it is, without ids or timestamps."""
    return {
        "units": list(
            OrgUnit.objects.order_by("slug").values_list(
                "slug", "name", "kind", "parent__slug", "manager__username", "location__name"
            )
        ),
        "locations": list(
            Location.objects.order_by("name").values_list("name", "street", "postal_code", "city")
        ),
        "people": list(
            User.objects.order_by("username").values_list(
                "username",
                "first_name",
                "last_name",
                "email",
                "job_title",
                "org_unit__slug",
                "phone",
                "mobile",
                "about",
                "languages",
            )
        ),
        "skills": sorted(User.skills.through.objects.values_list("user__username", "skill__slug")),
        "topics": sorted(
            User.ask_me_about.through.objects.values_list("user__username", "skill__slug")
        ),
        "follows": sorted(Follow.objects.values_list("follower__username", "followee__username")),
        "communities": list(
            Community.objects.order_by("slug").values_list(
                "slug", "name", "kind", "member_count", "created_by__username"
            )
        ),
        "memberships": sorted(
            Membership.objects.values_list("community__slug", "user__username", "role")
        ),
        "requests": sorted(
            JoinRequest.objects.values_list("community__slug", "user__username", "status")
        ),
        "invitations": sorted(
            Invitation.objects.values_list(
                "community__slug", "invitee__username", "invited_by__username", "status"
            )
        ),
    }


def fingerprint_of(size: str, seed_value: int) -> dict[str, list[Any]]:
    """Generate, read, and roll back, so that the next run starts from an empty database."""
    with transaction.atomic():
        seed(size, seed_value)
        result = fingerprint()
        transaction.set_rollback(True)
    return result


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


def test_small_demo_is_consistent():
    """The small size: about 40 people, a few branches, and every invariant holds."""
    output = seed("small", 1)
    assert "People" in output and "Communities" in output
    assert User.objects.count() == 40
    assert OrgUnit.objects.filter(kind=OrgUnit.Kind.BRANCH).count() == 4
    assert OrgUnit.objects.filter(parent=None).count() == 1
    assert Location.objects.filter(kind=Location.Kind.BRANCH).exclude(street="").count() == 4
    assert Follow.objects.count() > 40
    assert Community.objects.filter(name="Connectoren", kind=Community.Kind.OPEN).exists()
    assert set(Community.objects.values_list("kind", flat=True)) == {"open", "private", "secret"}
    assert JoinRequest.objects.exists() and Invitation.objects.exists()
    assert_consistent()


def test_demo_accounts_log_in_with_the_demo_password():
    """The four accounts the README names exist where it says, and log in with hanse-demo."""
    seed("small", 1)
    for username in DEMO_ACCOUNTS:
        user = authenticate(username=username, password="hanse-demo")
        assert user is not None, username
        assert user.email == f"{username}@sparkasse-hanse.example"
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff and admin.job_title == "Administratorin"
    anna = User.objects.get(username="anna.schmidt")
    assert anna.job_title == "Kundenberaterin"
    assert anna.org_unit is not None and anna.org_unit.kind == OrgUnit.Kind.BRANCH
    assert Membership.objects.filter(
        user=anna, community__name="Connectoren", role=Membership.Role.OWNER
    ).exists()
    ben = User.objects.get(username="ben.weber")
    assert ben.org_unit is not None and ben.org_unit.name == "IT-Betrieb"
    assert ben.memberships.count() >= 2
    clara = User.objects.get(username="clara.fischer")
    assert clara.org_unit is not None and clara.org_unit.parent is not None
    assert clara.org_unit.parent.name == "Personal"
    assert not User.objects.filter(is_superuser=True).exclude(username="admin").exists()


def test_password_option_and_environment(monkeypatch):
    """--password wins over DEMO_PASSWORD, which wins over the default."""
    monkeypatch.setenv("DEMO_PASSWORD", "from-the-environment")
    assert demo_password() == "from-the-environment"
    assert demo_password("given") == "given"
    seed("small", 1, password="Segeln-2026")
    assert authenticate(username="ben.weber", password="Segeln-2026") is not None
    assert authenticate(username="ben.weber", password="hanse-demo") is None


def test_paths_equal_what_orgunit_create_gives():
    """The bulk-written tree has exactly the paths, depths and slugs of orgunit_create."""

    def shape(units: list[OrgUnit]) -> list[tuple[Any, ...]]:
        # Ids differ between the two trees; compare each path as the slugs of its units.
        slug_of = {f"{u.pk:04d}": u.slug for u in units}
        return [
            (
                u.name,
                u.kind,
                u.slug,
                u.depth,
                [slug_of[segment] for segment in u.path.rstrip(".").split(".")],
            )
            for u in units
        ]

    with transaction.atomic():
        seed("small", 1)
        demo = shape(list(OrgUnit.objects.order_by("pk")))
        transaction.set_rollback(True)

    ctx = DemoContext(spec=SIZES["small"], seed=1, password_hash="", now=timezone.now())
    created: dict[int, OrgUnit] = {}
    for plan in plan_units(ctx):
        created[id(plan)] = orgunit_create(
            name=plan.name,
            kind=plan.kind,
            parent=created[id(plan.parent)] if plan.parent else None,
            short_name=plan.short_name,
            sort_order=plan.sort_order,
        )
    assert sorted(demo, key=lambda row: row[2]) == sorted(
        shape(list(OrgUnit.objects.order_by("pk"))), key=lambda row: row[2]
    )


def test_same_seed_gives_the_same_organisation():
    """Two runs with one seed produce identical names, units, follows and memberships."""
    first = fingerprint_of("small", 7)
    second = fingerprint_of("small", 7)
    assert first == second
    assert len(first["people"]) == 40


def test_another_seed_gives_another_organisation():
    """A different seed gives different people, but the same structure and demo accounts."""
    first = fingerprint_of("small", 1)
    second = fingerprint_of("small", 2)
    assert first["people"] != second["people"]
    assert first["follows"] != second["follows"]
    assert [u[:3] for u in first["units"]] == [u[:3] for u in second["units"]]
    names = {row[0] for row in second["people"]}
    assert set(DEMO_ACCOUNTS) <= names


def test_if_empty_leaves_existing_data_untouched(make_user):
    """With --if-empty, a database that has people is left exactly as it was."""
    existing = make_user("eva")
    output = seed("bank", 1, if_empty=True)
    assert "already contains people" in output
    assert list(User.objects.values_list("pk", flat=True)) == [existing.pk]
    assert not OrgUnit.objects.exists()
    assert not Community.objects.exists()


def test_refuses_a_filled_database_without_if_empty(make_user):
    """Without --if-empty the command refuses, and writes nothing."""
    make_user("eva")
    with pytest.raises(CommandError, match="already contains people"):
        seed("small", 1)
    assert User.objects.count() == 1
    assert not OrgUnit.objects.exists()


@pytest.mark.heavy
def test_bank_size_is_the_savings_bank_and_fast():
    """The bank: 42 branches under four regional directorates, 700 people, in well under 60 s."""
    started = time.monotonic()
    seed("bank", 1)
    elapsed = time.monotonic() - started
    assert elapsed < 60, f"the bank size took {elapsed:.1f} s"
    assert User.objects.count() == 700
    branches = OrgUnit.objects.filter(kind=OrgUnit.Kind.BRANCH).select_related("parent", "location")
    assert branches.count() == 42
    regions = {b.parent.name for b in branches if b.parent}
    assert regions == {f"Regionaldirektion {r}" for r in ("Nord", "Ost", "Süd", "West")}
    for branch in branches:
        assert branch.location is not None
        assert branch.location.street and branch.location.postal_code and branch.location.city
        assert branch.members.count() >= 2
    divisions = set(
        OrgUnit.objects.filter(kind=OrgUnit.Kind.DIVISION).values_list("name", flat=True)
    )
    assert {
        "Vorstand",
        "Privatkunden",
        "Firmenkunden",
        "Private Banking",
        "Marketing & Kommunikation",
        "Personal",
        "IT & Organisation",
        "Risikocontrolling",
        "Recht & Compliance",
        "Revision",
    } <= divisions
    assert OrgUnit.objects.filter(kind=OrgUnit.Kind.DEPARTMENT).count() >= 30
    kinds = dict(Community.objects.values_list("name", "kind"))
    assert 15 <= len(kinds) <= 30
    assert kinds["Connectoren"] == "open"
    assert kinds["Filialleitungen"] == "private"
    assert kinds["Projekt Neue Filiale Bad Segeberg"] == "secret"
    assert kinds["Vorstandsstab"] == "secret"
    connectoren = Community.objects.get(name="Connectoren")
    # The bank's volunteers plus every approved Connector (the programme's community).
    assert 35 <= connectoren.member_count <= 90
    roles = Counter(connectoren.memberships.values_list("role", flat=True))
    assert roles["owner"] >= 1 and roles["moderator"] >= 1
    titles = set(User.objects.values_list("job_title", flat=True))
    assert {"Filialleiterin", "Kundenberater", "Firmenkundenbetreuer"} <= titles
    assert User.objects.exclude(about="").count() > 100
    assert User.skills.through.objects.count() > 700
    assert_consistent()


def test_welcome_names_the_accounts_and_addresses(monkeypatch):
    """The greeting of `make run` says where Hanse runs and how to log in and stop it."""
    seed("small", 1)
    monkeypatch.setenv("DEMO_PASSWORD", "Moin-2026")
    out = io.StringIO()
    call_command("hanse_welcome", host="0.0.0.0", port=8123, stdout=out)  # noqa: S104
    text = out.getvalue()
    assert "http://127.0.0.1:8123/" in text
    assert "admin / anna.schmidt / ben.weber / clara.fischer" in text
    assert "Moin-2026" in text
    assert "http://127.0.0.1:8123/admin/" in text
    assert "http://127.0.0.1:8123/api/v1/docs" in text
    assert "task worker" in text and "Ctrl+C" in text
    widths = {len(line) for line in text.splitlines()}
    assert len(widths) == 1, "the box has straight edges"
