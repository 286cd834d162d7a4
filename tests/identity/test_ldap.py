"""LDAP / Active Directory against a real OpenLDAP (slapd, started per test with the small
bank's directory): sign-in with the directory password next to local accounts and MFA, and
the sync of people, units, managers, roles and communities, with its dry run; groups within
groups, seen alike by the sign-in and the sync; StartTLS and LDAPS with a generated CA."""

from __future__ import annotations

import logging
from io import StringIO
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.test import Client

from tests.support import slapd as server

server.require_python_ldap()

import ldap  # noqa: E402

from hanse.api.services import token_authenticate, token_create  # noqa: E402
from hanse.audit.models import AuditEntry  # noqa: E402
from hanse.communities.models import Membership  # noqa: E402
from hanse.identity.ldap import jobs  # noqa: E402
from hanse.identity.ldap.sync import run_sync  # noqa: E402
from hanse.identity.ldap.tasks import directory_sync  # noqa: E402
from hanse.identity.models import DirectoryAccount, DirectoryGroup, DirectorySyncRun  # noqa: E402
from hanse.people.models import OrgUnit, User  # noqa: E402
from hanse.people.services import orgunit_create  # noqa: E402
from tests.conftest import PASSWORD  # noqa: E402

pytestmark = pytest.mark.django_db

# What a person sees when the directory cannot be asked (down, TLS refused).
UNREACHABLE = "The directory could not be reached, so your directory password could not be checked."


@pytest.fixture
def bank(directory: Any, make_user: Any, make_community: Any) -> dict[str, Any]:
    """Hanse's side of the bank: units, a role and a community, mapped to directory groups."""
    root = orgunit_create(name="Sparkasse Test", kind=OrgUnit.Kind.ORGANISATION)
    units = {
        "board": orgunit_create(name="Vorstand", kind=OrgUnit.Kind.DEPARTMENT, parent=root),
        "north": orgunit_create(
            name="Filiale Nord", kind=OrgUnit.Kind.BRANCH, parent=root, short_name="FN"
        ),
        "south": orgunit_create(name="Filiale Süd", kind=OrgUnit.Kind.BRANCH, parent=root),
        "it": orgunit_create(name="IT-Betrieb", kind=OrgUnit.Kind.DEPARTMENT, parent=root),
    }
    role, _ = Group.objects.get_or_create(name="Kommunikation")
    owner = make_user("owner")
    community = make_community(owner=owner, name="Connectoren")
    DirectoryGroup.objects.create(dn=server.group_dn("it-betrieb"), org_unit=units["it"])
    DirectoryGroup.objects.create(dn=server.group_dn("hanse-kommunikation"), role=role)
    DirectoryGroup.objects.create(dn=server.group_dn("connectoren"), community=community)
    return {**units, "role": role, "community": community, "owner": owner}


def _login(login: str, password: str) -> tuple[Client, Any]:
    client = Client()
    return client, client.post("/accounts/login/", {"login": login, "password": password})


# --- Sign-in --------------------------------------------------------------------------------


def test_directory_password_signs_in_and_creates_the_account(bank: dict[str, Any]) -> None:
    """The first sign-in creates the account from the entry, linked, without a password."""
    client, response = _login("amueller", server.PASSWORD)
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    person = User.objects.get(username="amueller")
    assert (person.first_name, person.last_name, person.email) == (
        "Anna",
        "Müller",
        "amueller@sparkasse.test",
    )
    assert (person.job_title, person.phone, person.org_unit) == (
        "Kundenberaterin",
        "+49 451 100-21",
        bank["north"],
    )
    assert not person.has_usable_password()
    assert DirectoryAccount.objects.get(user=person).dn == server.person_dn("amueller")
    assert AuditEntry.objects.filter(action="auth.login", target_id=str(person.pk)).exists()
    # Her directory groups: the communications role and the multipliers' community.
    assert list(person.groups.all()) == [bank["role"]]
    assert Membership.objects.filter(community=bank["community"], user=person).exists()


def test_wrong_password_is_refused_and_creates_nobody(bank: dict[str, Any]) -> None:
    client, response = _login("amueller", "wrong-password")
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not User.objects.filter(username="amueller").exists()
    assert client.get("/").status_code == 302


def test_disabled_directory_account_cannot_sign_in(bank: dict[str, Any]) -> None:
    """jkoch is disabled in the directory (kept out by the filter)."""
    _, response = _login("jkoch", server.PASSWORD)
    assert response.status_code == 200
    assert not User.objects.filter(username="jkoch").exists()


