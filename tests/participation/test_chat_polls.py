"""Polls in chat messages: the same poll model, services and anonymity as in posts; only the
channel's members see the poll, its live results and vote (checked again on every vote).
Every surface x every actor: anonymous, member, a reader of the public channel who is not a
member (non-member), an outsider of a private channel, an administrator."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hanse.chat import services as chat_services
from hanse.chat.rendering import render_message_html
from hanse.participation.models import Poll, PollVote, PollVoter
from hanse.participation.services import chat_poll_create, poll_vote
from hanse.realtime import topics
from tests.participation.conftest import option_ids

ACTORS = ("anonymous", "member", "nonmember", "admin")
KINDS = ("public", "private")

# What each actor gets of a poll in a channel of each kind: "ok", "404" (the same as an
# unknown poll), "login". Administrators are not channel members: chat is private, and the
# poll asks the members.
SEES = {
    ("anonymous", "public"): "login",
    ("anonymous", "private"): "login",
    ("member", "public"): "ok",
    ("member", "private"): "ok",
    ("nonmember", "public"): "404",
    ("nonmember", "private"): "404",
    ("admin", "public"): "404",
    ("admin", "private"): "404",
}


@pytest.fixture
def world(make_user, admin_user):
    anna, ben, nonmember = make_user("anna"), make_user("ben"), make_user("draussen")
    channels = {
        "public": chat_services.channel_create(
            by=anna, name="Kaffeeküche", kind="public", members=[ben]
        ),
        "private": chat_services.channel_create(
            by=anna, name="Projekt Hafen", kind="private", members=[ben]
        ),
    }
    polls = {
        kind: chat_poll_create(
            author=anna,
            channel=channel,
            question="Wann treffen wir uns?",
            options=["Montag", "Dienstag"],
        )
        for kind, channel in channels.items()
    }
    people = {"anonymous": None, "member": ben, "nonmember": nonmember, "admin": admin_user,
              "anna": anna}  # fmt: skip
    return channels, polls, people


def _expect(response, outcome: str, *, api: bool = False) -> None:
    if outcome == "login":
        assert response.status_code == (401 if api else 302), response
        return
    if outcome == "404":
        assert response.status_code == 404, response
        return
    assert response.status_code in (200, 201, 302), response


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("actor", ACTORS)
def test_every_surface_for_every_actor(world, client_for, actor, kind):
    channels, polls, people = world
    poll, person = polls[kind], people[actor]
    client = client_for(person)
    outcome = SEES[(actor, kind)]
    url = f"/participation/polls/{poll.pk}/"
    _expect(client.get(url), outcome)
    _expect(client.get(url, HTTP_HX_REQUEST="true"), outcome)
    _expect(client.get(f"/api/v1/polls/{poll.pk}"), outcome, api=True)
    topic = topics.name("poll", poll.pk)
    assert (person is not None and topics.may_subscribe(person, topic)) is (outcome == "ok")
    first = option_ids(poll)[0]
    _expect(client.post(f"{url}vote/", {"option": first}), outcome)
    _expect(
        client.post(
            f"/api/v1/polls/{poll.pk}/vote",
            json.dumps({"options": [first]}),
            content_type="application/json",
        ),
        outcome,
        api=True,
    )
    voted = PollVoter.objects.filter(poll=poll, user__username=getattr(person, "username", ""))
    assert voted.exists() is (outcome == "ok")
    # Creating one: the channel's members (the form and the API).
    new = f"/participation/polls/new/?channel={channels[kind].pk}"
    data = {"body": "Pizza oder Pasta?", "options": "Pizza\nPasta", "kind": "single",
            "results": "always"}  # fmt: skip
    response = client.post(new, data)
    api = client.post(
        "/api/v1/polls",
        json.dumps({"question": "Tee?", "options": ["Ja", "Nein"], "channel": channels[kind].pk}),
        content_type="application/json",
    )
    made = Poll.objects.filter(message__channel=channels[kind]).count()
    if outcome == "ok":
        assert response.status_code == 302 and api.status_code == 201
        assert made == 3
        assert api.json()["channel_id"] == channels[kind].pk and api.json()["post_id"] is None
    else:
        assert made == 1
        if outcome == "login":
            assert response.status_code == 302 and api.status_code == 401
        elif kind == "private":
            assert response.status_code == 404 and api.status_code == 404
        else:  # reads the public channel, may not write there
            assert response.status_code == 403 and api.status_code in (403, 404)


def test_message_carries_a_slot_with_nothing_personal(world):
    _channels, polls, people = world
    poll = polls["public"]
    poll_vote(poll=poll, voter=people["member"], option_ids=[option_ids(poll)[0]])
    html = render_message_html(poll.message, None)  # the live event's one rendering
    assert f'hx-get="/participation/polls/{poll.pk}/"' in html
    assert "Montag" not in html and "ben" not in html.lower()
    # The page of a member shows the block after the slot is filled (htmx), with the votes.
    assert poll.message.body == "Wann treffen wir uns?"


def test_member_sees_the_poll_on_the_channel_page_and_the_new_poll_link(world, client_for):
    channels, polls, people = world
    page = client_for(people["member"]).get(f"/chat/{channels['private'].pk}/").content.decode()
    assert f"chat-poll-{polls['private'].pk}" in page
    assert f"/participation/polls/new/?channel={channels['private'].pk}" in page
    assert "participation/polls.js" in page
    block = client_for(people["member"]).get(
        f"/participation/polls/{polls['private'].pk}/", HTTP_HX_REQUEST="true"
    )
    assert 'data-live-topics="poll:' in block.content.decode()


def test_leaving_the_channel_ends_voting_at_once(world, client_for):
    channels, polls, people = world
    ben, poll = people["member"], polls["private"]
    chat_services.member_remove(channel=channels["private"], by=people["anna"], user=ben)
    response = client_for(ben).post(
        f"/participation/polls/{poll.pk}/vote/", {"option": option_ids(poll)[0]}
    )
    assert response.status_code == 404
    assert not topics.may_subscribe(ben, topics.name("poll", poll.pk))


def test_deleted_message_hides_its_poll(world, client_for):
    _channels, polls, people = world
    poll = polls["public"]
    chat_services.message_delete(message=poll.message, by=people["anna"])
    assert client_for(people["member"]).get(f"/participation/polls/{poll.pk}/").status_code == 404


def test_anonymous_chat_poll_keeps_no_ballot(world):
    channels, _polls, people = world
    poll = chat_poll_create(
        author=people["anna"],
        channel=channels["private"],
        question="Wie zufrieden seid ihr?",
        options=["Sehr", "Geht so"],
        anonymous=True,
    )
    with CaptureQueriesContext(connection) as queries:
        poll_vote(poll=poll, voter=people["member"], option_ids=[option_ids(poll)[1]])
    assert not PollVote.objects.filter(poll=poll).exists()
    assert PollVoter.objects.filter(poll=poll).count() == 1
    assert [o.anonymous_count for o in poll.options.order_by("position")] == [0, 1]
    # The ballot (the counters) never passes through the query log (docs/anonymity.md).
    assert not [q for q in queries.captured_queries if "anonymous_count" in q["sql"]]


def test_bad_input_is_a_clear_error(world, client_for):
    channels, _polls, people = world
    client = client_for(people["member"])
    for channel in ("abc", "999999"):
        assert client.get(f"/participation/polls/new/?channel={channel}").status_code == 404
    response = client.post(
        f"/participation/polls/new/?channel={channels['public'].pk}",
        {"body": "Nur eine?", "options": "Eine", "kind": "single", "results": "always"},
    )
    assert response.status_code == 200
    assert "Give at least two different answers." in response.content.decode()
    api = client.post(
        "/api/v1/polls",
        json.dumps(
            {
                "question": "X?",
                "options": ["A", "B"],
                "channel": channels["public"].pk,
                "community": "irgendwas",
            }
        ),
        content_type="application/json",
    )
    assert api.status_code == 400


def test_live_push_of_a_new_chat_poll_carries_its_slot(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    """The message is announced after the commit with the poll's slot (the poll is stored in
    the same transaction); a plain new message's push asks no add-on (no query)."""
    channels, _polls, people = world
    sent: list[dict] = []
    monkeypatch.setattr("hanse.chat.events._publish", lambda topic, payload: sent.append(payload))
    with django_capture_on_commit_callbacks(execute=True):
        poll = chat_poll_create(
            author=people["anna"],
            channel=channels["private"],
            question="Neue Frage?",
            options=["Ja", "Nein"],
        )
    html = next(p["html"] for p in sent if p.get("type") == "chat.message")
    assert f"chat-poll-{poll.pk}" in html
    sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        chat_services.message_post(channel=channels["private"], author=people["anna"], body="Hi")
    html = next(p["html"] for p in sent if p.get("type") == "chat.message")
    assert "chat-poll" not in html
