"""Questions and answers: ask in a community, answer, upvote, accept (asker or moderator),
the lists of unanswered and unsolved questions, similar questions, and who may see what."""

from __future__ import annotations

import pytest
from django.urls import reverse

from hanse.core import searchable
from hanse.core.errors import PermissionRefused, ServiceError
from hanse.notifications.models import Notification
from hanse.participation import selectors
from hanse.participation.models import AnswerVote, Question
from hanse.participation.questions import (
    answer_accept,
    answer_unaccept,
    answer_upvote,
    question_create,
)
from hanse.posts.services.comments import comment_create
from hanse.search.index import index_objects


@pytest.fixture
def qa(user, make_user, make_community):
    """Anna asks in an open community; Ben and Carla answer; Mo moderates."""
    ben, carla, mo = make_user("ben"), make_user("carla"), make_user("mo")
    community = make_community(owner=make_user(), moderators=(mo,), members=(user, ben, carla))
    question = question_create(
        author=user, community=community, body="Wie beantrage ich Bildungsurlaub?"
    )
    first = comment_create(post=question.post, author=ben, body="Im Personalportal.")
    second = comment_create(post=question.post, author=carla, body="Frag die Personalabteilung.")
    return {"q": question, "ben": ben, "carla": carla, "mo": mo, "c": community,
            "first": first, "second": second}  # fmt: skip


def test_ask_only_as_member(user, make_user, make_community):
    open_c = make_community("open", owner=make_user())
    secret = make_community("secret", owner=make_user())
    with pytest.raises(PermissionRefused):
        question_create(author=user, community=open_c, body="Frage?")
    with pytest.raises(ServiceError) as exc:
        question_create(author=user, community=secret, body="Frage?")
    assert exc.value.status == 404
    assert not Question.objects.exists()


def test_answers_order_accepted_first_then_upvotes(user, qa, make_user):
    """Upvotes order the answers; the accepted one shows first whatever its votes."""
    answer_upvote(answer=qa["second"], by=qa["ben"])
    answer_upvote(answer=qa["second"], by=qa["ben"])  # twice: one vote stays
    assert AnswerVote.objects.count() == 1
    order = [a.answer.pk for a in selectors.answers(viewer=user, question=qa["q"])]
    assert order == [qa["second"].pk, qa["first"].pk]
    answer_accept(question=qa["q"], answer=qa["first"], by=user)
    views = selectors.answers(viewer=user, question=qa["q"])
    assert [(a.answer.pk, a.accepted, a.upvotes) for a in views] == [
        (qa["first"].pk, True, 0),
        (qa["second"].pk, False, 1),
    ]
    qa["q"].refresh_from_db()
    assert qa["q"].solved_at is not None


def test_cannot_upvote_own_answer(qa):
    with pytest.raises(PermissionRefused):
        answer_upvote(answer=qa["first"], by=qa["ben"])


def test_accept_by_asker_or_moderator_only(user, qa, django_capture_on_commit_callbacks):
    """Others are refused; the answer's author is told when it is accepted."""
    with pytest.raises(PermissionRefused):
        answer_accept(question=qa["q"], answer=qa["first"], by=qa["carla"])
    with django_capture_on_commit_callbacks(execute=True):
        answer_accept(question=qa["q"], answer=qa["second"], by=qa["mo"])
    note = Notification.objects.get(type="answer_accepted")
    assert note.recipient == qa["carla"]
    answer_unaccept(question=qa["q"], by=user)
    qa["q"].refresh_from_db()
    assert qa["q"].solved_at is None and qa["q"].accepted_answer is None


def test_reply_is_not_an_answer(user, qa):
    reply = comment_create(post=qa["q"].post, author=user, body="Danke!", parent=qa["first"])
    with pytest.raises(ServiceError) as exc:
        answer_accept(question=qa["q"], answer=reply, by=user)
    assert exc.value.code == "not_an_answer"


def test_lists_unanswered_unsolved_solved(user, qa, make_user):
    empty = question_create(author=user, community=qa["c"], body="Gibt es Parkplätze?")
    assert selectors.questions(viewer=user, state="unanswered") == [empty]
    assert selectors.questions(viewer=user, state="unsolved") == [empty, qa["q"]]
    answer_accept(question=qa["q"], answer=qa["first"], by=user)
    assert selectors.questions(viewer=user, state="solved") == [qa["q"]]
    assert selectors.questions(viewer=user, community=qa["c"], state="unsolved") == [empty]


