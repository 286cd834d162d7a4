"""Active Directory's ranged retrieval against a real Samba AD domain controller (started once
per session, tests/support/samba_ad.py): a group with more members than one answer holds is
read completely by the sync, its dry run and the sign-in.

Samba hands out every value of a plain ``member`` (it does not implement MaxValRange), so the
tests ask it for ranges of ten (``LDAP_RANGE_SIZE``): it answers ``member;range=0-9`` and so on,
ending with ``member;range=30-*``, as Active Directory does at 1,500. The directory is shared
by the session's tests: they only read it."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client

from tests.support import samba_ad as ad
from tests.support import slapd as server

server.require_python_ldap()

from hanse.communities.models import Membership  # noqa: E402
from hanse.identity.ldap import config as ldap_config  # noqa: E402
from hanse.identity.ldap.directory import connect  # noqa: E402
from hanse.identity.ldap.sync import run_sync  # noqa: E402
from hanse.identity.models import DirectoryGroup  # noqa: E402
from hanse.people.models import OrgUnit, User  # noqa: E402
from hanse.people.services import orgunit_create  # noqa: E402
from tests.support.samba_ad import samba_ad  # noqa: E402, F401  # the real AD DC

pytestmark = pytest.mark.django_db

EVERYONE = {ad.uid(n) for n in range(1, ad.PEOPLE_COUNT + 1)}
# vertrieb: 34 people directly, six through vertrieb-nord; connectoren: exactly 30 people.
SALES = EVERYONE
CONNECTORS = {ad.uid(n) for n in range(11, 41)}
IT = {ad.uid(n) for n in (1, 2, 3)}


@pytest.fixture
def domain(samba_ad: ad.SambaAD, settings: Any) -> ad.SambaAD:  # noqa: F811
    """Hanse configured for the test domain, as an AD administrator would set LDAP_*."""
    return ad.configure(samba_ad, settings)


@pytest.fixture
def bank(domain: ad.SambaAD, make_user: Any, make_community: Any) -> dict[str, Any]:
    """A role, a community and an org unit, mapped to the domain's groups."""
    root = orgunit_create(name="Sparkasse Test", kind=OrgUnit.Kind.ORGANISATION)
    north = orgunit_create(name="Filiale Nord", kind=OrgUnit.Kind.BRANCH, parent=root)
    it = orgunit_create(name="Informatik", kind=OrgUnit.Kind.DEPARTMENT, parent=root)
    role, _ = Group.objects.get_or_create(name="Vertrieb")
    community = make_community(owner=make_user("owner"), name="Connectoren")
    DirectoryGroup.objects.create(dn=ad.group_dn("vertrieb"), role=role)
    DirectoryGroup.objects.create(dn=ad.group_dn("connectoren"), community=community)
    DirectoryGroup.objects.create(dn=ad.group_dn("informatik"), org_unit=it)
    return {"role": role, "community": community, "north": north, "it": it}


def _with_role(role: Group) -> set[str]:
    return set(role.user_set.values_list("username", flat=True))


def _in_community(community: Any) -> set[str]:
    members = Membership.objects.filter(community=community).exclude(user__username="owner")
    return set(members.values_list("user__username", flat=True))


def _in_unit(unit: OrgUnit) -> set[str]:
    return set(User.objects.filter(org_unit=unit).values_list("username", flat=True))


class Recording:
    """The directory connection, noting each search's base and attribute: which requests
    Hanse sends the server (the answers are the server's own)."""

    def __init__(self, connection: Any) -> None:
        self.connection = connection
        self.asked: list[tuple[str, str]] = []

    def search_s(self, base: str, scope: int, filterstr: str, attrlist: list[str]) -> Any:
        self.asked.extend((base, attribute) for attribute in attrlist)
        return self.connection.search_s(base, scope, filterstr, attrlist)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.connection, name)


def _whole(samba: ad.SambaAD, cn: str) -> list[str]:
    """Samba's whole member attribute (it has no MaxValRange): the reference."""
    return samba.read(ad.group_dn(cn), "member")["member"]


