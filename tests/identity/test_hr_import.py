"""The HR import: reading files, the preview, the all-or-nothing real run, leavers, the
command and the admin page."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from hanse.audit.models import AuditEntry
from hanse.identity.hrimport import reader, runs
from hanse.identity.hrimport.plan import apply_plan, plan_import
from hanse.identity.models import HrAccount, HrImportRun
from hanse.people.models import Location, OrgUnit, User

HEADER = "email;first_name;last_name;unit;parent_unit;location;manager_email;end_date\n"


def plan_of(text: str, encoding: str = "utf-8") -> Any:
    return plan_import(reader.read(text.encode(encoding)).rows)


def run_file(text: str, *, dry_run: bool = False, encoding: str = "utf-8") -> HrImportRun:
    run = HrImportRun.objects.create(
        dry_run=dry_run, trigger=HrImportRun.Trigger.COMMAND, content=text
    )
    runs.execute(run)
    run.refresh_from_db()
    return run


def good_file() -> str:
    return (
        HEADER + "jan.koch@bank.example;Jan;Koch;IT-Betrieb;;Hauptstelle;;\n"
        "anna.b@bank.example;Anna;Böttcher;IT-Betrieb;;Hauptstelle;jan.koch@bank.example;\n"
        "ole@bank.example;Ole;Jensen;Kredit;Privatkunden;Filiale Ratzeburg;jan.koch@bank.example;\n"
    )


# --- reading -------------------------------------------------------------------------------


def test_reads_utf8_with_bom_and_semicolons() -> None:
    """A German Excel export: BOM, semicolons, German column names."""
    data = "\ufeffE-Mail;Vorname;Nachname;Organisationseinheit\na@x.de;Jörg;Müßig;IT\n"
    parsed = reader.read(data.encode("utf-8"))
    assert parsed.encoding == "utf-8-sig"
    assert parsed.delimiter == ";"
    assert parsed.rows[0].values["last_name"] == "Müßig"
    assert parsed.rows[0].line == 2


def test_reads_windows_1252_with_commas() -> None:
    data = "email,first_name,last_name,unit\na@x.de,Jörg,Weiß,IT\n".encode("cp1252")
    parsed = reader.read(data)
    assert parsed.encoding == "cp1252"
    assert parsed.delimiter == ","
    assert parsed.rows[0].values["last_name"] == "Weiß"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty"),
        (b"email;first_name\na@x.de;A\n", "Required columns are missing: last_name, unit"),
        (b"email;first_name;last_name;unit\n", "has no rows"),
        (b"\x00\x01PK", "not a CSV text file"),
        (b"email;E-Mail;first_name;last_name;unit\n", "appears twice"),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(data: bytes, message: str) -> None:
    with pytest.raises(reader.FileRefused) as refused:
        reader.read(data)
    assert message in str(refused.value.message)


# --- planning and writing -----------------------------------------------------------------


def test_dry_run_changes_nothing_and_reports_everything(org: dict[str, Any]) -> None:
    before = (User.objects.count(), OrgUnit.objects.count(), Location.objects.count())
    run = run_file(good_file(), dry_run=True)
    assert run.status == HrImportRun.Status.PREVIEWED
    assert (User.objects.count(), OrgUnit.objects.count(), Location.objects.count()) == before
    report = run.report
    assert [p["email"] for p in report["new_people"]] == [
        "jan.koch@bank.example",
        "anna.b@bank.example",
        "ole@bank.example",
    ]
    assert report["new_units"] == [{"name": "Kredit", "parent": "Privatkunden"}]
    assert report["new_locations"] == ["Filiale Ratzeburg"]
    assert {(m["unit"], m["new"]) for m in report["manager_changes"]} == {
        ("IT-Betrieb", "jan.koch@bank.example"),
        ("Kredit", "jan.koch@bank.example"),
    }
    assert run.content  # kept for the confirmation
    assert AuditEntry.objects.filter(action="hr_import.previewed").count() == 1


def test_real_run_writes_people_units_locations_and_managers(org: dict[str, Any]) -> None:
    run = run_file(good_file())
    assert run.status == HrImportRun.Status.DONE, run.report
    anna = User.objects.get(email="anna.b@bank.example")
    assert anna.last_name == "Böttcher"
    assert anna.org_unit == org["it_ops"]
    assert anna.location == org["head_office"]
    assert not anna.has_usable_password()
    kredit = OrgUnit.objects.get(name="Kredit")
    assert kredit.parent == org["private"]
    assert kredit.path.startswith(org["private"].path)
    jan = User.objects.get(email="jan.koch@bank.example")
    assert OrgUnit.objects.get(pk=org["it_ops"].pk).manager == jan
    assert kredit.manager == jan
    assert User.objects.get(email="ole@bank.example").location.name == "Filiale Ratzeburg"
    assert HrAccount.objects.count() == 3
    assert run.content == ""  # personal data, not kept
    assert AuditEntry.objects.filter(action="hr_import.imported", target_id=str(run.pk)).exists()
    # The same file again changes nothing.
    again = run_file(good_file(), dry_run=True)
    assert again.report["counts"]["created"] == 0
    assert again.report["counts"]["updated"] == 0
    assert again.report["manager_changes"] == []


def test_changes_to_known_people_are_listed_with_old_and_new(
    org: dict[str, Any], make_user: Callable[..., User]
) -> None:
    make_user("anna", email="anna.b@bank.example", first_name="Anna", last_name="Becker")
    plan = plan_of(good_file())
    changed = plan.report()["changed_people"]
    assert changed[0]["email"] == "anna.b@bank.example"
    assert {"field": "last name", "old": "Becker", "new": "Böttcher"} in changed[0]["changes"]


@pytest.mark.parametrize(
    ("rows", "line", "message"),
    [
        (
            "a@b.de;A;A;IT-Betrieb;;;;\nb@b.de;B;B;IT-Betrieb;;;;\nA@b.de;C;C;IT-Betrieb;;;;\n",
            4,
            "The e-mail address a@b.de is already on line 3.",
        ),
        ("a@b.de;A;A;Nirgendwo;;;;\n", 2, "There is no unit “Nirgendwo”."),
        ("a@b.de;A;A;Neu;Gibtsnicht;;;\n", 2, "The parent unit “Gibtsnicht”"),
        ("a@b.de;A;A;IT-Betrieb;;;;31.02.2026\n", 2, "“31.02.2026” is not a date."),
        ("kaputt;A;A;IT-Betrieb;;;;\n", 2, "is not a valid e-mail address"),
        ("a@b.de;;A;IT-Betrieb;;;;\n", 2, "The column first_name is empty."),
        ("a@b.de;A;A;IT-Betrieb;;;a@b.de;\n", 2, "cannot be their own manager"),
        ("a@b.de;A;A;IT-Betrieb;;;nobody@b.de;\n", 2, "neither in the file nor an active"),
        (
            "a@b.de;A;A;IT-Betrieb;;;b@b.de;\nb@b.de;B;B;IT-Betrieb;;;c@b.de;\n"
            "c@b.de;C;C;IT-Betrieb;;;a@b.de;\n",
            2,
            "The management chain goes round in a circle: a@b.de → b@b.de → c@b.de → a@b.de "
            "(lines 3, 4, 5).",
        ),
    ],
)
def test_broken_rows_are_reported_with_their_line_and_nothing_is_written(
    org: dict[str, Any], rows: str, line: int, message: str
) -> None:
    text = HEADER + "ok@b.de;Ok;Fine;IT-Betrieb;;Neuer Standort;;\n" + rows
    # The good first row shifts the broken ones by one line.
    before = (User.objects.count(), OrgUnit.objects.count(), Location.objects.count())
    run = run_file(text)
    assert run.status == HrImportRun.Status.REFUSED
    errors = run.report["errors"]
    assert any(e["line"] == line + 1 and message in e["message"] for e in errors), errors
    assert (User.objects.count(), OrgUnit.objects.count(), Location.objects.count()) == before
    assert not HrAccount.objects.exists()
    assert AuditEntry.objects.filter(action="hr_import.refused").count() == 1


def test_a_plan_with_errors_is_never_applied(org: dict[str, Any]) -> None:
    plan = plan_of(HEADER + "a@b.de;A;A;Nirgendwo;;;;\n")
    with pytest.raises(ValueError, match="never applied"):
        apply_plan(plan)


def test_a_failure_while_writing_rolls_everything_back(
    org: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing half-imported: the last write failing undoes the first ones."""
    from hanse.identity.hrimport import plan as plan_module

    def broken(**kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(plan_module, "orgunit_update", broken)
    with pytest.raises(RuntimeError):
        run_file(good_file())
    assert not User.objects.filter(email__endswith="@bank.example").exists()
    assert not OrgUnit.objects.filter(name="Kredit").exists()
    assert not Location.objects.filter(name="Filiale Ratzeburg").exists()
    assert HrImportRun.objects.get().status == HrImportRun.Status.FAILED


def test_leavers_are_deactivated_through_person_deactivate(org: dict[str, Any]) -> None:
    run_file(good_file())
    ole = User.objects.get(email="ole@bank.example")
    anna = User.objects.get(email="anna.b@bank.example")
    # Ole is no longer in the file; Anna has an end date that has passed.
    text = (
        HEADER + "jan.koch@bank.example;Jan;Koch;IT-Betrieb;;Hauptstelle;;\n"
        "anna.b@bank.example;Anna;Böttcher;IT-Betrieb;;Hauptstelle;;2020-01-31\n"
    )
    run = run_file(text)
    assert run.status == HrImportRun.Status.DONE, run.report
    assert {(d["email"], d["reason"]) for d in run.report["deactivated"]} == {
        ("anna.b@bank.example", "end_date"),
        ("ole@bank.example", "not_in_file"),
    }
    ole.refresh_from_db()
    anna.refresh_from_db()
    assert not ole.is_active and not anna.is_active
    deactivations = AuditEntry.objects.filter(action="person.deactivated")
    assert {e.target_id for e in deactivations} == {str(ole.pk), str(anna.pk)}
    # Listed again without an end date: Ole comes back.
    run = run_file(good_file())
    ole.refresh_from_db()
    assert ole.is_active


def test_a_file_deactivating_too_many_changes_nothing(org: dict[str, Any], settings: Any) -> None:
    settings.HR_IMPORT_MAX_DEACTIVATE_PERCENT = 10
    people = "".join(f"p{i}@bank.example;P;{i};IT-Betrieb;;;;\n" for i in range(20))
    run_file(HEADER + people)
    run = run_file(HEADER + "p0@bank.example;P;0;IT-Betrieb;;;;\n")
    assert run.status == HrImportRun.Status.REFUSED
    assert "HR_IMPORT_MAX_DEACTIVATE_PERCENT" in run.report["refused"]
    assert User.objects.filter(email__endswith="@bank.example", is_active=True).count() == 20


def test_people_deactivated_by_an_administrator_stay_so(
    org: dict[str, Any], make_user: Callable[..., User]
) -> None:
    make_user("anna", email="anna.b@bank.example", is_active=False)
    run = run_file(good_file())
    assert not User.objects.get(email="anna.b@bank.example").is_active
    assert any("left as it is" in w["message"] for w in run.report["warnings"])


# --- the command ----------------------------------------------------------------------------


def test_command_dry_run_and_real_run(org: dict[str, Any], tmp_path: Any) -> None:
    path = tmp_path / "hr.csv"
    path.write_bytes(good_file().replace(";", ",").encode("cp1252"))
    out = io.StringIO()
    call_command("hanse_hr_import", str(path), "--dry-run", "--no-progress", stdout=out)
    assert "Dry run, nothing changed" in out.getvalue()
    assert "New person (line 3): Anna Böttcher <anna.b@bank.example>" in out.getvalue()
    assert not User.objects.filter(email="anna.b@bank.example").exists()
    call_command("hanse_hr_import", str(path), "--no-progress", stdout=io.StringIO())
    assert User.objects.filter(email="anna.b@bank.example").exists()
    assert HrImportRun.objects.filter(trigger="command").count() == 2


def test_command_refuses_a_broken_file(org: dict[str, Any], tmp_path: Any) -> None:
    path = tmp_path / "hr.csv"
    path.write_text(HEADER + "a@b.de;A;A;Nirgendwo;;;;\n", encoding="utf-8")
    out = io.StringIO()
    with pytest.raises(CommandError, match="The file has errors; nothing changed"):
        call_command("hanse_hr_import", str(path), "--no-progress", stdout=out)
    assert "Error, line 2: There is no unit “Nirgendwo”" in out.getvalue()
    with pytest.raises(CommandError, match="Required columns are missing"):
        path.write_text("email\na@b.de\n", encoding="utf-8")
        call_command("hanse_hr_import", str(path), "--no-progress")


# --- the admin page -------------------------------------------------------------------------


def upload(client: Any, text: bytes, name: str = "hr.csv") -> Any:
    return client.post(
        reverse("hrimport:page"), {"file": SimpleUploadedFile(name, text, "text/csv")}
    )


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Callable[[Callable[[], Any]], Any]:
    """Run a request and then what it queued after its commit (the queue runs inline)."""

    def run(action: Callable[[], Any]) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return action()

    return run


def test_page_preview_then_confirm(
    org: dict[str, Any], admin_user: User, client_for: Callable[..., Any], committed: Any
) -> None:
    client = client_for(admin_user)
    assert client.get(reverse("hrimport:page")).status_code == 200
    response = committed(lambda: upload(client, good_file().encode("utf-8")))
    preview = HrImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("hrimport:run", args=[preview.pk])
    assert preview.status == HrImportRun.Status.PREVIEWED  # the queue runs inline in tests
    assert not User.objects.filter(email="anna.b@bank.example").exists()
    page = client.get(reverse("hrimport:run", args=[preview.pk]))
    assert b"Import now" in page.content
    assert "Anna Böttcher" in page.content.decode()
    response = committed(lambda: client.post(reverse("hrimport:run_confirm", args=[preview.pk])))
    done = HrImportRun.objects.get(preview_of=preview)
    assert response["Location"] == reverse("hrimport:run", args=[done.pk])
    assert done.status == HrImportRun.Status.DONE
    assert User.objects.filter(email="anna.b@bank.example").exists()
    # A second confirmation of the same preview is refused.
    client.post(reverse("hrimport:run_confirm", args=[preview.pk]))
    assert HrImportRun.objects.filter(preview_of=preview).count() == 1
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"hr_import.requested", "hr_import.previewed", "hr_import.confirmed"} <= actions
    assert "hr_import.imported" in actions


