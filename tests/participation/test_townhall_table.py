"""Who may do what with a town hall: every surface (pages, forms, API, the WebSocket topic)
x every actor (anonymous, outsider, audience member, host, administrator) x both kinds of
audience (whole company, a unit and the units below it). Unknown and invisible are the
same 404."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from hanse.participation.models import TownHall, TownHallQuestion, TownHallUpvote
from hanse.participation.townhalls import townhall_create, townhall_question_ask
from hanse.realtime import topics

ACTORS = ("anonymous", "outsider", "member", "host", "admin")
KINDS = ("company", "units")

# What each actor gets, per audience kind: "ok" (the page or the action works), "404"
# (hidden: the same answer as for a town hall that does not exist), "403" (seen, refused),
# "login" (pages redirect to the login, the API answers 401, the socket grants nothing).
SEES = {
    ("anonymous", "company"): "login",
    ("anonymous", "units"): "login",
    ("outsider", "company"): "ok",
    ("outsider", "units"): "404",
    ("member", "company"): "ok",
    ("member", "units"): "ok",
    ("host", "company"): "ok",
    ("host", "units"): "ok",
    ("admin", "company"): "ok",
    ("admin", "units"): "ok",
}
MODERATES = {"host", "admin"}


@pytest.fixture
def world(make_user, org, admin_user):
    host = make_user("vorstand", first_name="Vera", last_name="Vorstand")
    # A person in a department below the invited division: in the audience.
    member = make_user("mitglied", org_unit=org["it_ops"])
    outsider = make_user("draussen", org_unit=org["moelln"])
    now = timezone.now()
    halls = {}
    for kind in KINDS:
        th = townhall_create(
            by=admin_user,
            title=f"Fragestunde {kind}",
            starts_at=now - timedelta(minutes=10),
            ends_at=now + timedelta(hours=1),
            hosts=[host],
            company_wide=kind == "company",
            units=[org["it"]] if kind == "units" else [],
            approval_required=True,
        )
        halls[kind] = th
    people = {
        "anonymous": None,
        "outsider": outsider,
        "member": member,
        "host": host,
        "admin": admin_user,
    }
    return halls, people


def _expect(response, outcome: str, *, api: bool = False) -> None:
    if outcome == "login":
        assert response.status_code == (401 if api else 302), response
        if not api:
            assert "/accounts/login/" in response["Location"]
        return
    if outcome == "404":
        assert response.status_code == 404, response
        return
    if outcome == "403":
        assert response.status_code == 403, response
        return
    assert response.status_code in (200, 201, 302), response
    if response.status_code == 302:
        assert "/accounts/login/" not in response["Location"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("actor", ACTORS)
def test_read_surfaces(world, client_for, actor, kind):
    """List, page, presenter view, API list/detail/questions and the socket topic."""
    halls, people = world
    th = halls[kind]
    person = people[actor]
    client = client_for(person)
    outcome = SEES[(actor, kind)]

    listing = client.get("/participation/townhalls/")
    if outcome == "login":
        _expect(listing, "login")
    else:
        assert listing.status_code == 200
        assert (th.title in listing.content.decode()) is (outcome == "ok")

    _expect(client.get(f"/participation/townhalls/{th.pk}/"), outcome)
    _expect(client.get(f"/participation/townhalls/{th.pk}/presenter/"), outcome)
    _expect(client.get(f"/api/v1/townhalls/{th.pk}"), outcome, api=True)
    _expect(client.get(f"/api/v1/townhalls/{th.pk}/questions"), outcome, api=True)
    api_list = client.get("/api/v1/townhalls?phase=live")
    if outcome == "login":
        assert api_list.status_code == 401
    else:
        ids = [t["id"] for t in api_list.json()["items"]]
        assert (th.pk in ids) is (outcome == "ok")
    # The same 404 as for a town hall that does not exist.
    if outcome == "404":
        missing = client.get("/participation/townhalls/999999/")
        assert missing.status_code == 404
    topic = topics.name("townhall", th.pk)
    allowed = person is not None and topics.may_subscribe(person, topic)
    assert allowed is (outcome == "ok")


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("actor", ACTORS)
def test_write_surfaces(world, client_for, actor, kind):
    """Ask (page and API), upvote (page and API), moderate (page and API), edit."""
    halls, people = world
    th = halls[kind]
    person = people[actor]
    client = client_for(person)
    outcome = SEES[(actor, kind)]
    host = people["host"]
    # The host's question, approved, for the upvote; a pending one for moderation.
    open_q = townhall_question_ask(townhall=th, author=host, body="Offen?")
    TownHallQuestion.objects.filter(pk=open_q.pk).update(status="approved")
    pending = townhall_question_ask(townhall=th, author=host, body="Wartet?")

    asked = client.post(f"/participation/townhalls/{th.pk}/ask/", {"body": "Meine Frage"})
    _expect(asked, outcome)
    api_asked = client.post(
        f"/api/v1/townhalls/{th.pk}/questions",
        {"body": "Per API"},
        content_type="application/json",
    )
    _expect(api_asked, outcome, api=True)
    made = TownHallQuestion.objects.filter(townhall=th, body__in=["Meine Frage", "Per API"])
    assert made.count() == (2 if outcome == "ok" else 0)

    upvoted = client.post(f"/participation/townhalls/questions/{open_q.pk}/upvote/", {"on": "1"})
    if actor == "host":
        # One's own question cannot be upvoted: refused, told, nothing written.
        assert upvoted.status_code == 302
        assert not TownHallUpvote.objects.filter(question=open_q, user=host).exists()
    else:
        _expect(upvoted, outcome)
        stored = (
            person is not None
            and TownHallUpvote.objects.filter(question=open_q, user=person).exists()
        )
        assert stored is (outcome == "ok")
        api_again = client.post(f"/api/v1/townhalls/questions/{open_q.pk}/upvote")
        if outcome == "ok":
            assert api_again.status_code == 409
            assert api_again.json()["code"] == "already_upvoted"
        else:
            _expect(api_again, outcome, api=True)

    moderated = client.post(
        f"/participation/townhalls/questions/{pending.pk}/moderate/", {"action": "approve"}
    )
    api_moderated = client.post(
        f"/api/v1/townhalls/questions/{pending.pk}/moderate",
        {"action": "pin"},
        content_type="application/json",
    )
    edit = client.get(f"/participation/townhalls/{th.pk}/edit/")
    pending.refresh_from_db()
    if actor in MODERATES:
        assert moderated.status_code == 302
        assert api_moderated.status_code == 200
        assert pending.status == "approved"
        assert TownHall.objects.get(pk=th.pk).pinned_question_id == pending.pk
        assert edit.status_code == 200
    else:
        # A pending question is not shown to the audience: 404 like anything unknown.
        expected = "404" if outcome in ("ok", "404") else outcome
        _expect(moderated, expected)
        _expect(api_moderated, expected, api=True)
        assert pending.status == "pending"
        _expect(edit, "403" if outcome == "ok" else outcome)


@pytest.mark.parametrize("actor", ACTORS)
def test_create_page_needs_the_permission(world, client_for, actor, make_user):
    """Only administrators and people granted "host town halls" create them."""
    _halls, people = world
    response = client_for(people[actor]).get("/participation/townhalls/new/")
    expected = {"anonymous": "login", "admin": "ok"}.get(actor, "403")
    _expect(response, expected)