def test_account_deactivated_in_hanse_cannot_sign_in(bank: dict[str, Any]) -> None:
    _login("tschulz", server.PASSWORD)
    User.objects.filter(username="tschulz").update(is_active=False)
    client, response = _login("tschulz", server.PASSWORD)
    assert response.status_code == 200
    assert client.get("/").status_code == 302


def test_local_accounts_keep_working_and_are_not_taken_over(
    bank: dict[str, Any], make_user: Any
) -> None:
    """A local account signs in with its own password; a local account with the same name as a
    directory entry is not opened with the directory's password."""
    local = make_user("kbrandt", email="k.brandt@local.test")
    _, response = _login("kbrandt", PASSWORD)
    assert response.status_code == 302
    _, response = _login("kbrandt", server.PASSWORD)
    assert response.status_code == 200
    assert not DirectoryAccount.objects.filter(user=local).exists()


def test_directory_is_off_without_a_server_uri(bank: dict[str, Any], settings: Any) -> None:
    settings.LDAP_SERVER_URI = ""
    _, response = _login("amueller", server.PASSWORD)
    assert response.status_code == 200
    assert not User.objects.filter(username="amueller").exists()


def test_an_unreachable_directory_refuses_politely_and_local_accounts_work(
    bank: dict[str, Any], settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """No 500 when the directory is down: the form says the credentials did not work, and a
    local account still signs in."""
    settings.LDAP_SERVER_URI = "ldap://127.0.0.1:9"
    with caplog.at_level(logging.ERROR, logger="hanse.identity.ldap.backend"):
        _, response = _login("amueller", server.PASSWORD)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert UNREACHABLE in response.content.decode()
    (logged,) = caplog.messages
    assert logged.startswith(
        "directory sign-in failed: the directory cannot be reached at ldap://127.0.0.1:9 "
        "(Can't contact LDAP server"
    )
    german = Client(HTTP_ACCEPT_LANGUAGE="de").post(
        "/accounts/login/", {"login": "amueller", "password": server.PASSWORD}
    )
    assert "Das Verzeichnis war nicht erreichbar" in german.content.decode()
    _, response = _login("owner", PASSWORD)
    assert response.status_code == 302


def test_an_administrator_from_the_directory_still_needs_mfa(
    bank: dict[str, Any], mfa_for: Any
) -> None:
    """Signed in with the directory password, an administrator without a second factor
    reaches enrolment only; with one, the login asks for the code."""
    mfa_for("administrator")
    run_sync()
    User.objects.filter(username="lweber").update(is_superuser=True, is_staff=True)
    client, response = _login("lweber", server.PASSWORD)
    assert response.status_code == 302
    assert client.get("/")["Location"] == "/accounts/2fa/"

    Authenticator.objects.create(
        user=User.objects.get(username="lweber"),
        type=Authenticator.Type.TOTP,
        data={"secret": "JBSWY3DPEHPK3PXP"},
    )
    client, response = _login("lweber", server.PASSWORD)
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert client.get("/")["Location"].startswith("/accounts/login/")


# --- Sync -----------------------------------------------------------------------------------


def test_sync_creates_people_units_managers_roles_and_communities(bank: dict[str, Any]) -> None:
    plan = run_sync()
    names = set(
        User.objects.filter(directory_account__isnull=False).values_list("username", flat=True)
    )
    assert names == {"hvoss", "kbrandt", "amueller", "tschulz", "lweber"}  # not jkoch
    assert plan.created == 5
    lena = User.objects.get(username="lweber")
    # The group mapping places her (through it-administratoren, a group within the mapped
    # one); her attribute ("Informatik", no such unit) is not needed.
    assert lena.org_unit == bank["it"]
    assert plan.problems == []
    assert not lena.has_usable_password()
    bank["north"].refresh_from_db()
    bank["it"].refresh_from_db()
    assert bank["north"].manager.username == "kbrandt"
    assert bank["it"].manager.username == "hvoss"
    assert list(User.objects.get(username="amueller").groups.all()) == [bank["role"]]
    members = set(
        Membership.objects.filter(community=bank["community"]).values_list(
            "user__username", flat=True
        )
    )
    # Tim through connectoren-nord, Lena one group further down.
    assert members == {"owner", "amueller", "tschulz", "lweber"}
    run = DirectorySyncRun.objects.get()
    assert (run.status, run.created, run.people_seen) == ("ok", 5, 5)
    entry = AuditEntry.objects.get(action="directory.synced")
    assert entry.data["created"] == 5
    assert entry.target_id == str(run.pk)

    # A second run finds nothing to do.
    again = run_sync()
    assert (again.created, again.updated, again.deactivate, again.managers) == (0, 0, [], [])


def test_sync_updates_moves_and_changes_managers_and_roles(
    bank: dict[str, Any], slapd: server.Slapd
) -> None:
    run_sync()
    slapd.modify(server.person_dn("amueller"), title="Teamleiterin", telephoneNumber="+49 1")
    # Tim moves to Filiale Süd, where Anna now leads (he names her as his manager).
    slapd.modify(
        server.person_dn("tschulz"),
        departmentNumber="Filiale Süd",
        manager=server.person_dn("amueller"),
    )
    # Anna leaves the communications group: the role goes.
    slapd.modify(server.group_dn("hanse-kommunikation"), member=[server.person_dn("hvoss")])
    plan = run_sync()
    anna = User.objects.get(username="amueller")
    tim = User.objects.get(username="tschulz")
    assert (anna.job_title, anna.phone) == ("Teamleiterin", "+49 1")
    assert tim.org_unit == bank["south"]
    bank["south"].refresh_from_db()
    assert bank["south"].manager == anna
    assert list(anna.groups.all()) == []
    assert list(User.objects.get(username="hvoss").groups.all()) == [bank["role"]]
    assert plan.updated == 3  # Anna, Tim, Helga
    assert AuditEntry.objects.filter(action="roles.group_removed", target_id=str(anna.pk)).exists()


def test_sync_deactivates_leavers_and_ends_everything(
    bank: dict[str, Any], slapd: server.Slapd
) -> None:
    """A person gone from the directory is deactivated like SCIM does it: sessions end, API
    tokens stop working. Local accounts are not the directory's to deactivate."""
    run_sync()
    client, _response = _login("tschulz", server.PASSWORD)
    assert client.get("/").status_code == 200
    tim = User.objects.get(username="tschulz")
    token = token_create(user=tim, name="Skript")
    slapd.delete(server.person_dn("tschulz"))
    plan = run_sync()
    assert [u.username for u in plan.deactivate] == ["tschulz"]
    tim.refresh_from_db()
    assert not tim.is_active
    assert client.get("/").status_code == 302
    assert token_authenticate(raw=token.raw) is None
    assert AuditEntry.objects.filter(
        action="person.deactivated", target_id=str(tim.pk), data__reason="directory_sync"
    ).exists()
    assert User.objects.get(username="owner").is_active  # local
    assert DirectorySyncRun.objects.first().deactivated == 1


def test_a_person_back_in_the_directory_is_reactivated_only_if_the_sync_deactivated_them(
    bank: dict[str, Any], slapd: server.Slapd
) -> None:
    run_sync()
    slapd.modify(server.person_dn("tschulz"), employeeType="disabled")
    run_sync()
    assert not User.objects.get(username="tschulz").is_active
    slapd.modify(server.person_dn("tschulz"), employeeType=None)
    User.objects.filter(username="kbrandt").update(is_active=False)  # by an administrator
    run_sync()
    assert User.objects.get(username="tschulz").is_active
    assert not User.objects.get(username="kbrandt").is_active


def _snapshot() -> list[Any]:
    people = list(
        User.objects.order_by("username").values_list(
            "username", "email", "job_title", "phone", "org_unit_id", "is_active"
        )
    )
    units = list(OrgUnit.objects.order_by("pk").values_list("pk", "manager_id"))
    roles = list(User.groups.through.objects.order_by("pk").values_list("user_id", "group_id"))
    members = list(Membership.objects.order_by("pk").values_list("user_id", "community_id"))
    links = list(DirectoryAccount.objects.order_by("pk").values_list("pk", "dn", "synced_at"))
    return [people, units, roles, members, links, DirectorySyncRun.objects.count()]


def test_dry_run_prints_the_changes_and_changes_nothing(
    bank: dict[str, Any], slapd: server.Slapd
) -> None:
    before = _snapshot()
    out = StringIO()
    call_command("ldap_sync", "--dry-run", stdout=out)
    text = out.getvalue()
    assert "Create amueller" in text
    assert "Filiale Nord: manager - → kbrandt" in text
    assert "amueller: gets the role Kommunikation" in text
    assert "Dry run, nothing changed" in text
    assert _snapshot() == before
    assert AuditEntry.objects.filter(action="directory.sync_previewed").count() == 1

    call_command("ldap_sync", stdout=StringIO())
    slapd.delete(server.person_dn("tschulz"))
    slapd.modify(server.person_dn("amueller"), departmentNumber="Filiale Süd")
    before = _snapshot()
    out = StringIO()
    call_command("ldap_sync", "--dry-run", stdout=out)
    text = out.getvalue()
    assert "Deactivate tschulz (no longer in the directory)" in text
    assert "amueller: org unit “Filiale Nord” → “Filiale Süd”" in text
    assert _snapshot() == before
    assert User.objects.get(username="tschulz").is_active


def test_a_search_that_finds_nobody_changes_nothing(bank: dict[str, Any], settings: Any) -> None:
    """A wrong search base must not deactivate the bank."""
    run_sync()
    settings.LDAP_USER_SEARCH_BASE = f"ou=groups,{server.BASE}"
    with pytest.raises(CommandError, match="found nobody"):
        call_command("ldap_sync", stdout=StringIO())
    assert User.objects.filter(directory_account__isnull=False, is_active=True).count() == 5
    run = DirectorySyncRun.objects.first()
    assert run.status == "refused"
    assert AuditEntry.objects.filter(action="directory.sync_refused").exists()


def test_an_unreachable_directory_is_a_clear_error_and_a_failed_run(
    bank: dict[str, Any], settings: Any
) -> None:
    settings.LDAP_BIND_PASSWORD = "wrong"
    message = (
        "The directory sync failed: the directory refused the service account (LDAP_BIND_DN, "
        "LDAP_BIND_PASSWORD) (Invalid credentials)"
    )
    with pytest.raises(CommandError) as failed:
        call_command("ldap_sync", stdout=StringIO())
    assert str(failed.value) == message
    assert DirectorySyncRun.objects.get().status == "failed"
    assert DirectorySyncRun.objects.get().report == message.removeprefix(
        "The directory sync failed: "
    )
    assert AuditEntry.objects.filter(action="directory.sync_failed").exists()


def test_command_refuses_when_the_directory_is_off(settings: Any) -> None:
    settings.LDAP_SERVER_URI = ""
    with pytest.raises(CommandError, match="LDAP_SERVER_URI"):
        call_command("ldap_sync", "--dry-run", stdout=StringIO())


def test_the_schedule_exists_only_when_the_directory_is_on(
    bank: dict[str, Any], settings: Any
) -> None:
    (schedule,) = jobs.schedules()
    assert schedule.task == "hanse.identity.ldap.tasks.directory_sync"
    assert directory_sync.call() == 5
    assert DirectorySyncRun.objects.get().trigger == "schedule"
    settings.LDAP_SERVER_URI = ""
    assert jobs.schedules() == ()
    assert directory_sync.call() == 0


# --- The sync runs in admin ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actor", "expected"),
    [("anonymous", 302), ("member", 302), ("staff", 403), ("admin", 200)],
)
def test_sync_runs_in_admin_permission_table(
    bank: dict[str, Any], make_user: Any, client_for: Any, actor: str, expected: int
) -> None:
    run_sync()
    people = {
        "anonymous": None,
        "member": make_user("member"),
        "staff": make_user("staff", is_staff=True),
        "admin": make_user("root", is_staff=True, is_superuser=True),
    }
    client = client_for(people[actor])
    run = DirectorySyncRun.objects.get()
    for url in (
        "/admin/identity/directorysyncrun/",
        f"/admin/identity/directorysyncrun/{run.pk}/change/",
    ):
        response = client.get(url)
        assert response.status_code == expected, url
        if expected == 200:
            assert "amueller" in response.content.decode() or url.endswith("/directorysyncrun/")
    if actor == "admin":
        assert client.get("/admin/identity/directorygroup/add/").status_code == 200
        assert client.post(f"/admin/identity/directorysyncrun/{run.pk}/delete/").status_code == 403


