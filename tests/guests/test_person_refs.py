"""A guest is marked wherever the API names a person: every endpoint builds its person
references through ``PersonRef.of``, which carries the guest mark."""

from __future__ import annotations

import re
from pathlib import Path

from hanse.api.schemas import PersonRef
from hanse.people.models import User

HANSE = Path(__file__).resolve().parents[2] / "hanse"


def test_no_endpoint_builds_a_person_reference_by_hand() -> None:
    by_hand = re.compile(r"PersonRef\(|\{\"username\": \w+\.username, \"display_name\"")
    offenders = [
        str(path.relative_to(HANSE))
        for path in HANSE.rglob("*.py")
        if path.name != "schemas.py" and by_hand.search(path.read_text())
    ]
    assert offenders == [], f"person references built without the guest mark: {offenders}"


def test_a_reference_carries_the_guest_mark() -> None:
    guest = User(
        username="gast", first_name="Gina", is_guest=True, guest_organisation="Sparkasse Nord"
    )
    employee = User(username="ma", first_name="Mia", guest_organisation="stale")
    assert PersonRef.of(guest).is_guest is True
    assert PersonRef.of(guest).guest_organisation == "Sparkasse Nord"
    assert PersonRef.of(employee).model_dump() == {
        "username": "ma",
        "display_name": employee.display_name,
        "is_guest": False,
        "guest_organisation": "",
        "is_former": False,
    }