def test_page_shows_errors_and_offers_no_import(
    org: dict[str, Any], admin_user: User, client_for: Callable[..., Any], committed: Any
) -> None:
    client = client_for(admin_user)
    committed(lambda: upload(client, (HEADER + "a@b.de;A;A;Nirgendwo;;;;\n").encode()))
    preview = HrImportRun.objects.get()
    page = client.get(reverse("hrimport:run", args=[preview.pk])).content.decode()
    assert "There is no unit “Nirgendwo”" in page
    assert "Import now" not in page
    client.post(reverse("hrimport:run_confirm", args=[preview.pk]))
    assert HrImportRun.objects.count() == 1
    assert not User.objects.filter(email="a@b.de").exists()


@pytest.mark.parametrize(
    ("data", "language", "message"),
    [
        (b"email;first_name\na@b.de;A\n", "en", "Required columns are missing"),
        (b"email;first_name\na@b.de;A\n", "de", "Es fehlen Pflichtspalten"),
        (b"\x00\x00\x00", "de", "Das ist keine CSV-Textdatei"),
        (None, "en", "Please choose a CSV file."),
        (None, "de", "Bitte wähle eine CSV-Datei."),
    ],
)
def test_bad_uploads_get_a_clear_error_never_a_500(
    admin_user: User,
    client_for: Callable[..., Any],
    data: bytes | None,
    language: str,
    message: str,
) -> None:
    admin_user.ui_language = language
    admin_user.save(update_fields=["ui_language"])
    client = client_for(admin_user)
    response = client.post(reverse("hrimport:page"), {}) if data is None else upload(client, data)
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body, body[body.find("<main") :]
    assert not HrImportRun.objects.exists()