# --- Nested groups ----------------------------------------------------------------------------


def _add_group(slapd: server.Slapd, cn: str, members: list[str]) -> str:
    dn = server.group_dn(cn)
    connection = slapd.admin()
    try:
        connection.add_s(
            dn,
            [
                ("objectClass", [b"groupOfNames"]),
                ("cn", [cn.encode()]),
                ("member", [m.encode() for m in members]),
            ],
        )
    finally:
        connection.unbind_s()
    return dn


def _with_role(bank: dict[str, Any]) -> set[str]:
    return set(bank["role"].user_set.values_list("username", flat=True))


@pytest.fixture
def nested(bank: dict[str, Any], slapd: server.Slapd) -> dict[str, str]:
    """hanse-kommunikation (the role) holds Anna and the group presse; presse holds Heike and
    presse-nord; presse-nord holds Tim, the disabled Jan and, in a cycle, hanse-kommunikation
    itself."""
    top = server.group_dn("hanse-kommunikation")
    north = _add_group(slapd, "presse-nord", [server.person_dn("tschulz")])
    press = _add_group(slapd, "presse", [server.person_dn("hvoss"), north])
    slapd.modify(top, member=[server.person_dn("amueller"), press])
    slapd.modify(north, member=[server.person_dn("tschulz"), server.person_dn("jkoch"), top])
    return {"top": top, "press": press, "north": north}