def test_the_server_really_hands_out_ranges(domain: ad.SambaAD) -> None:
    """What a client that reads one answer would get: ten of 35 members (and nothing in a
    range beyond the last value). Hanse's one reader (Directory.values) asks range after range
    and gets all of them, the same as Samba's whole attribute."""
    whole = {cn: _whole(domain, cn) for cn in ("vertrieb", "connectoren", "informatik")}
    assert [len(values) for values in whole.values()] == [35, 30, 3]
    vertrieb, connectoren = ad.group_dn("vertrieb"), ad.group_dn("connectoren")
    assert domain.read(vertrieb, "member;range=0-9") == {"member;range=0-9": whole["vertrieb"][:10]}
    assert domain.read(vertrieb, "member;range=30-39") == {
        "member;range=30-*": whole["vertrieb"][30:]
    }
    assert domain.read(connectoren, "member;range=30-39") == {"member;range=30-*": []}
    with connect(ldap_config.current()) as directory:
        assert directory.speaks_ranges
        directory.connection = Recording(directory.connection)
        for cn, values in whole.items():
            assert directory.values(ad.group_dn(cn), "member") == values
        assert directory.values(ad.group_dn("gibt-es-nicht"), "member") is None
        asked = directory.connection.asked
    windows = [f"member;range={start}-{start + 9}" for start in (0, 10, 20, 30)]
    expected = [(vertrieb, window) for window in windows]  # the last answered "30-*": five
    # Three windows: Samba answers "20-*" once a window reaches the last value (Active
    # Directory's empty last range: test_ldap_ranges.py).
    expected += [(connectoren, window) for window in windows[:3]]
    expected += [(ad.group_dn(cn), windows[0]) for cn in ("informatik", "gibt-es-nicht")]
    assert asked == expected


@pytest.mark.parametrize("size", [ad.RANGE_SIZE, 7, 0])
def test_sync_finds_every_member_of_a_large_group(
    bank: dict[str, Any], settings: Any, size: int
) -> None:
    """Every one of 40 people gets the role of the 35-value group (six of them through a group
    that is one of its values), 30 join the community, three are placed in IT; with ranges of
    10 and 7, and with Samba's whole attribute (0)."""
    settings.LDAP_RANGE_SIZE = size
    plan = run_sync()
    assert plan.problems == []
    assert plan.created == ad.PEOPLE_COUNT
    assert _with_role(bank["role"]) == SALES
    assert _in_community(bank["community"]) == CONNECTORS
    assert _in_unit(bank["it"]) == IT
    again = run_sync()
    assert (again.created, again.updated, again.deactivate) == (0, 0, [])


def test_dry_run_shows_every_member(bank: dict[str, Any]) -> None:
    out = StringIO()
    call_command("ldap_sync", "--dry-run", stdout=out)
    lines = out.getvalue().splitlines()
    granted = {line.split(":")[0] for line in lines if "gets the role Vertrieb" in line}
    joined = {line.split(":")[0] for line in lines if "joins the community Connectoren" in line}
    assert (granted, joined) == (SALES, CONNECTORS)
    assert not User.objects.filter(username__in=EVERYONE).exists()


def test_member_attribute_in_another_letter_case(bank: dict[str, Any], settings: Any) -> None:
    """LDAP_GROUP_MEMBER_ATTRIBUTE=Member: Samba answers "member;range=…", the same attribute."""
    settings.LDAP_GROUP_MEMBER_ATTRIBUTE = "Member"
    run_sync()
    assert _with_role(bank["role"]) == SALES


def _login(username: str) -> None:
    response = Client().post("/accounts/login/", {"login": username, "password": ad.PASSWORD})
    assert response.status_code == 302, response.content[:500]


@pytest.mark.parametrize("number", [5, 38])
def test_sign_in_maps_a_member_of_a_large_group(bank: dict[str, Any], number: int) -> None:
    """ma05 is a direct member of the 35-value group, ma38 one through vertrieb-nord; both get
    the role at sign-in, and ma38 joins the community of the 30-value group. The sync after
    it has nothing to change for them."""
    username = ad.uid(number)
    _login(username)
    person = User.objects.get(username=username)
    assert list(person.groups.all()) == [bank["role"]]
    assert (username in _in_community(bank["community"])) == (username in CONNECTORS)
    plan = run_sync(dry_run=True)
    mine = next(p for p in plan.people if p.username == username)
    assert (mine.roles_add, mine.roles_remove, mine.communities_add) == ([], [], [])


def test_wrong_password_is_refused(domain: ad.SambaAD) -> None:
    response = Client().post("/accounts/login/", {"login": "ma05", "password": "wrong"})
    assert response.status_code == 200
    assert not User.objects.filter(username="ma05").exists()