def test_secret_questions_stay_secret(user, make_user, make_community, client_for):
    """Lists, pages and similar suggestions leave out what a person may not read (404)."""
    owner = make_user()
    secret = make_community("secret", owner=owner)
    hidden = question_create(author=owner, community=secret, body="Geheime Bildungsurlaub-Frage")
    client = client_for(user)
    assert selectors.questions(viewer=user, state="all") == []
    assert selectors.similar_questions(viewer=user, text="Bildungsurlaub") == []
    assert client.get(reverse("participation:question", args=[hidden.pk])).status_code == 404
    page = client.get(reverse("participation:questions"), {"state": "all"}).content.decode()
    assert "Geheime" not in page
    similar = client.get(reverse("participation:question_similar"), {"body": "Bildungsurlaub"})
    assert "Geheime" not in similar.content.decode()


def test_similar_questions_while_typing(user, qa, client_for):
    index_objects("question", [qa["q"].pk])
    response = client_for(user).get(
        reverse("participation:question_similar"), {"body": "Bildungsurlaub beantragen?"}
    )
    assert "Wie beantrage ich Bildungsurlaub?" in response.content.decode()


def test_similar_questions_come_from_search(user, qa, make_user, make_community, monkeypatch):
    """Through search's interface: stems and word forms match (not a substring), not every
    word must match, the best match comes first, and what the person may not see stays out."""
    other = question_create(
        author=qa["ben"], community=qa["c"], body="Wo finde ich die Regeln für Urlaub?"
    )
    secret = make_community("secret", owner=make_user(), members=(qa["ben"],))
    hidden = question_create(author=qa["ben"], community=secret, body="Bildungsurlaubs-Regeln?")
    index_objects("question", [qa["q"].pk, other.pk, hidden.pk])
    text = "Wie lange dauert die Beantragung von Bildungsurlauben?"
    found = selectors.similar_questions(viewer=user, text=text)
    assert found and found[0] == qa["q"]
    assert hidden not in found
    assert selectors.similar_questions(viewer=qa["ben"], text="Bildungsurlaub")[:2] != []
    # A word form: "Urlaubs" finds "Urlaub" (search stems it; a substring match would not).
    assert other in selectors.similar_questions(viewer=user, text="Regeln des Urlaubs")
    # Without search installed, the simple word match answers.
    monkeypatch.setattr(searchable, "_similar_finders", [])
    assert selectors.similar_questions(viewer=user, text="Bildungsurlaub") == [qa["q"]]


def test_pages_ask_answer_upvote_accept(user, qa, client_for):
    client = client_for(user)
    response = client.post(
        reverse("participation:question_new"),
        {"community": qa["c"].slug, "body": "Wo finde ich die Reisekostenrichtlinie?"},
    )
    question = Question.objects.get(post__body__startswith="Wo finde")
    assert response["Location"] == reverse("participation:question", args=[question.pk])
    ben = client_for(qa["ben"])
    ben.post(reverse("participation:answer", args=[question.pk]), {"body": "Im Intranet."})
    answer = question.post.comments.get()
    client.post(reverse("participation:upvote", args=[answer.pk]))
    client.post(reverse("participation:accept", args=[question.pk]), {"answer": answer.pk})
    page = client.get(reverse("participation:question", args=[question.pk])).content.decode()
    assert "Accepted answer" in page and "1 upvote" in page
    card = client.get(reverse("posts:detail", args=[question.post_id])).content.decode()
    assert "Question · solved" in card and "Im Intranet." in card


def test_question_page_is_404_for_outsiders_of_private(user, make_user, make_community, client_for):
    owner = make_user()
    private = make_community("private", owner=owner)
    question = question_create(author=owner, community=private, body="Interne Frage")
    client = client_for(user)
    assert client.get(reverse("participation:question", args=[question.pk])).status_code == 404
    response = client.post(reverse("participation:answer", args=[question.pk]), {"body": "x"})
    assert response.status_code == 404