def test_sync_follows_nested_groups_and_cuts_cycles(
    bank: dict[str, Any], nested: dict[str, str], settings: Any
) -> None:
    """With no depth limit to speak of, only the cycle guard ends the walk."""
    settings.LDAP_GROUP_NESTING_DEPTH = 1_000_000
    plan = run_sync()
    assert _with_role(bank) == {"amueller", "hvoss", "tschulz"}
    # The cycle back to the mapped group is reported once, and the sync still finished.
    path = " → ".join([nested["top"], nested["press"], nested["north"], nested["top"]])
    assert plan.problems == [
        f"the group {nested['top']} contains itself ({path}); it is followed once"
    ]
    assert DirectorySyncRun.objects.get().status == "ok"


def test_nesting_depth_limits_how_far_groups_are_followed(
    bank: dict[str, Any], nested: dict[str, str], settings: Any
) -> None:
    settings.LDAP_GROUP_NESTING_DEPTH = 1
    plan = run_sync()
    assert _with_role(bank) == {"amueller", "hvoss"}
    assert f"the group {nested['north']} lies more than 1 levels below {nested['top']} " in (
        "\n".join(plan.problems)
    )
    # 0: only the group's own members, as before nested groups were followed.
    settings.LDAP_GROUP_NESTING_DEPTH = 0
    plan = run_sync()
    assert _with_role(bank) == {"amueller"}
    # Lena's unit came through it-administratoren, within it-betrieb: now her attribute counts.
    assert plan.problems == ["there is no org unit “Informatik”"]