@pytest.mark.parametrize("actor", ["anonymous", "member", "staff", "deactivated_admin"])
def test_everyone_but_platform_admins_is_told_the_page_does_not_exist(
    actor: str, make_user: Callable[..., User], client_for: Callable[..., Any], org: Any
) -> None:
    person = {
        "anonymous": None,
        "member": lambda: make_user("m"),
        "staff": lambda: make_user("s", is_staff=True),
        "deactivated_admin": lambda: make_user("d", is_superuser=True, is_active=False),
    }[actor]
    client = client_for(person() if person else None)
    run = HrImportRun.objects.create(content=good_file())
    for url in (
        reverse("hrimport:page"),
        reverse("hrimport:run", args=[run.pk]),
        reverse("hrimport:run_status", args=[run.pk]),
    ):
        response = client.get(url)
        assert response.status_code in (302, 404), url
        if response.status_code == 302:
            assert "login" in response["Location"]
    response = client.post(reverse("hrimport:run_confirm", args=[run.pk]))
    assert response.status_code in (302, 404)
    assert HrImportRun.objects.count() == 1


def test_status_shows_progress_while_running(
    admin_user: User, client_for: Callable[..., Any]
) -> None:
    from django.core.cache import cache

    run = HrImportRun.objects.create(content="x", status=HrImportRun.Status.RUNNING)
    cache.set(f"hr_import:progress:{run.pk}", 42)
    body = client_for(admin_user).get(reverse("hrimport:run_status", args=[run.pk]))
    assert b'value="42"' in body.content
    assert b'hx-trigger="every 2s"' in body.content


def test_runs_are_listed_read_only_in_django_admin(
    admin_user: User, client_for: Callable[..., Any]
) -> None:
    run = HrImportRun.objects.create(content="secret;file", file_name="hr.csv")
    client = client_for(admin_user)
    assert client.get(reverse("admin:identity_hrimportrun_changelist")).status_code == 200
    page = client.get(reverse("admin:identity_hrimportrun_change", args=[run.pk]))
    assert page.status_code == 200
    assert "secret;file" not in page.content.decode()
    assert client.get(reverse("admin:identity_hrimportrun_add")).status_code == 403
