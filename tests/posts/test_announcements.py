"""Announcements: audiences, drafts and scheduling, pinning, confirmations, figures and the
recorded list of open confirmations (services, selectors, pages, API, admin)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from hanse.core.errors import PermissionRefused, ServiceError
from hanse.people.models import OrgUnit
from hanse.posts.models import Announcement, AnnouncementRead, ComplianceListAccess
from hanse.posts.selectors.announcements import (
    announcement_stats,
    announcements_archive,
    pinned_announcements_for,
)
from hanse.posts.services.announcements import (
    announcement_confirm,
    announcement_create,
    announcement_delete,
    announcement_mark_read,
    announcement_publish,
    announcement_unpublish,
    announcement_update,
    compliance_list_view,
)

API = "/api/v1/announcements"


@pytest.fixture
def communicator(make_user):
    """A person in the "Kommunikation" group created by the data migration."""
    person = make_user("komm", first_name="Kira", last_name="Kommunikation")
    person.groups.add(Group.objects.get(name="Kommunikation"))
    return person


def publish(author, title="Neue Öffnungszeiten", units=(), **fields):
    fields.setdefault("is_draft", False)
    return announcement_create(
        author=author, title=title, body="Ab **Montag** gilt …", audience_units=units, **fields
    )


def ids(announcements):
    return {a.pk for a in announcements}


# --- role and migration ----------------------------------------------------------------------


def test_migration_creates_the_communications_group(db):
    """The group "Kommunikation" holds the publish permission."""
    group = Group.objects.get(name="Kommunikation")
    perm = Permission.objects.get(codename="publish_announcement")
    assert list(group.permissions.all()) == [perm]


def test_only_communicators_write(make_user, communicator, admin_user):
    """Everyone else is refused and nothing is written."""
    with pytest.raises(PermissionRefused) as exc:
        publish(make_user())
    assert exc.value.message == "Only people with the communications role may write announcements."
    assert Announcement.objects.count() == 0
    assert publish(communicator).author == communicator
    assert publish(admin_user).author == admin_user


# --- validation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": "   "}, "Please give the announcement a title."),
        ({"title": "x" * 161}, "The title may be at most 160 characters long."),
        ({"body": ""}, "Please write the text of the announcement."),
        ({"body": "x" * 20001}, "The text may be at most 20,000 characters long."),
        ({"expires_at": "past"}, "The announcement must expire after it is published."),
    ],
)
def test_bad_input_is_refused(communicator, fields, message):
    """Exact messages; nothing written."""
    data = {"title": "Titel", "body": "Text"}
    data.update(fields)
    if data.get("expires_at") == "past":
        data["publish_at"] = timezone.now() + timedelta(days=2)
        data["expires_at"] = timezone.now() + timedelta(days=1)
    with pytest.raises(ServiceError) as exc:
        announcement_create(author=communicator, **data)
    assert str(exc.value.message) == message
    assert Announcement.objects.count() == 0


def test_title_of_160_characters_is_fine(communicator):
    """The limit itself is allowed; the body is rendered as sanitised HTML."""
    a = announcement_create(author=communicator, title="x" * 160, body="<script>x</script>**b**")
    assert "<script>" not in a.body_html
    assert "<strong>b</strong>" in a.body_html


def test_update_bad_input_changes_nothing(communicator):
    """A refused update leaves the stored announcement as it was."""
    a = publish(communicator)
    with pytest.raises(ServiceError):
        announcement_update(
            announcement=a,
            by=communicator,
            title="",
            body="Neu",
            audience_units=[],
            publish_at=a.publish_at,
            expires_at=None,
            must_read=True,
        )
    a.refresh_from_db()
    assert (a.title, a.must_read) == ("Neue Öffnungszeiten", False)


# --- audience --------------------------------------------------------------------------------


def test_audience_includes_the_subtree(org, make_user, communicator):
    """A unit includes all units below it; others and people without a unit do not see it."""
    it_person = make_user(org_unit=org["it"])
    ops_person = make_user(org_unit=org["it_ops"])
    moelln_person = make_user(org_unit=org["moelln"])
    nobody = make_user()
    for_it = publish(communicator, units=[org["it"]])
    everyone = publish(communicator, title="Für alle")
    for person, expected in [
        (it_person, {for_it.pk, everyone.pk}),
        (ops_person, {for_it.pk, everyone.pk}),
        (moelln_person, {everyone.pk}),
        (nobody, {everyone.pk}),
    ]:
        assert ids(Announcement.objects.visible_to(person)) == expected
        assert ids(pinned_announcements_for(viewer=person)) == expected


def test_inactive_and_anonymous_see_nothing(make_user, communicator):
    """Deactivated accounts see no announcement."""
    publish(communicator)
    gone = make_user(is_active=False)
    assert not Announcement.objects.visible_to(gone).exists()
    assert not Announcement.objects.visible_to(None).exists()


def test_drafts_scheduled_and_expired(make_user, communicator, admin_user):
    """Readers see neither drafts nor scheduled ones; expired ones only in the archive."""
    reader = make_user()
    now = timezone.now()
    draft = publish(communicator, title="Entwurf", is_draft=True)
    scheduled = publish(communicator, title="Später", publish_at=now + timedelta(hours=1))
    expired = publish(
        communicator,
        title="Vorbei",
        publish_at=now - timedelta(days=2),
        expires_at=now - timedelta(days=1),
    )
    current = publish(communicator, title="Jetzt")
    assert ids(pinned_announcements_for(viewer=reader)) == {current.pk}
    assert ids(announcements_archive(viewer=reader)) == {current.pk, expired.pk}
    assert ids(Announcement.objects.visible_to(communicator)) == {
        draft.pk,
        scheduled.pk,
        expired.pk,
        current.pk,
    }
    assert ids(Announcement.objects.visible_to(admin_user)) == ids(
        Announcement.objects.visible_to(communicator)
    )
    other = make_user()
    other.groups.add(Group.objects.get(name="Kommunikation"))
    assert draft.pk not in ids(Announcement.objects.visible_to(other))


def test_scheduled_appears_by_itself(make_user, communicator):
    """When the time comes it is pinned without any job running."""
    reader = make_user()
    a = publish(communicator, publish_at=timezone.now() + timedelta(minutes=5))
    assert pinned_announcements_for(viewer=reader) == []
    Announcement.objects.filter(pk=a.pk).update(publish_at=timezone.now() - timedelta(seconds=1))
    assert ids(pinned_announcements_for(viewer=reader)) == {a.pk}


def test_publish_unpublish_delete_permissions(make_user, communicator, admin_user):
    """Only the author (with the role) and administrators manage an announcement."""
    a = publish(communicator, is_draft=True)
    colleague = make_user()
    colleague.groups.add(Group.objects.get(name="Kommunikation"))
    for person in (colleague, make_user()):
        with pytest.raises(PermissionRefused) as exc:
            announcement_publish(announcement=a, by=person)
        assert exc.value.message == (
            "Only the author or an administrator may change this announcement."
        )
    a.refresh_from_db()
    assert a.is_draft
    announcement_publish(announcement=a, by=communicator)
    a.refresh_from_db()
    assert not a.is_draft
    announcement_unpublish(announcement=a, by=admin_user)
    a.refresh_from_db()
    assert a.is_draft
    announcement_delete(announcement=a, by=communicator)
    assert not Announcement.objects.exists()


# --- pinning, reading, confirming -------------------------------------------------------------


def test_pinned_until_dismissed(make_user, communicator):
    """Dismissing takes it off the top; it stays in the archive."""
    reader = make_user()
    a = publish(communicator)
    announcement_mark_read(announcement=a, user=reader)
    announcement_mark_read(announcement=a, user=reader)
    assert pinned_announcements_for(viewer=reader) == []
    assert AnnouncementRead.objects.filter(user=reader).count() == 1
    assert ids(announcements_archive(viewer=reader)) == {a.pk}


def test_must_read_pinned_until_confirmed(make_user, communicator):
    """A must-read cannot be dismissed and goes first; confirming is idempotent."""
    reader = make_user()
    normal = publish(communicator, title="Normal")
    must = publish(communicator, title="Pflicht", must_read=True, publish_at=timezone.now())
    assert [a.pk for a in pinned_announcements_for(viewer=reader)] == [must.pk, normal.pk]
    with pytest.raises(ServiceError) as exc:
        announcement_mark_read(announcement=must, user=reader)
    assert str(exc.value.message) == (
        "A must-read announcement stays until you confirm “Read and understood”."
    )
    assert not AnnouncementRead.objects.exists()
    first = announcement_confirm(announcement=must, user=reader)
    second = announcement_confirm(announcement=must, user=reader)
    assert first.confirmed_at == second.confirmed_at is not None
    assert AnnouncementRead.objects.filter(user=reader).count() == 1
    assert [a.pk for a in pinned_announcements_for(viewer=reader)] == [normal.pk]


def test_confirm_only_by_addressed_and_only_must_read(org, make_user, communicator):
    """Outsiders get a 404; ordinary announcements are not confirmed."""
    outsider = make_user(org_unit=org["moelln"])
    must = publish(communicator, units=[org["it"]], must_read=True)
    with pytest.raises(ServiceError) as exc:
        announcement_confirm(announcement=must, user=outsider)
    assert exc.value.status == 404
    normal = publish(communicator)
    with pytest.raises(ServiceError) as exc:
        announcement_confirm(announcement=normal, user=outsider)
    assert str(exc.value.message) == "Only must-read announcements are confirmed."
    assert not AnnouncementRead.objects.exists()


def test_expired_is_no_longer_pinned(make_user, communicator):
    """Expiry takes an unconfirmed must-read off the top too."""
    reader = make_user()
    now = timezone.now()
    publish(
        communicator,
        must_read=True,
        publish_at=now - timedelta(days=2),
        expires_at=now - timedelta(minutes=1),
    )
    assert pinned_announcements_for(viewer=reader) == []


def test_pinned_at_most_five_and_query_count(make_user, communicator, django_assert_num_queries):
    """Five at most, in a fixed number of queries."""
    reader = make_user()
    for n in range(7):
        publish(communicator, title=f"A{n}")
    reader.org_unit_id = None
    with django_assert_num_queries(1):
        pinned = pinned_announcements_for(viewer=reader)
        [a.author.display_name for a in pinned]
    assert len(pinned) == 5


# --- figures ---------------------------------------------------------------------------------


def test_stats_merge_small_units(org, make_user, communicator):
    """Units under five people are merged into their parent or shown as "fewer than 5"."""
    ops = [make_user(org_unit=org["it_ops"]) for _ in range(6)]
    it_direct = [make_user(org_unit=org["it"]) for _ in range(2)]
    moelln = [make_user(org_unit=org["moelln"]) for _ in range(3)]
    must = publish(communicator, must_read=True)
    for person in [*ops[:3], it_direct[0], moelln[0]]:
        announcement_confirm(announcement=must, user=person)
    stats = announcement_stats(announcement=must)
    # 6 + 2 + 3 + the communicator (no unit); 5 confirmed, 7 not: both may be told.
    assert (stats.addressed, stats.confirmed) == (12, 5)
    rows = {row.label: row for row in stats.rows}
    # 3 of 6: the three who confirmed and the three who did not are too few to count.
    assert (rows["IT-Betrieb"].addressed, rows["IT-Betrieb"].confirmed) == (6, None)
    assert rows["IT-Betrieb"].share is None
    # IT has 2 of its own: fewer than five -> merged upwards with Mölln (3) and Privatkunden.
    assert "IT und Organisation" not in rows
    assert "Filiale Mölln" not in rows
    assert "Privatkunden" not in rows
    bank = rows["Sparkasse Hanse"]
    assert (bank.addressed, bank.confirmed, bank.suppressed) == (5, None, False)
    no_unit = rows["Without an org unit"]
    assert no_unit.suppressed and no_unit.addressed is None and no_unit.share is None


def test_stats_tiny_audience_shows_no_figures(org, make_user, communicator):
    """Three addressees: the only row says "fewer than 5"."""
    people = [make_user(org_unit=org["it_ops"]) for _ in range(3)]
    must = publish(communicator, must_read=True, units=[org["it_ops"]])
    announcement_confirm(announcement=must, user=people[0])
    stats = announcement_stats(announcement=must)
    assert [(r.label, r.suppressed, r.addressed, r.confirmed) for r in stats.rows] == [
        ("Sparkasse Hanse", True, None, None)
    ]


# --- compliance list ---------------------------------------------------------------------------


def test_compliance_list_needs_the_admin_switch(org, make_user, communicator, admin_user):
    """Refused until a superuser allows it, refused for non-authors; every look recorded."""
    people = [make_user(org_unit=org["it_ops"]) for _ in range(3)]
    must = publish(communicator, must_read=True, units=[org["it"]])
    announcement_confirm(announcement=must, user=people[0])
    with pytest.raises(PermissionRefused) as exc:
        compliance_list_view(announcement=must, viewer=communicator, via="web")
    assert exc.value.message == (
        "An administrator has not allowed a named list for this announcement."
    )
    must.compliance_list_allowed = True
    must.save(update_fields=["compliance_list_allowed"])
    with pytest.raises(PermissionRefused) as exc:
        compliance_list_view(announcement=must, viewer=people[1], via="web")
    assert exc.value.message == "Only the author or an administrator may see who has not confirmed."
    assert not ComplianceListAccess.objects.exists()
    open_people = compliance_list_view(announcement=must, viewer=communicator, via="web")
    assert ids(open_people) == {people[1].pk, people[2].pk}
    compliance_list_view(announcement=must, viewer=admin_user, via="csv")
    assert list(
        ComplianceListAccess.objects.order_by("id").values_list("viewer__username", "via")
    ) == [("komm", "web"), ("admin", "csv")]


def test_delete_keeps_announcements_with_an_access_log(make_user, communicator):
    """Once the named list has been viewed, the announcement is kept for the record."""
    must = publish(communicator, must_read=True)
    Announcement.objects.filter(pk=must.pk).update(compliance_list_allowed=True)
    must.refresh_from_db()
    compliance_list_view(announcement=must, viewer=communicator, via="web")
    with pytest.raises(ServiceError) as exc:
        announcement_delete(announcement=must, by=communicator)
    assert exc.value.code == "has_access_log"
    assert Announcement.objects.filter(pk=must.pk).exists()


# --- pages -----------------------------------------------------------------------------------


def _form(**fields):
    data = {"title": "Betriebsversammlung", "body": "Am Freitag …", "action": "publish"}
    data.update(fields)
    return data


def test_create_page_for_communicators_only(client_for, make_user, communicator, org):
    """Others get 403; the communicator publishes with an audience."""
    assert client_for(make_user()).get("/announcements/new/").status_code == 403
    client = client_for(communicator)
    page = client.get("/announcements/new/")
    assert page.status_code == 200
    assert ">\u2003\u2003IT-Betrieb</option>" in page.content.decode()  # depth 2: indented
    response = client.post(
        "/announcements/new/", _form(audience_units=[org["it"].pk], must_read="on")
    )
    a = Announcement.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/announcements/{a.pk}/"
    assert not a.is_draft and a.must_read
    assert list(a.audience_units.all()) == [org["it"]]


def test_create_page_schedule_draft_and_errors(client_for, communicator):
    """Scheduling needs a future time; errors are shown and nothing is written."""
    client = client_for(communicator)
    response = client.post("/announcements/new/", _form(action="schedule"))
    assert "Please choose when to publish the announcement." in response.content.decode()
    response = client.post(
        "/announcements/new/", _form(action="schedule", publish_at="2001-01-01T10:00")
    )
    assert "Please choose a time in the future to schedule it." in response.content.decode()
    response = client.post("/announcements/new/", _form(title=""))
    assert "Please give the announcement a title." in response.content.decode()
    response = client.post(
        "/announcements/new/",
        _form(publish_at="2030-01-02T10:00", expires_at="2030-01-01T10:00", action="schedule"),
    )
    assert "The announcement must expire after it is published." in response.content.decode()
    assert not Announcement.objects.exists()
    client.post("/announcements/new/", _form(action="schedule", publish_at="2099-01-01T10:00"))
    client.post("/announcements/new/", _form(action="draft", title="Entwurf"))
    scheduled, draft = Announcement.objects.order_by("id")
    assert not scheduled.is_draft and scheduled.publish_at.year == 2099
    assert draft.is_draft


def test_edit_page_only_for_author(client_for, make_user, communicator):
    """Others get 404; the author changes the text."""
    a = publish(communicator)
    assert client_for(make_user()).get(f"/announcements/{a.pk}/edit/").status_code == 404
    client = client_for(communicator)
    assert client.get(f"/announcements/{a.pk}/edit/").status_code == 200
    client.post(f"/announcements/{a.pk}/edit/", _form(title="Geändert", action="save"))
    a.refresh_from_db()
    assert a.title == "Geändert" and not a.is_draft


def test_archive_and_detail_pages(
    client_for, make_user, communicator, django_assert_max_num_queries
):
    """Readers see published ones; drafts are 404 for them; the button only for communicators."""
    reader = make_user()
    for n in range(15):
        publish(communicator, title=f"Meldung {n}")
    draft = publish(communicator, title="Geheimer Entwurf", is_draft=True)
    client = client_for(reader)
    with django_assert_max_num_queries(8):
        page = client.get("/announcements/")
    html = page.content.decode()
    assert "Meldung 14" in html and "Geheimer Entwurf" not in html
    assert "New announcement" not in html
    assert client.get(f"/announcements/{draft.pk}/").status_code == 404
    own = client_for(communicator).get("/announcements/").content.decode()
    assert "New announcement" in own and "Geheimer Entwurf" in own


def test_pinned_partial_and_htmx_actions(client_for, make_user, communicator):
    """Dismiss and confirm by htmx answer with an empty swap and take the card away."""
    from django.template.loader import render_to_string

    reader = make_user()
    normal = publish(communicator, title="Normal")
    must = publish(communicator, title="Pflicht", must_read=True)
    html = render_to_string(
        "posts/announcements/_pinned.html",
        {"announcements": pinned_announcements_for(viewer=reader)},
    )
    assert "Must read" in html and "Read and understood" in html and "Dismiss" in html
    client = client_for(reader)
    htmx = {"HTTP_HX_REQUEST": "true"}
    refused = client.post(f"/announcements/{must.pk}/read/", **htmx)
    assert refused.status_code == 400
    assert client.post(f"/announcements/{normal.pk}/read/", **htmx).content == b""
    assert client.post(f"/announcements/{must.pk}/confirm/", **htmx).content == b""
    assert pinned_announcements_for(viewer=reader) == []
    response = client.post(f"/announcements/{must.pk}/confirm/", {"next": "/"})
    assert response["Location"] == "/"


def test_stats_page(client_for, make_user, communicator):
    """The author sees the figures; readers get 404."""
    must = publish(communicator, must_read=True)
    assert client_for(make_user()).get(f"/announcements/{must.pk}/stats/").status_code == 404
    html = client_for(communicator).get(f"/announcements/{must.pk}/stats/").content.decode()
    assert "fewer than 5" in html


def test_compliance_page_and_csv_are_recorded(client_for, org, make_user, communicator):
    """Refused before the switch; afterwards page and CSV each leave a record."""
    person = make_user("=evil", org_unit=org["it"], first_name="=cmd", last_name="X")
    must = publish(communicator, must_read=True)
    client = client_for(communicator)
    refused = client.get(f"/announcements/{must.pk}/compliance/")
    assert refused.status_code == 403
    assert client.get(f"/announcements/{must.pk}/compliance.csv").status_code == 403
    assert not ComplianceListAccess.objects.exists()
    Announcement.objects.filter(pk=must.pk).update(compliance_list_allowed=True)
    page = client.get(f"/announcements/{must.pk}/compliance/").content.decode()
    assert person.display_name in page
    csv_response = client.get(f"/announcements/{must.pk}/compliance.csv")
    body = csv_response.content.decode("utf-8-sig")
    assert "'=cmd X;'=evil" in body
    page = client.get(f"/announcements/{must.pk}/compliance/").content.decode()
    assert "CSV download" in page
    assert list(ComplianceListAccess.objects.order_by("id").values_list("via", flat=True)) == [
        "web",
        "csv",
        "web",
    ]
    assert client_for(person).get(f"/announcements/{must.pk}/compliance/").status_code == 404


# --- API -------------------------------------------------------------------------------------


def post(client, url, body=None):
    return client.post(url, data=json.dumps(body or {}), content_type="application/json")


def test_api_create_permissions_and_errors(client_for, make_user, communicator):
    """Only communicators create; bad input is 400 with the message and writes nothing."""
    body = {"title": "API", "body": "Text", "is_draft": False}
    refused = post(client_for(make_user()), API, body)
    assert refused.status_code == 403
    assert refused.json()["detail"] == (
        "Only people with the communications role may write announcements."
    )
    client = client_for(communicator)
    bad = post(
        client,
        API,
        {**body, "publish_at": "2030-01-02T10:00:00Z", "expires_at": "2030-01-01T10:00:00Z"},
    )
    assert bad.status_code == 400
    assert bad.json() == {
        "detail": "The announcement must expire after it is published.",
        "code": "expires_before_publish",
    }
    assert post(client, API, {**body, "audience": [999999]}).json()["code"] == "invalid_unit"
    assert not Announcement.objects.exists()
    created = post(client, API, {**body, "must_read": True})
    assert created.status_code == 201
    assert created.json()["status"] == "current"


def test_api_read_confirm_list_and_stats(client_for, make_user, communicator, org):
    """Readers list, confirm and dismiss; figures only for the author."""
    reader = make_user(org_unit=org["it"])
    must = publish(communicator, must_read=True)
    normal = publish(communicator, title="Normal", units=[org["moelln"]])
    client = client_for(reader)
    listed = client.get(API, {"scope": "pinned"}).json()
    assert [a["id"] for a in listed["items"]] == [must.pk]
    confirmed = post(client, f"{API}/{must.pk}/confirm")
    assert confirmed.status_code == 200 and confirmed.json()["confirmed"] is True
    assert (
        post(client, f"{API}/{must.pk}/confirm").json()["confirmed_at"]
        == (confirmed.json()["confirmed_at"])
    )
    assert post(client, f"{API}/{normal.pk}/read").status_code == 404
    assert client.get(f"{API}/{normal.pk}").status_code == 404
    assert client.get(f"{API}/{must.pk}").json()["confirmed"] is True
    assert client.get(f"{API}/{must.pk}/stats").status_code == 403
    stats = client_for(communicator).get(f"{API}/{must.pk}/stats").json()
    assert stats["addressed"] is None and stats["min_group_size"] == 5  # two people
    assert all(u["share"] is None for u in stats["units"])
    patch = client_for(communicator).patch(
        f"{API}/{normal.pk}",
        data=json.dumps({"title": "Neu", "expires_at": None}),
        content_type="application/json",
    )
    assert patch.status_code == 200 and patch.json()["title"] == "Neu"


def test_api_compliance_list_is_recorded(client_for, make_user, communicator):
    """Refused unless allowed; each call is recorded with via "api"."""
    reader = make_user()
    must = publish(communicator, must_read=True)
    client = client_for(communicator)
    assert client.get(f"{API}/{must.pk}/compliance-list").status_code == 403
    Announcement.objects.filter(pk=must.pk).update(compliance_list_allowed=True)
    data = client.get(f"{API}/{must.pk}/compliance-list").json()
    assert reader.username in [p["username"] for p in data["people"]]
    assert client_for(reader).get(f"{API}/{must.pk}/compliance-list").status_code == 403
    assert list(ComplianceListAccess.objects.values_list("via", "viewer")) == [
        ("api", communicator.pk)
    ]


# --- admin -----------------------------------------------------------------------------------


def test_admin_only_superusers_allow_the_named_list(rf, make_user, admin_user):
    """Staff without superuser rights cannot switch the list on; the access log is read-only."""
    from django.contrib import admin

    import hanse.posts.admin_announcements  # noqa: F401  # registers the admin classes

    model_admin = admin.site._registry[Announcement]
    request = rf.get("/")
    request.user = make_user(is_staff=True)
    assert "compliance_list_allowed" in model_admin.get_readonly_fields(request)
    request.user = admin_user
    assert "compliance_list_allowed" not in model_admin.get_readonly_fields(request)
    log_admin = admin.site._registry[ComplianceListAccess]
    assert not log_admin.has_change_permission(request)
    assert not log_admin.has_delete_permission(request)
    assert not log_admin.has_add_permission(request)


def test_orgunit_path_resolution_uses_ids(org):
    """The materialised path lists the ids of the unit and its ancestors."""
    ops = OrgUnit.objects.get(pk=org["it_ops"].pk)
    assert [int(p) for p in ops.path.split(".") if p] == [
        org["bank"].pk,
        org["it"].pk,
        org["it_ops"].pk,
    ]


def test_detail_page(client_for, make_user, communicator, org):
    """Readers get the confirmation button, the author the actions and the audience."""
    reader = make_user()
    must = publish(communicator, must_read=True, units=[org["bank"]])
    reader.org_unit = org["moelln"]
    reader.save(update_fields=["org_unit"])
    html = client_for(reader).get(f"/announcements/{must.pk}/").content.decode()
    assert "Read and understood" in html and '/edit/"' not in html.replace("/me/edit/", "")
    client_for(reader).post(f"/announcements/{must.pk}/confirm/")
    html = client_for(reader).get(f"/announcements/{must.pk}/").content.decode()
    assert "You have confirmed that you read and understood this announcement." in html
    html = client_for(communicator).get(f"/announcements/{must.pk}/").content.decode()
    assert "Sparkasse Hanse" in html and "Figures" in html and "Back to drafts" in html