def test_leaving_an_inner_group_takes_the_role_away(
    bank: dict[str, Any], nested: dict[str, str], slapd: server.Slapd
) -> None:
    run_sync()
    assert "tschulz" in _with_role(bank)
    slapd.modify(nested["north"], member=[server.person_dn("jkoch")])
    run_sync()
    assert _with_role(bank) == {"amueller", "hvoss"}


def test_sign_in_sees_groups_within_groups(bank: dict[str, Any]) -> None:
    """Tim is in the community's group through connectoren-nord; Lena through
    connectoren-informatik within it, and in IT's unit through it-administratoren."""
    _login("tschulz", server.PASSWORD)
    _login("lweber", server.PASSWORD)
    tim = User.objects.get(username="tschulz")
    lena = User.objects.get(username="lweber")
    members = Membership.objects.filter(community=bank["community"])
    assert set(members.values_list("user__username", flat=True)) == {"owner", "tschulz", "lweber"}
    assert (tim.org_unit, lena.org_unit) == (bank["north"], bank["it"])
    assert list(tim.groups.all()) == list(lena.groups.all()) == []


def test_sign_in_stops_at_a_group_cycle(
    bank: dict[str, Any], nested: dict[str, str], settings: Any
) -> None:
    """Tim's group presse-nord lies in presse, in hanse-kommunikation, which lies in presse-nord
    again: the sign-in finishes and gives him the role once. The depth limit is lifted, so
    only the cycle guard can end the walk (without it: a million searches)."""
    settings.LDAP_GROUP_NESTING_DEPTH = 1_000_000
    client, response = _login("tschulz", server.PASSWORD)
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert _with_role(bank) == {"tschulz"}
    tim = User.objects.get(username="tschulz")
    assert AuditEntry.objects.filter(action="roles.group_added", target_id=str(tim.pk)).count() == 1


