from __future__ import annotations

from typing import Any

import pytest

from hanse.communities.models import Community


@pytest.fixture
def people(make_user: Any) -> dict[str, Any]:
    return {
        "owner": make_user("olga", first_name="Olga", last_name="Owner"),
        "moderator": make_user("moritz", first_name="Moritz", last_name="Mod"),
        "member": make_user("mia", first_name="Mia", last_name="Mitglied"),
        "outsider": make_user("otto", first_name="Otto", last_name="Außen"),
    }


@pytest.fixture
def club(make_community: Any, people: dict[str, Any]) -> Community:
    return make_community(
        Community.Kind.PRIVATE,
        owner=people["owner"],
        name="Connectoren",
        moderators=(people["moderator"],),
        members=(people["member"],),
    )
