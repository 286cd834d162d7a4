"""The record of processing activities describes erasure (Art. 17 GDPR): what goes, what is
pseudonymised, what happens to communities, and the audit entry's retention; in the page and
in the JSON download, with the apps read from the erase-step registry."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from hanse.core import personal_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def dpo(make_user: Any) -> Any:
    person = make_user("datenschutz", ui_language="en")
    person.groups.add(Group.objects.get(name="Datenschutzbeauftragte"))
    return person


def test_the_page_describes_erasure(client_for: Any, dpo: Any, settings: Any) -> None:
    settings.RETENTION_AUDIT_DAYS = 3650
    page = client_for(dpo).get(reverse("processing:record")).content.decode()
    assert 'id="erasure"' in page and "Erasure of a person" in page
    assert "shown as “Former employee”" in page
    assert "API tokens, notifications received" in page
    assert "longest-standing moderator" in page
    assert "“erasure requested” and “erasure completed”" in page
    assert "3650 days (<code>RETENTION_AUDIT_DAYS</code>)" in page
    # Every app with an erase step is named.
    for step in personal_data.all_erasers():
        assert str(step.label) in page
    assert "Data exports and erasures" in page


def test_the_json_download_describes_erasure(client_for: Any, dpo: Any) -> None:
    body = json.loads(client_for(dpo).get(reverse("processing:json")).content)
    erasure = body["erasure"]
    assert set(erasure) >= {"deleted", "pseudonymised", "communities", "audit", "steps"}
    assert "Communities" in erasure["steps"] and "Posts, comments and reactions" in erasure["steps"]
    assert [r["setting"] for r in erasure["audit_retention"]] == ["RETENTION_AUDIT_DAYS"]
    privacy = next(row for row in body["activities"] if row["app"] == "privacy")
    assert "Art. 17" in privacy["purpose"]


def test_german(client_for: Any, dpo: Any) -> None:
    dpo.ui_language = "de"
    dpo.save(update_fields=["ui_language"])
    page = client_for(dpo).get(reverse("processing:record")).content.decode()
    assert "Löschung einer Person" in page
    assert "„Ehemalige:r Mitarbeiter:in“" in page