def test_sign_in_takes_the_role_away_after_leaving_an_inner_group(
    bank: dict[str, Any], nested: dict[str, str], slapd: server.Slapd
) -> None:
    _login("tschulz", server.PASSWORD)
    assert _with_role(bank) == {"tschulz"}
    slapd.modify(nested["north"], member=[server.person_dn("jkoch")])
    _, response = _login("tschulz", server.PASSWORD)
    assert response.status_code == 302
    assert _with_role(bank) == set()
    tim = User.objects.get(username="tschulz")
    assert AuditEntry.objects.filter(action="roles.group_removed", target_id=str(tim.pk)).exists()


def _group_state() -> list[Any]:
    """What directory groups decide: everyone's unit, roles and communities."""
    units = list(User.objects.order_by("username").values_list("username", "org_unit__name"))
    roles = sorted(User.groups.through.objects.values_list("user__username", "group__name"))
    members = sorted(Membership.objects.values_list("user__username", "community__name"))
    return [units, roles, members]


@pytest.mark.parametrize("case", ["directory", "cycle", "depth 1", "depth 0"])
def test_sign_in_and_sync_agree_on_groups(
    bank: dict[str, Any], settings: Any, request: pytest.FixtureRequest, case: str
) -> None:
    """Everyone signs in first; the sync that follows has nothing to change in units, roles
    or communities: both count the same people as members of each mapped group, nested
    groups, a cycle and the depth limit included."""
    if case != "directory":
        request.getfixturevalue("nested")
    if case.startswith("depth"):
        settings.LDAP_GROUP_NESTING_DEPTH = int(case.split()[1])
    for uid in ("hvoss", "kbrandt", "amueller", "tschulz", "lweber"):
        _, response = _login(uid, server.PASSWORD)
        assert response.status_code == 302, uid
    signed_in = _group_state()
    plan = run_sync(dry_run=True)
    assert plan.created == 0
    changes = [
        (p.username, p.roles_add, p.roles_remove, p.communities_add, p.fields.get("org_unit"))
        for p in plan.people
    ]
    assert changes == [(p.username, [], [], [], None) for p in plan.people]
    run_sync()
    assert _group_state() == signed_in
    expected_roles = {
        "directory": {"amueller"},
        "cycle": {"amueller", "hvoss", "tschulz"},
        "depth 1": {"amueller", "hvoss"},
        "depth 0": {"amueller"},
    }
    assert _with_role(bank) == expected_roles[case]


def test_a_range_size_is_not_used_with_a_directory_without_ranges(
    bank: dict[str, Any], slapd: server.Slapd, settings: Any
) -> None:
    """OpenLDAP announces no Active Directory capability, and it would answer a ranged read
    with nothing: with LDAP_RANGE_SIZE set, the sync still reads the whole member attribute
    (ranges against Samba AD: test_ldap_ad.py)."""
    connection = slapd.admin()
    try:
        ranged = connection.search_s(
            server.group_dn("connectoren"), ldap.SCOPE_BASE, "(objectClass=*)", ["member;range=0-0"]
        )
    finally:
        connection.unbind_s()
    assert ranged[0][1] == {}
    settings.LDAP_RANGE_SIZE = 1
    run_sync()
    members = Membership.objects.filter(community=bank["community"])
    assert set(members.values_list("user__username", flat=True)) == {
        "owner",
        "amueller",
        "tschulz",
        "lweber",
    }


def test_groups_outside_the_group_search_base_count_nowhere(
    bank: dict[str, Any], settings: Any
) -> None:
    """The sign-in searches groups under LDAP_GROUP_SEARCH_BASE only, so the sync leaves out
    mapped groups elsewhere (and says so); a base that does not exist fails both."""
    settings.LDAP_GROUP_SEARCH_BASE = f"ou=nowhere,{server.BASE}"
    _, response = _login("tschulz", server.PASSWORD)
    assert response.status_code == 200
    assert UNREACHABLE in response.content.decode()
    assert not User.objects.filter(username="tschulz").exists()  # nothing half-written
    with pytest.raises(CommandError, match="a search base does not exist"):
        call_command("ldap_sync", stdout=StringIO())

    settings.LDAP_GROUP_SEARCH_BASE = f"ou=services,{server.BASE}"
    _login("amueller", server.PASSWORD)
    anna = User.objects.get(username="amueller")
    assert list(anna.groups.all()) == []
    plan = run_sync()
    assert _with_role(bank) == set()
    assert plan.problems == [
        f"the group {server.group_dn(cn)} is outside ou=services,dc=sparkasse,dc=test "
        "(LDAP_GROUP_SEARCH_BASE); left out"
        for cn in ("connectoren", "hanse-kommunikation", "it-betrieb")
    ] + ["there is no org unit “Informatik”"]


