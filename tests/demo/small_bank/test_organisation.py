"""The small demo organisation: its invariants, the demo accounts, and the greeting of
`make run` (on the bank this package shares, see conftest.py)."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from hanse.communities.models import Community, Invitation, JoinRequest, Membership
from hanse.people.models import Follow, Location, OrgUnit, User
from tests.demo.support import DEMO_ACCOUNTS, SmallBank, assert_consistent

pytestmark = pytest.mark.django_db


def test_small_demo_is_consistent(small_bank: SmallBank):
    """The small size: about 40 people, a few branches, and every invariant holds."""
    output = small_bank.output
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


def test_welcome_names_the_accounts_and_addresses(monkeypatch):
    """The greeting of `make run` says where Hanse runs and how to log in and stop it."""
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
