"""/api/v1/polls: create, read, vote, change, take back, close, remind; errors in the
caller's language; unknown and invisible are the same 404."""

from __future__ import annotations

import json
from datetime import timedelta

from django.utils import timezone

from hanse.participation.models import Poll, PollVote
from tests.participation.conftest import option_ids


def _post(client, url, data, **extra):
    return client.post(url, json.dumps(data), content_type="application/json", **extra)


def test_create_read_vote_change(user, make_user, client_for):
    client = client_for(user)
    response = _post(
        client,
        "/api/v1/polls",
        {
            "question": "Welcher Termin passt?",
            "options": ["Montag", "Dienstag"],
            "kind": "multiple",
            "allow_other": True,
            "results": "after_vote",
            "closes_at": (timezone.now() + timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["results_visible"] is False
    assert [o["count"] for o in data["options"]] == [None, None]
    poll = Poll.objects.get(pk=data["id"])
    voter = client_for(make_user())
    first, second = option_ids(poll)
    voted = _post(voter, f"/api/v1/polls/{poll.pk}/vote", {"options": [first], "other": "Fr"})
    assert voted.status_code == 200
    body = voted.json()
    assert body["voted"] and body["my_other"] == "Fr"
    assert [o["count"] for o in body["options"]] == [1, 0] and body["other_count"] == 1
    changed = _post(voter, f"/api/v1/polls/{poll.pk}/vote", {"options": [second]})
    assert [o["mine"] for o in changed.json()["options"]] == [False, True]
    assert voter.delete(f"/api/v1/polls/{poll.pk}/vote").json()["voted"] is False
    assert not PollVote.objects.exists()


def test_errors_are_clear_and_translated(user, make_user, make_poll, client_for):
    poll = make_poll(user)
    voter = client_for(make_user())
    response = _post(
        voter,
        f"/api/v1/polls/{poll.pk}/vote",
        {"options": option_ids(poll)[:2]},
        HTTP_ACCEPT_LANGUAGE="de",
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "Wähle nur eine Antwort.", "code": "too_many_choices"}
    closed = _post(client_for(user), f"/api/v1/polls/{poll.pk}/close", {})
    assert closed.json()["closed"] is True
    late = _post(voter, f"/api/v1/polls/{poll.pk}/vote", {"options": option_ids(poll)[:1]})
    assert late.status_code == 400 and late.json()["code"] == "closed"


def test_unknown_and_invisible_are_404(user, make_user, make_community, make_poll, client_for):
    secret = make_community("secret", owner=user)
    poll = make_poll(user, community=secret)
    outsider = client_for(make_user())
    hidden = outsider.get(f"/api/v1/polls/{poll.pk}")
    missing = outsider.get("/api/v1/polls/999999")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    assert _post(outsider, f"/api/v1/polls/{poll.pk}/vote", {"options": [1]}).status_code == 404


def test_remind_via_api(user, make_user, make_poll, client_for):
    poll = make_poll(user)
    assert _post(client_for(make_user()), f"/api/v1/polls/{poll.pk}/remind", {}).status_code == 403
    ok = _post(client_for(user), f"/api/v1/polls/{poll.pk}/remind", {})
    assert ok.status_code == 200
    again = _post(client_for(user), f"/api/v1/polls/{poll.pk}/remind", {})
    assert again.status_code == 400 and again.json()["code"] == "reminded_recently"


def test_in_openapi_document(user, client_for):
    schema = client_for(user).get("/api/v1/openapi.json").json()
    assert "/api/v1/polls/{poll_id}/vote" in schema["paths"]