# --- TLS --------------------------------------------------------------------------------------


@pytest.fixture
def tls_directory(tls_slapd: server.Slapd, settings: Any) -> server.Slapd:
    return server.configure(tls_slapd, settings)


def _use_tls(directory: server.Slapd, settings: Any, how: str, ca: str) -> None:
    """StartTLS on the ldap:// port, or LDAPS on the other, with the CA file ``ca``."""
    assert directory.tls is not None
    settings.LDAP_START_TLS = how == "starttls"
    settings.LDAP_SERVER_URI = directory.uri if how == "starttls" else directory.ldaps_uri
    settings.LDAP_TLS_CA_FILE = str(directory.tls[ca])


@pytest.mark.parametrize("how", ["starttls", "ldaps"])
def test_tls_with_the_directory_ca(tls_directory: server.Slapd, settings: Any, how: str) -> None:
    """A directory that requires encryption, its certificate from the bank's CA: the sync and a
    directory sign-in (with its nested groups) work over StartTLS and over LDAPS."""
    _use_tls(tls_directory, settings, how, "ca")
    admins, _ = Group.objects.get_or_create(name="IT-Administration")
    DirectoryGroup.objects.create(dn=server.group_dn("it-betrieb"), role=admins)
    client, response = _login("lweber", server.PASSWORD)
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    # Through it-administratoren, a group within it-betrieb.
    assert list(User.objects.get(username="lweber").groups.all()) == [admins]
    plan = run_sync()
    assert (plan.created, plan.updated) == (4, 0)
    assert DirectorySyncRun.objects.get().status == "ok"


@pytest.mark.parametrize("how", ["starttls", "ldaps"])
def test_the_wrong_ca_is_refused_with_a_clear_error(
    tls_directory: server.Slapd, settings: Any, caplog: pytest.LogCaptureFixture, how: str
) -> None:
    """The directory's certificate is not signed by the CA in LDAP_TLS_CA_FILE: the sync fails
    and says which CA signed it; a sign-in is refused, the person is told the directory could
    not be reached and the log says why. Nothing is written."""
    _use_tls(tls_directory, settings, how, "other_ca")
    why = (
        "the directory's TLS certificate is issued by CN=Hanse Test CA, which is not a CA in "
        "LDAP_TLS_CA_FILE (CN=Other CA)"
    )
    with pytest.raises(CommandError) as failed:
        call_command("ldap_sync", stdout=StringIO())
    assert str(failed.value).startswith(f"The directory sync failed: {why} (")
    run = DirectorySyncRun.objects.get()
    assert (run.status, run.report.startswith(why)) == ("failed", True)
    with caplog.at_level(logging.ERROR, logger="hanse.identity.ldap.backend"):
        _client, response = _login("amueller", server.PASSWORD)
    assert response.status_code == 200
    assert UNREACHABLE in response.content.decode()
    assert [m.startswith(f"directory sign-in failed: {why} (") for m in caplog.messages] == [True]
    assert not User.objects.exists()


def test_without_start_tls_the_directory_refuses_and_says_so(
    tls_directory: server.Slapd, settings: Any
) -> None:
    """No StartTLS: the directory refuses the plain bind; the error names the fix. Turning the
    certificate check off (a test directory only, never production) reads it."""
    assert tls_directory.tls is not None
    settings.LDAP_TLS_CA_FILE = str(tls_directory.tls["ca"])
    with pytest.raises(CommandError, match="requires an encrypted connection: use ldaps://"):
        call_command("ldap_sync", stdout=StringIO())
    _client, response = _login("amueller", server.PASSWORD)
    assert response.status_code == 200
    assert not User.objects.filter(username="amueller").exists()
    settings.LDAP_START_TLS = True
    settings.LDAP_TLS_REQUIRE_CERT = False
    settings.LDAP_TLS_CA_FILE = ""
    assert run_sync().created == 5
