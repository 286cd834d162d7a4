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


def test_questions_and_praise_api(user, make_user, make_community, client_for):
    """Ask, answer via comments, upvote, accept; thank with a value; counts per value."""
    from hanse.participation.models import PraiseValue
    from hanse.posts.services.comments import comment_create

    ben = make_user("ben")
    community = make_community(owner=user, members=(ben,))
    client, ben_client = client_for(user), client_for(ben)
    asked = _post(client, "/api/v1/questions", {"community": community.slug, "body": "Wer?"})
    assert asked.status_code == 201, asked.content
    question = asked.json()
    from hanse.posts.models import Post

    answer = comment_create(post=Post.objects.get(pk=question["post_id"]), author=ben, body="Ich")
    assert client.put(f"/api/v1/questions/answers/{answer.pk}/upvote").status_code == 200
    assert ben_client.put(f"/api/v1/questions/answers/{answer.pk}/upvote").status_code == 403
    accepted = _post(client, f"/api/v1/questions/{question['id']}/accept", {"answer_id": answer.pk})
    assert accepted.json()["solved"] is True
    answers = client.get(f"/api/v1/questions/{question['id']}/answers").json()
    assert answers["total"] == 1
    assert answers["items"][0] | {"author": None} == {
        "id": answer.pk, "author": None, "body": "Ich", "upvotes": 1, "upvoted": True,
        "accepted": True,
    }  # fmt: skip
    listed = client.get("/api/v1/questions", {"state": "solved"}).json()
    assert [q["id"] for q in listed["items"]] == [question["id"]]

    mut = PraiseValue.objects.create(name="Mut")
    given = _post(client, "/api/v1/praise", {"recipient": "ben", "value_id": mut.pk,
                                             "message": "Danke!"})  # fmt: skip
    assert given.status_code == 201, given.content
    assert client.get("/api/v1/praise/values").json()["items"][0]["count"] == 1
    on_profile = ben_client.get("/api/v1/praise", {"recipient": "ben"}).json()
    assert on_profile["total"] == 1 and on_profile["items"][0]["value"] == "Mut"
    themselves = _post(client, "/api/v1/praise", {"recipient": user.username,
                                                  "value_id": mut.pk, "message": "x"})  # fmt: skip
    assert themselves.status_code == 400 and themselves.json()["code"] == "self"
