"""Interaction edges from real activity: recorded after commit, only while analytics are on,
never between a person and themselves, and never breaking the write they come from."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from hanse.analytics.models import AnalyticsSettings, InteractionEdge
from hanse.core import interactions
from hanse.people.models import User
from hanse.posts.services.comments import comment_create
from hanse.posts.services.posts import post_create
from hanse.posts.services.reactions import reaction_add


def edges() -> set[tuple[str, int, int]]:
    return set(InteractionEdge.objects.values_list("kind", "a_id", "b_id"))


def pair(x: User, y: User) -> tuple[int, int]:
    return (min(x.pk, y.pk), max(x.pk, y.pk))


@pytest.fixture
def three(make_user: Callable[..., User]) -> tuple[User, User, User]:
    return make_user("ute"), make_user("bernd"), make_user("carla")


def test_every_kind_is_registered() -> None:
    """Each app registers its kinds; the registry knows them all."""
    assert {
        "comment",
        "reply",
        "reaction",
        "mention",
        "dm",
        "chat_reply",
        "chat_mention",
        "answer_accepted",
        "praise",
        "event",
        "circle",
    } <= set(interactions.kinds())


def test_unknown_kind_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="Unknown interaction kind"):
        interactions.interaction("gossip", 1, 2, dt.date(2026, 1, 1))


def test_nothing_recorded_while_off(three: Any, commit: Any) -> None:
    """Analytics are off by default: a comment leaves no edge."""
    ute, bernd, _carla = three
    post = commit(post_create, author=ute, body="Hallo")
    commit(comment_create, post=post, author=bernd, body="Moin")
    assert not AnalyticsSettings.objects.filter(enabled=True).exists()
    assert InteractionEdge.objects.count() == 0


def test_comment_reply_reaction_mention(enabled: Any, three: Any, commit: Any) -> None:
    """Comment on another's post, a reply in its thread, a reaction, a mention."""
    ute, bernd, carla = three
    post = commit(post_create, author=ute, body="Hallo @carla")
    top = commit(comment_create, post=post, author=bernd, body="Moin")
    commit(comment_create, post=post, author=carla, body="Auch moin", parent=top)
    commit(reaction_add, user=carla, kind="like", post=post)
    assert edges() == {
        ("mention", *pair(ute, carla)),
        ("comment", *pair(ute, bernd)),
        ("comment", *pair(ute, carla)),
        ("reply", *pair(carla, bernd)),
        ("reaction", *pair(carla, ute)),
    }
    assert set(InteractionEdge.objects.values_list("day", flat=True)) == {timezone.localdate()}


def test_self_interaction_is_ignored(enabled: Any, three: Any, commit: Any) -> None:
    ute, _bernd, _carla = three
    post = commit(post_create, author=ute, body="Hallo")
    commit(comment_create, post=post, author=ute, body="Ergänzung")
    commit(reaction_add, user=ute, kind="like", post=post)
    assert edges() == set()


def test_same_pair_kind_day_is_one_edge(enabled: Any, three: Any, commit: Any) -> None:
    ute, bernd, _carla = three
    post = commit(post_create, author=ute, body="Hallo")
    commit(comment_create, post=post, author=bernd, body="Eins")
    commit(comment_create, post=post, author=bernd, body="Zwei")
    assert InteractionEdge.objects.count() == 1


def test_rolled_back_write_records_nothing(enabled: Any, three: Any, commit: Any) -> None:
    ute, bernd, _carla = three
    post = commit(post_create, author=ute, body="Hallo")

    def failing() -> None:
        with transaction.atomic():
            comment_create(post=post, author=bernd, body="Moin")
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        commit(failing)
    assert InteractionEdge.objects.count() == 0


def test_failing_sink_does_not_break_the_write(
    enabled: Any, three: Any, commit: Any, monkeypatch: Any, caplog: Any
) -> None:
    """Recording that fails is logged; the comment stands."""
    ute, bernd, _carla = three
    post = commit(post_create, author=ute, body="Hallo")

    def broken(self: Any, found: Any) -> None:
        raise RuntimeError("disk full")

    from hanse.analytics.recording import EdgeSink

    monkeypatch.setattr(EdgeSink, "__call__", broken)
    comment = commit(comment_create, post=post, author=bernd, body="Moin")
    assert comment.pk
    assert "Recording interactions of kind comment failed" in caplog.text


def test_direct_message(enabled: Any, three: Any, commit: Any) -> None:
    from hanse.chat.services.channels import dm_open
    from hanse.chat.services.messages import message_post

    ute, bernd, _carla = three
    channel, _ = commit(dm_open, by=ute, people=[bernd])
    commit(message_post, channel=channel, author=ute, body="Hast du kurz Zeit?")
    assert edges() == {("dm", *pair(ute, bernd))}


def test_praise_and_accepted_answer(
    enabled: Any, three: Any, commit: Any, make_community: Any
) -> None:
    from hanse.participation.models import PraiseValue
    from hanse.participation.praise import praise_create
    from hanse.participation.questions import answer_accept, question_create

    ute, bernd, _carla = three
    value = PraiseValue.objects.create(name="Mut", position=0)
    commit(praise_create, author=ute, recipient=bernd, value=value, message="Danke!")
    community = make_community(owner=ute, members=(bernd,))
    question = commit(question_create, author=ute, community=community, body="Wie geht das?")
    answer = commit(comment_create, post=question.post, author=bernd, body="So.")
    commit(answer_accept, question=question, answer=answer, by=ute)
    assert {e[0] for e in edges()} == {"praise", "comment", "answer_accepted"}
    assert ("answer_accepted", *pair(ute, bernd)) in edges()


def test_going_to_the_same_event(enabled: Any, three: Any, commit: Any) -> None:
    from hanse.events.services.events import event_create
    from hanse.events.services.rsvps import rsvp_set

    ute, bernd, carla = three
    start = timezone.now() + dt.timedelta(days=2)
    event = commit(
        event_create,
        by=ute,
        title="Sommerfest",
        description="",
        start=start,
        end=start + dt.timedelta(hours=2),
    )
    for person in (bernd, carla):
        commit(rsvp_set, event=event, recurrence_id=event.start, user=person, status="going")
    assert ("event", *pair(bernd, carla)) in edges()


def test_same_circle(enabled: Any, three: Any, commit: Any) -> None:
    from hanse.circles.services.rounds import circle_create

    ute, bernd, carla = three
    commit(
        circle_create,
        members=[ute, bernd, carla],
        name="Nord",
        starts_on=timezone.localdate(),
        weeks=12,
        slot=0,
        location=None,
    )
    assert {e for e in edges() if e[0] == "circle"} == {
        ("circle", *pair(ute, bernd)),
        ("circle", *pair(ute, carla)),
        ("circle", *pair(bernd, carla)),
    }
