"""The permission table of consent decisions: the proposal page, responding, amending, the
outcome, both logs and search, for every actor and every kind of community."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from hanse.communities import services as community_services
from hanse.communities.models import Community, Membership
from hanse.decisions.models import Proposal, Response
from hanse.decisions.services import proposal_create, proposal_decide
from hanse.people.models import User
from hanse.search.index import index_objects
from hanse.search.selectors import SearchQuery, search
from tests.conftest import PASSWORD

ACTORS = ["anonymous", "outsider", "member", "moderator", "owner", "admin"]
KINDS = ["open", "private", "secret"]
OPEN_MARKER = "Vorschlagsmarker{kind}"
DECIDED_MARKER = "Beschlussmarker{kind}"

SEES = {
    "anonymous": "nnn",
    "outsider": "ynn",
    "member": "yyy",
    "moderator": "yyy",
    "owner": "yyy",
    "admin": "yyy",
}
# All members decide; an administrator who is not a member does not.
RESPONDS = {
    "anonymous": "nnn",
    "outsider": "nnn",
    "member": "yyy",
    "moderator": "yyy",
    "owner": "yyy",
    "admin": "nnn",
}
# The community's log page: 200, or 404 for a secret community one may not know.
COMMUNITY_LOG = {
    "anonymous": ["login"] * 3,
    "outsider": [200, 200, 404],
    "member": [200] * 3,
    "moderator": [200] * 3,
    "owner": [200] * 3,
    "admin": [200] * 3,
}


def expect(table: dict[str, Any], actor: str, kind: str) -> Any:
    value = table[actor][KINDS.index(kind)]
    return value == "y" if isinstance(table[actor], str) else value


@dataclass
class World:
    kind: str
    community: Community
    people: dict[str, User | None]
    proposer: User
    open: Proposal
    decided: Proposal


def _person(username: str, **fields: Any) -> User:
    fields.setdefault("email", f"{username}@example.org")
    return User.objects.create_user(username=username, password=PASSWORD, **fields)


def _build(kind: str, admin: User) -> World:
    owner = _person(f"downer_{kind}")
    moderator = _person(f"dmoderator_{kind}")
    member = _person(f"dmember_{kind}")
    proposer = _person(f"dproposer_{kind}")
    community = community_services.community_create(
        by=owner, name=f"Beschlussclub {kind}", kind=kind, description="Test"
    )
    community_services.membership_add(
        community=community, user=moderator, role=Membership.Role.MODERATOR
    )
    for person in (member, proposer):
        community_services.membership_add(community=community, user=person)
    deadline = timezone.now() + timedelta(days=3)
    open_proposal = proposal_create(
        proposer=proposer,
        community=community,
        title=OPEN_MARKER.format(kind=kind),
        text="Text",
        deadline=deadline,
    )
    decided = proposal_create(
        proposer=proposer,
        community=community,
        title=DECIDED_MARKER.format(kind=kind),
        text="Text",
        deadline=deadline,
    )
    proposal_decide(proposal=decided, by=proposer, outcome="withdrawn", statement="Zurück")
    return World(
        kind=kind,
        community=community,
        people={
            "anonymous": None,
            "outsider": _person(f"doutsider_{kind}"),
            "member": member,
            "moderator": moderator,
            "owner": owner,
            "admin": admin,
        },
        proposer=proposer,
        open=open_proposal,
        decided=decided,
    )


@pytest.fixture(scope="module")
def worlds(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, World]]:
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            admin = _person("dadmin", is_staff=True, is_superuser=True)
            yield {kind: _build(kind, admin) for kind in KINDS}
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def world(request: Any, worlds: dict[str, World], db: None) -> World:
    built = worlds[request.param]
    return World(
        kind=built.kind,
        community=Community.objects.get(pk=built.community.pk),
        people={
            a: None if p is None else User.objects.get(pk=p.pk) for a, p in built.people.items()
        },
        proposer=User.objects.get(pk=built.proposer.pk),
        open=Proposal.objects.get(pk=built.open.pk),
        decided=Proposal.objects.get(pk=built.decided.pk),
    )


def _is_login(response: Any) -> bool:
    return response.status_code == 302 and "/accounts/login/" in response["Location"]


pytestmark = pytest.mark.parametrize("world", KINDS, indirect=True)


@pytest.mark.parametrize("actor", ACTORS)
def test_pages_and_logs(actor, world, client_for):
    client = client_for(world.people[actor])
    sees = expect(SEES, actor, world.kind)
    response = client.get(reverse("decisions:proposal", args=[world.open.pk]))
    if actor == "anonymous":
        assert _is_login(response)
    else:
        assert response.status_code == (200 if sees else 404)
    response = client.get(reverse("decisions:log"))
    if actor == "anonymous":
        assert _is_login(response)
    else:
        body = response.content.decode()
        assert (DECIDED_MARKER.format(kind=world.kind) in body) == sees
        assert (OPEN_MARKER.format(kind=world.kind) in body) == sees
    response = client.get(reverse("decisions:community_log", args=[world.community.slug]))
    status = expect(COMMUNITY_LOG, actor, world.kind)
    if status == "login":
        assert _is_login(response)
    else:
        assert response.status_code == status
        body = response.content.decode()
        assert (DECIDED_MARKER.format(kind=world.kind) in body) == sees


@pytest.mark.parametrize("actor", ACTORS)
def test_respond_amend_decide(actor, world, client_for):
    client = client_for(world.people[actor])
    sees = expect(SEES, actor, world.kind)
    responds = expect(RESPONDS, actor, world.kind)
    response = client.post(
        reverse("decisions:respond", args=[world.open.pk]), {"kind": "consent", "reason": ""}
    )
    if actor != "anonymous":
        assert response.status_code == (302 if sees else 404)
    assert Response.objects.filter(proposal=world.open).exists() == responds
    # Only the proposer amends: nobody in the table.
    response = client.post(
        reverse("decisions:amend", args=[world.open.pk]), {"text": "Neu", "note": "anders"}
    )
    if actor != "anonymous":
        assert response.status_code == (302 if sees else 404)
    assert Proposal.objects.get(pk=world.open.pk).version == 1
    # Withdrawing (the one outcome before the deadline): moderators, owners, admins.
    response = client.post(
        reverse("decisions:decide", args=[world.open.pk]),
        {"outcome": "withdrawn", "statement": "Zurückgezogen"},
    )
    manages = actor in ("moderator", "owner", "admin")
    if actor != "anonymous":
        assert response.status_code == (302 if manages else 400 if sees else 404)
    assert (Proposal.objects.get(pk=world.open.pk).status == "decided") == manages


@pytest.mark.parametrize("actor", ACTORS)
def test_search(actor, world):
    index_objects("decision", [world.open.pk, world.decided.pk])
    person = world.people[actor]
    sees = expect(SEES, actor, world.kind)
    for marker in (OPEN_MARKER, DECIDED_MARKER):
        results = search(user=person, query=SearchQuery(text=marker.format(kind=world.kind)))
        assert [h.type for h in results.hits if h.type == "decision"] == (
            ["decision"] if sees else []
        )


@pytest.mark.parametrize("actor", ACTORS)
def test_files(actor, world, client_for):
    """A proposal's file: downloaded by who sees the proposal; added and removed by its
    proposer only (nobody in the table), while it is open."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from hanse.decisions.models import ProposalAttachment
    from hanse.decisions.services import proposal_attach

    def pdf() -> SimpleUploadedFile:
        return SimpleUploadedFile("anlage.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")

    (attachment,) = proposal_attach(proposal=world.open, by=world.proposer, files=[pdf()])
    client = client_for(world.people[actor])
    sees = expect(SEES, actor, world.kind)
    urls = [attachment.get_absolute_url(), reverse("decisions:file_thumb", args=[attachment.pk])]
    response = client.get(urls[0])
    if actor == "anonymous":
        assert _is_login(response)
    else:
        assert response.status_code == (200 if sees else 404)
    # Not an image: no thumbnail for anyone (404 like a file one may not see).
    assert client.get(urls[1]).status_code in ((302,) if actor == "anonymous" else (404,))
    response = client.post(reverse("decisions:attach", args=[world.open.pk]), {"files": [pdf()]})
    if actor != "anonymous":
        assert response.status_code == (302 if sees else 404)
    response = client.post(reverse("decisions:file_delete", args=[attachment.pk]))
    if actor != "anonymous":
        assert response.status_code == (302 if sees else 404)
    assert list(ProposalAttachment.objects.filter(proposal=world.open)) == [attachment]
