"""LDAP / Active Directory against a real OpenLDAP (slapd, started per test with the small
bank's directory): sign-in with the directory password next to local accounts and MFA, and
the sync of people, units, managers, roles and communities, with its dry run."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.test import Client

from tests.support import slapd as server

server.require_python_ldap()

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
    bank: dict[str, Any], settings: Any
) -> None:
    """No 500 when the directory is down: the form says the credentials did not work, and a
    local account still signs in."""
    settings.LDAP_SERVER_URI = "ldap://127.0.0.1:9"
    _, response = _login("amueller", server.PASSWORD)
    assert response.status_code == 200
    assert response.context["form"].errors
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
    # The group mapping places her; her attribute ("Informatik", no such unit) is not needed.
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
    assert members == {"owner", "amueller", "tschulz"}
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
    with pytest.raises(CommandError, match="directory answered"):
        call_command("ldap_sync", stdout=StringIO())
    assert DirectorySyncRun.objects.get().status == "failed"
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
    bank: dict[str, Any], nested: dict[str, str]
) -> None:
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
    assert plan.problems == [
        f"the group {nested['north']} lies more than 1 levels below {nested['top']} "
        "(LDAP_GROUP_NESTING_DEPTH); its members are left out"
    ]
    # 0: only the group's own members, as before nested groups were followed.
    settings.LDAP_GROUP_NESTING_DEPTH = 0
    plan = run_sync()
    assert _with_role(bank) == {"amueller"}
    assert plan.problems == []


def test_leaving_an_inner_group_takes_the_role_away(
    bank: dict[str, Any], nested: dict[str, str], slapd: server.Slapd
) -> None:
    run_sync()
    assert "tschulz" in _with_role(bank)
    slapd.modify(nested["north"], member=[server.person_dn("jkoch")])
    run_sync()
    assert _with_role(bank) == {"amueller", "hvoss"}


# --- TLS --------------------------------------------------------------------------------------


@pytest.fixture
def tls_directory(tls_slapd: server.Slapd, settings: Any) -> server.Slapd:
    return server.configure(tls_slapd, settings)


def test_start_tls_with_the_directory_ca(tls_directory: server.Slapd, settings: Any) -> None:
    """A directory that requires StartTLS, its certificate from the bank's CA: the sync and a
    directory sign-in work with LDAP_START_TLS and LDAP_TLS_CA_FILE."""
    assert tls_directory.tls is not None
    settings.LDAP_START_TLS = True
    settings.LDAP_TLS_CA_FILE = str(tls_directory.tls["ca"])
    plan = run_sync()
    assert plan.created == 5
    assert DirectorySyncRun.objects.get().status == "ok"
    client, response = _login("amueller", server.PASSWORD)
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_without_start_tls_or_with_the_wrong_ca_nothing_is_read(
    tls_directory: server.Slapd, settings: Any
) -> None:
    """No StartTLS (the directory refuses the plain bind), or a certificate from a CA that is
    not the configured one: a failed run with a clear error, nobody created, no sign-in."""
    assert tls_directory.tls is not None
    for start_tls, ca_file in (
        (False, str(tls_directory.tls["ca"])),
        (True, str(tls_directory.tls["other_ca"])),
    ):
        settings.LDAP_START_TLS = start_tls
        settings.LDAP_TLS_CA_FILE = ca_file
        with pytest.raises(CommandError, match="directory"):
            call_command("ldap_sync", stdout=StringIO())
        _client, response = _login("amueller", server.PASSWORD)
        assert response.status_code != 302
    assert not User.objects.filter(username="amueller").exists()
    assert list(DirectorySyncRun.objects.values_list("status", flat=True)) == ["failed", "failed"]
    # A test directory may switch the check off (never in production): then it is read.
    settings.LDAP_TLS_REQUIRE_CERT = False
    settings.LDAP_TLS_CA_FILE = ""
    assert run_sync().created == 5
