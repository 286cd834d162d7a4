"""events/rules.py as a table: who creates events in a community and who manages one; the
community's events tab offers "New event" to exactly those the service lets create one."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from hanse.core.errors import ServiceError
from hanse.events import rules
from tests.events.helpers import make_event, on_commit_now  # noqa: F401

pytestmark = pytest.mark.django_db

ACTORS = ("owner", "moderator", "member", "outsider", "admin", "organiser")
# may create an event in the community, may manage the organiser's event.
EXPECTED = {
    "open": {
        "owner": (True, True),
        "moderator": (True, True),
        "member": (True, False),
        "outsider": (False, False),
        "admin": (True, True),
        "organiser": (True, True),
    },
    "secret": {
        "owner": (True, True),
        "moderator": (True, True),
        "member": (True, False),
        "outsider": (False, False),
        "admin": (True, True),
        "organiser": (True, True),
    },
}


@pytest.mark.parametrize("kind", ["open", "secret"])
@pytest.mark.parametrize("actor", ACTORS)
def test_event_rules_table(
    make_user: Any, make_community: Any, client_for: Any, kind: str, actor: str
) -> None:
    """Members create events, organisers and moderators manage them, admins everything."""
    people = {name: make_user(name) for name in ACTORS if name != "admin"}
    people["admin"] = make_user("admin", is_superuser=True)
    community = make_community(
        kind,
        owner=people["owner"],
        moderators=(people["moderator"],),
        members=(people["member"], people["organiser"]),
    )
    event = make_event(people["organiser"], community=community)
    person = people[actor]
    may_create, may_manage = EXPECTED[kind][actor]
    assert rules.may_create_event_in(person, community) is may_create
    assert rules.may_manage_event(person, event) is may_manage
    try:
        make_event(person, community=community, title="Noch ein Treffen")
        created = True
    except ServiceError:
        created = False
    assert created is may_create
    page = client_for(person).get(reverse("events:community", args=[community.slug]))
    offered = reverse("events:create") + f"?community={community.pk}"
    assert (offered in page.content.decode()) is may_create
