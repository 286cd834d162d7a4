"""The viewer for administrators: who may see it, filters, paging, the JSON lines export."""

from __future__ import annotations

import itertools
import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from hanse.audit import selectors
from hanse.audit.models import AuditEntry
from hanse.audit.services import record

pytestmark = pytest.mark.django_db

LOG = reverse("audit:log")
EXPORT = reverse("audit:export")


@pytest.fixture
def auditor(make_user):
    """Staff with the one permission to read the log, nothing else."""
    person = make_user("revision", is_staff=True)
    person.user_permissions.add(Permission.objects.get(codename="view_auditentry"))
    return person


# Actor x surface -> outcome. Unknown and refused look the same (404); anonymous is sent to
# sign in. There are no community kinds here: the log belongs to the platform.
@pytest.mark.parametrize("url", [LOG, EXPORT])
@pytest.mark.parametrize(
    ("actor", "expected"),
    [
        ("anonymous", 302),
        ("member", 404),
        ("staff_without_permission", 404),
        ("permission_without_staff", 404),
        ("auditor", 200),
        ("superuser", 200),
    ],
)
def test_permission_table(actor, expected, url, make_user, client_for, admin_user, auditor):
    people = {
        "anonymous": None,
        "member": make_user("m"),
        "staff_without_permission": make_user("s", is_staff=True),
        "auditor": auditor,
        "superuser": admin_user,
    }
    if actor == "permission_without_staff":
        person = make_user("p")
        person.user_permissions.add(Permission.objects.get(codename="view_auditentry"))
        people[actor] = person
    response = client_for(people[actor]).get(url)
    assert response.status_code == expected
    if expected == 302:
        assert response["Location"].startswith(reverse("account_login"))
    if expected == 404:
        assert not AuditEntry.objects.filter(action="audit.exported").exists()


def test_filters_and_names(client_for, auditor, make_user) -> None:
    berta = make_user("berta", first_name="Berta", last_name="Brandt")
    record("auth.login", actor=berta, target=berta)
    record("roles.granted", actor=auditor, target=("people.user", berta.pk))
    record("settings.changed", actor=auditor, target=("core.siteconfiguration", 1))
    client = client_for(auditor)

    page = client.get(LOG).content.decode()
    assert (
        "Berta Brandt" in page
        and "<code>roles.granted</code>" in page
        and "<code>settings.changed</code>" in page
    )

    page = client.get(LOG, {"action": "roles"}).content.decode()
    assert "<code>roles.granted</code>" in page and "<code>settings.changed</code>" not in page
    page = client.get(LOG, {"actor": berta.pk}).content.decode()
    assert "<code>auth.login</code>" in page and "<code>roles.granted</code>" not in page
    page = client.get(LOG, {"target": f"people.user:{berta.pk}"}).content.decode()
    assert "<code>roles.granted</code>" in page and "<code>settings.changed</code>" not in page
    page = client.get(LOG, {"target": "core.siteconfiguration"}).content.decode()
    assert "<code>settings.changed</code>" in page and "<code>roles.granted</code>" not in page
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    page = client.get(LOG, {"since": tomorrow}).content.decode()
    assert "No entry matches these filters." in page


def test_bad_filters_are_explained_not_a_500(client_for, auditor) -> None:
    client = client_for(auditor)
    response = client.get(LOG, {"since": "2026-05-02", "until": "2026-05-01"})
    assert response.status_code == 400
    assert "The end lies before the start." in response.content.decode()
    response = client.get(LOG, {"actor": "abc", "before": "x"})
    assert response.status_code == 400
    response = client.get(EXPORT, {"since": "gestern"})
    assert response.status_code == 400 and "valid date" in response.content.decode()
    assert client.get(LOG, {"before": "nonsense"}).status_code == 200


def test_paging_walks_the_whole_log_both_ways(auditor) -> None:
    for n in range(selectors.PAGE_SIZE * 2 + 5):
        record("test.step", actor=auditor, data={"n": n})
    filters = selectors.Filters(action="test")
    seen: list[int] = []
    page = selectors.page(filters)
    assert page.newer is None
    pages = [page]
    while page.older is not None:
        page = selectors.page(filters, before=page.older)
        pages.append(page)
    for p in pages:
        seen += [e.seq for e in p.rows]
    assert len(pages) == 3 and seen == sorted(seen, reverse=True) and len(set(seen)) == 105
    back = selectors.page(filters, after=pages[-1].rows[0].seq)
    assert [e.seq for e in back.rows] == [e.seq for e in pages[1].rows]
    assert back.newer == pages[1].rows[0].seq and back.older == pages[1].rows[-1].seq


def test_export_streams_json_lines_and_is_itself_recorded(client_for, auditor, make_user) -> None:
    berta = make_user("berta")
    record("auth.login", actor=berta, target=berta)
    record("roles.granted", actor=auditor, target=("people.user", berta.pk), data={"r": 1})
    response = client_for(auditor).get(EXPORT, {"action": "roles.granted"})
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("application/x-ndjson")
    lines = [json.loads(line) for line in b"".join(response.streaming_content).splitlines()]
    assert [line["action"] for line in lines] == ["roles.granted"]
    assert lines[0]["data"] == {"r": 1} and len(lines[0]["hash"]) == 64
    exported = AuditEntry.objects.get(action="audit.exported")
    assert exported.actor_id == auditor.pk
    assert exported.data == {"filters": {"action": "roles.granted"}}

    # Unfiltered, the hashes link up: a SIEM can check what it received.
    response = client_for(auditor).get(EXPORT)
    lines = [json.loads(line) for line in b"".join(response.streaming_content).splitlines()]
    assert [line["seq"] for line in lines] == list(range(1, len(lines) + 1))
    for before, after in itertools.pairwise(lines):
        assert after["prev_hash"] == before["hash"]
    assert selectors.verify_chain() is None
