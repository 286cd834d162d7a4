"""The record of processing activities describes erasure (Art. 17 GDPR): how it runs, and per
app what goes under either policy, what the pseudonymise and delete policies do, and what is
kept and why (the audit log, Art. 17(3)(b), with its retention period). The per-app part is
generated from the registry the erase steps run from (``ErasureNote`` next to each step), in
the page and in the JSON download; a step without a description shows and fails."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from hanse.core import personal_data

pytestmark = pytest.mark.django_db

FIELDS = ("both", "pseudonymise", "delete", "kept")


@pytest.fixture
def dpo(make_user: Any) -> Any:
    person = make_user("datenschutz", ui_language="en")
    person.groups.add(Group.objects.get(name="Datenschutzbeauftragte"))
    return person


def _page(client_for: Any, dpo: Any) -> str:
    return client_for(dpo).get(reverse("processing:record")).content.decode()


def _section(page: str) -> str:
    return page[page.index('id="erasure"') :]


def _app(page: str, key: str) -> str:
    """The part of the erasure section about one app (up to the next app's heading)."""
    part = _section(page)
    start = part.index(f'id="erasure-{key}"')
    end = part.find('<h3 id="erasure-', start + 1)
    return part[start : end if end != -1 else None]


def test_every_erase_step_is_described() -> None:
    """A new erase step without an ErasureNote fails here (and shows on the page)."""
    assert personal_data.undescribed_erasers() == []


def test_the_page_describes_erasure_per_app(client_for: Any, dpo: Any, settings: Any) -> None:
    settings.RETENTION_AUDIT_DAYS = 3650
    page = _page(client_for, dpo)
    assert "Erasure of a person" in page and 'href="#erasure"' in page
    section = _section(page)
    assert "the command hanse_erase_person" in section
    assert "shown as “Former employee”" in section
    # Every app of the registry, with each sentence its note has, under its own heading.
    for exporter in personal_data.all_exporters():
        part = _app(page, exporter.key)
        assert escape(str(exporter.label)) in part
        assert ("own erase step" in part) is (exporter.erase is not None)
        note = exporter.erasure
        if note is None:
            assert "Deleted with the account." in part
            continue
        for field in FIELDS:
            if getattr(note, field):
                assert escape(str(getattr(note, field))) in part, (exporter.key, field)
    communities = _app(page, "communities")
    assert "longest-standing moderator" in communities
    assert "marked as needing one, and the platform administrators are told" in communities
    posts = _app(page, "posts")
    assert "Policy “pseudonymise”" in posts and "Policy “delete”" in posts
    assert "Kept, and why" in posts and "they are the company&#x27;s records" in posts
    audit = _app(page, "audit")
    assert "Art. 17(3)(b) GDPR" in audit
    assert "3650 days (<code>RETENTION_AUDIT_DAYS</code>)" in audit
    assert "Data exports and erasures" in page
    assert "without a description of what it does" not in page


def test_a_step_registered_later_appears_by_itself(
    client_for: Any, dpo: Any, monkeypatch: Any
) -> None:
    """Nothing is written per app in the record: a new step's note shows as it is."""
    step = personal_data.Exporter(
        key="zz_probe",
        label="Probe-Ablage",
        export=lambda user: personal_data.Export(),
        erase=lambda user, erasure: {},
        erasure=personal_data.ErasureNote(
            pseudonymise="PROBE-PSEUDO stays.", delete="PROBE-DELETE goes.", kept="PROBE-KEPT."
        ),
        order=999,
    )
    monkeypatch.setitem(personal_data._exporters, step.key, step)
    part = _app(_page(client_for, dpo), "zz_probe")
    assert "Probe-Ablage" in part and "own erase step" in part
    assert "PROBE-PSEUDO stays." in part
    assert "PROBE-DELETE goes." in part
    assert "PROBE-KEPT." in part


def test_a_step_without_a_description_shows_as_undescribed(
    client_for: Any, dpo: Any, monkeypatch: Any
) -> None:
    step = personal_data.Exporter(
        key="zz_silent",
        label="Stille Ablage",
        export=lambda user: personal_data.Export(),
        erase=lambda user, erasure: {},
        order=999,
    )
    monkeypatch.setitem(personal_data._exporters, step.key, step)
    assert personal_data.undescribed_erasers() == ["zz_silent"]
    page = _page(client_for, dpo)
    assert "These apps have an erase step without a description of what it does:" in page
    assert "This app erases something without saying what." in _app(page, "zz_silent")


def test_the_json_download_describes_erasure(client_for: Any, dpo: Any) -> None:
    body = json.loads(client_for(dpo).get(reverse("processing:json")).content)
    erasure = body["erasure"]
    assert "hanse_erase_person" in erasure["how"]
    assert erasure["undescribed"] == []
    apps = {app["key"]: app for app in erasure["apps"]}
    assert set(apps) == {e.key for e in personal_data.all_exporters()}
    assert apps["communities"]["own_step"] is True
    assert "longest-standing moderator" in apps["communities"]["both"]
    assert apps["profile"]["own_step"] is False and apps["profile"]["kept"] == ""
    assert "Art. 17(3)(b)" in apps["audit"]["kept"]
    assert [r["setting"] for r in apps["audit"]["retention"]] == ["RETENTION_AUDIT_DAYS"]
    privacy = next(row for row in body["activities"] if row["app"] == "privacy")
    assert "Art. 17" in privacy["purpose"]


def test_german(client_for: Any, dpo: Any) -> None:
    dpo.ui_language = "de"
    dpo.save(update_fields=["ui_language"])
    page = _page(client_for, dpo)
    assert "Löschung einer Person" in page
    assert "„Ehemalige:r Mitarbeiter:in“" in _section(page)
    communities = _app(page, "communities")
    assert "Bei beiden Verfahren" in communities
    assert "dienstälteste" in communities
    assert "Aufbewahrt, und warum" in _app(page, "posts")
    assert "Mit dem Konto gelöscht." in _app(page, "profile")
    # Every note is translated: none of the English sentences is left on the German page.
    with translation.override("en"):
        english = [
            escape(str(getattr(e.erasure, field)))
            for e in personal_data.all_exporters()
            if e.erasure is not None
            for field in FIELDS
            if getattr(e.erasure, field)
        ]
    assert [text for text in english if text in page] == []
