"""Poll pages: the form, the block on the post card (never stale from the card cache), voting
with and without htmx, closing, reminding and the author's export."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from hanse.participation.models import Poll, PollVote
from hanse.participation.services import poll_vote
from tests.participation.conftest import option_ids


def test_new_poll_form_creates_a_post_with_a_poll(user, client_for):
    client = client_for(user)
    page = client.get(reverse("participation:poll_new"))
    assert page.status_code == 200
    assert b'name="options"' in page.content
    response = client.post(
        reverse("participation:poll_new"),
        {
            "where": "company",
            "body": "Wohin geht der Betriebsausflug?",
            "options": "Ostsee\nHarz\nHamburg",
            "kind": "multiple",
            "max_choices": "2",
            "results": "after_vote",
            "closes_at": (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    poll = Poll.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("posts:detail", args=[poll.post_id])
    assert poll.kind == "multiple" and poll.max_choices == 2 and poll.results == "after_vote"
    assert poll.closes_at is not None and poll.closes_at > timezone.now()


def test_new_poll_form_shows_errors_in_german(user, client_for):
    """A poll with one answer gets a clear German message, not a 500."""
    client = client_for(user)
    response = client.post(
        reverse("participation:poll_new"),
        {
            "where": "company",
            "body": "Frage?",
            "options": "Nur eine",
            "kind": "single",
            "results": "always",
        },
        HTTP_ACCEPT_LANGUAGE="de",
    )
    assert response.status_code == 200
    assert "Gib mindestens zwei verschiedene Antworten an." in response.content.decode()
    assert not Poll.objects.exists()


def test_new_poll_in_a_community_only_for_members(user, make_user, make_community, client_for):
    owner = make_user()
    open_c = make_community("open", owner=owner)
    secret = make_community("secret", owner=owner)
    client = client_for(user)
    url = reverse("participation:poll_new")
    assert client.get(url, {"community": open_c.slug}).status_code == 403
    assert client.get(url, {"community": secret.slug}).status_code == 404
    assert client_for(owner).get(url, {"community": open_c.slug}).status_code == 200


def test_card_shows_poll_and_is_fresh_after_a_vote(user, make_user, make_poll, client_for):
    """The block sits outside the cached card: a vote shows on the next view at once."""
    voter = make_user()
    poll = make_poll(user)
    detail = reverse("posts:detail", args=[poll.post_id])
    client = client_for(voter)
    first = client.get(detail).content.decode()
    assert f'id="poll-{poll.pk}"' in first
    assert "0 votes" in first
    poll_vote(poll=poll, voter=make_user(), option_ids=option_ids(poll)[:1])
    second = client.get(detail).content.decode()
    assert "1 vote ·" in second and "100 %" in second


def test_vote_with_htmx_returns_the_block(user, make_user, make_poll, client_for):
    voter = make_user()
    poll = make_poll(user)
    url = reverse("participation:vote", args=[poll.pk])
    response = client_for(voter).post(url, {"option": option_ids(poll)[1]}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<section class="poll"')
    assert "Change my vote" in body and "(your choice)" in body
    assert PollVote.objects.get().option_id == option_ids(poll)[1]


def test_vote_refusal_shows_message_in_block(user, make_user, make_poll, client_for):
    voter = make_user()
    poll = make_poll(user)
    response = client_for(voter).post(
        reverse("participation:vote", args=[poll.pk]),
        {"option": "nonsense"},
        HTTP_HX_REQUEST="true",
        HTTP_ACCEPT_LANGUAGE="de",
    )
    assert response.status_code == 200
    assert "Wähle eine der Antworten." in response.content.decode()


def test_vote_without_htmx_redirects_back(user, make_user, make_poll, client_for):
    poll = make_poll(user)
    response = client_for(make_user()).post(
        reverse("participation:vote", args=[poll.pk]),
        {"option": option_ids(poll)[0], "next": "/stream/"},
    )
    assert response.status_code == 302 and response["Location"] == "/stream/"
    assert PollVote.objects.count() == 1


def test_closed_poll_shows_results_and_no_form(user, make_user, make_poll, client_for):
    poll = make_poll(user, results="after_close")
    poll_vote(poll=poll, voter=make_user(), option_ids=option_ids(poll)[:1])
    client = client_for(make_user())
    block = client.get(
        reverse("participation:poll", args=[poll.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "The results are shown when the poll has closed." in block
    assert "1 vote ·" not in block
    Poll.objects.filter(pk=poll.pk).update(closes_at=timezone.now())
    block = client.get(
        reverse("participation:poll", args=[poll.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Closed" in block and "1 vote ·" in block and 'name="option"' not in block


def test_close_and_remind_buttons_for_the_author(user, make_user, make_poll, client_for):
    poll = make_poll(user)
    client = client_for(user)
    block = client.get(
        reverse("participation:poll", args=[poll.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Close the poll now" in block and "Remind those who have not voted" in block
    other = client_for(make_user()).get(
        reverse("participation:poll", args=[poll.pk]), HTTP_HX_REQUEST="true"
    )
    assert "Close the poll now" not in other.content.decode()
    response = client.post(reverse("participation:close", args=[poll.pk]))
    assert response.status_code == 302
    poll.refresh_from_db()
    assert poll.is_closed()


def test_export_named_poll_for_author_only(user, make_user, make_poll, client_for):
    """Named: who chose what; formulas are neutralised; others get 403."""
    voter = make_user("berta", first_name="=Berta", last_name="Brandt")
    poll = make_poll(user, allow_other=True, kind="multiple")
    poll_vote(poll=poll, voter=voter, option_ids=option_ids(poll)[:1], other_text="Montags")
    url = reverse("participation:export", args=[poll.pk])
    assert client_for(voter).get(url).status_code == 403
    response = client_for(user).get(url)
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Name", "Username", "Answer", "Own answer"]
    assert ["'=Berta Brandt", "berta", "Ja", ""] in rows
    assert ["'=Berta Brandt", "berta", "Other", "Montags"] in rows


@pytest.mark.parametrize("kind", ["private", "secret"])
def test_poll_in_closed_community_is_404_for_outsiders(
    kind, user, make_user, make_community, make_poll, client_for
):
    """Unknown and invisible answer the same 404 on every poll surface."""
    community = make_community(kind, owner=user)
    poll = make_poll(user, community=community)
    outsider = client_for(make_user())
    for name, method in [
        ("poll", "get"),
        ("vote", "post"),
        ("close", "post"),
        ("remind", "post"),
        ("export", "get"),
    ]:
        response = getattr(outsider, method)(reverse(f"participation:{name}", args=[poll.pk]))
        assert response.status_code == 404, name
    assert outsider.get(f"/api/v1/polls/{poll.pk}").status_code == 404
    assert not PollVote.objects.exists()


def test_stream_page_queries_do_not_grow_with_polls(
    user, make_user, make_poll, client_for, django_assert_max_num_queries
):
    """The poll blocks of a page cost a fixed number of queries, whatever their number."""
    client = client_for(user)
    make_poll(user)
    client.get("/stream/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get("/stream/")
    for _ in range(5):
        poll = make_poll(make_user())
        poll_vote(poll=poll, voter=user, option_ids=option_ids(poll)[:1])
    with CaptureQueriesContext(connection) as six:
        client.get("/stream/")
    assert len(six) <= len(one) + 1
