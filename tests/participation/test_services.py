"""Polls: creating, voting, changing, closing and reminding, with the refusals a person sees."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from hanse.core.errors import PermissionRefused, ServiceError
from hanse.notifications.models import Notification
from hanse.participation import selectors
from hanse.participation.models import Poll, PollOption, PollVote, PollVoter
from hanse.participation.services import (
    poll_close,
    poll_create,
    poll_remind,
    poll_vote,
    poll_vote_withdraw,
)
from hanse.posts.models import Post
from tests.participation.conftest import option_ids


def test_create_makes_a_post_with_options(user, make_poll):
    """The question is the post's text; answers are kept in order, repeats left out."""
    poll = make_poll(user, options=["Ja", " Nein ", "ja", "", "Vielleicht"])
    assert poll.post.body == "Sollen wir freitags im Homeoffice arbeiten?"
    assert list(poll.options.values_list("label", flat=True)) == ["Ja", "Nein", "Vielleicht"]
    assert poll.max_choices == 1 and poll.kind == "single"


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"options": ["Nur eine"]}, "too_few_options"),
        ({"options": [f"A{i}" for i in range(21)]}, "too_many_options"),
        ({"options": ["x" * 201, "b"]}, "option_too_long"),
        ({"kind": "multiple", "max_choices": 4}, "invalid_max"),
        ({"kind": "other"}, "invalid_kind"),
        ({"results": "never"}, "invalid_results"),
        ({"anonymous": True, "allow_other": True}, "anonymous_other"),
        ({"closes_at": timezone.now() - timedelta(minutes=1)}, "closes_past"),
    ],
)
def test_create_refuses_bad_input(user, make_poll, fields, code):
    """Bad input gets a clear error and writes nothing."""
    with pytest.raises(ServiceError) as exc:
        make_poll(user, **fields)
    assert exc.value.code == code
    assert not Post.objects.exists() and not Poll.objects.exists()


def test_create_in_community_needs_membership(user, make_user, make_community):
    """Only members ask in a community; a secret community does not exist for outsiders."""
    owner = make_user()
    open_c = make_community("open", owner=owner)
    secret = make_community("secret", owner=owner)
    with pytest.raises(PermissionRefused):
        poll_create(author=user, question="Frage?", options=["a", "b"], community=open_c)
    with pytest.raises(ServiceError) as exc:
        poll_create(author=user, question="Frage?", options=["a", "b"], community=secret)
    assert exc.value.status == 404
    poll = poll_create(author=owner, question="Frage?", options=["a", "b"], community=secret)
    assert poll.post.community == secret


def test_single_choice_vote_and_change(user, make_user, make_poll):
    """A named vote can be changed until closing; the count stays one person."""
    voter = make_user()
    poll = make_poll(user)
    yes, no, _maybe = option_ids(poll)
    poll_vote(poll=poll, voter=voter, option_ids=[yes])
    poll_vote(poll=poll, voter=voter, option_ids=[no])
    poll.refresh_from_db()
    assert poll.voter_count == 1
    assert list(PollVote.objects.values_list("option_id", flat=True)) == [no]
    view = selectors.poll_view(viewer=voter, poll=poll)
    assert [(o.label, o.count, o.share, o.mine) for o in view.options] == [
        ("Ja", 0, 0, False),
        ("Nein", 1, 100, True),
        ("Vielleicht", 0, 0, False),
    ]


def test_withdraw_named_vote(user, make_user, make_poll):
    voter = make_user()
    poll = make_poll(user)
    poll_vote(poll=poll, voter=voter, option_ids=option_ids(poll)[:1])
    poll_vote_withdraw(poll=poll, voter=voter)
    poll.refresh_from_db()
    assert poll.voter_count == 0
    assert not PollVoter.objects.exists() and not PollVote.objects.exists()


@pytest.mark.parametrize(
    ("choice", "other", "code"),
    [
        ([], "", "empty_choice"),
        (["first", "second"], "", "too_many_choices"),
        (["first", "first"], "", "invalid_choice"),
        (["foreign"], "", "invalid_choice"),
        (["first"], "Etwas anderes", "no_other"),
    ],
)
def test_vote_refusals(user, make_user, make_poll, choice, other, code):
    """Choices are validated on the server; nothing is written on a refusal."""
    voter = make_user()
    poll = make_poll(user)
    foreign = make_poll(user)
    ids = {"first": option_ids(poll)[0], "second": option_ids(poll)[1]}
    ids["foreign"] = option_ids(foreign)[0]
    with pytest.raises(ServiceError) as exc:
        poll_vote(poll=poll, voter=voter, option_ids=[ids[c] for c in choice], other_text=other)
    assert exc.value.code == code
    assert not PollVoter.objects.exists() and not PollVote.objects.exists()


def test_multiple_choice_with_maximum_and_other(user, make_user, make_poll):
    """At most max_choices answers, "other" counting as one."""
    voter = make_user()
    poll = make_poll(user, kind="multiple", max_choices=2, allow_other=True)
    a, b, _c = option_ids(poll)
    with pytest.raises(ServiceError) as exc:
        poll_vote(poll=poll, voter=voter, option_ids=[a, b], other_text="Donnerstags")
    assert exc.value.code == "too_many_choices"
    poll_vote(poll=poll, voter=voter, option_ids=[a], other_text="  Donnerstags ")
    view = selectors.poll_view(viewer=voter, poll=poll)
    assert view.my_other == "Donnerstags" and view.other_count == 1
    assert [o.mine for o in view.options] == [True, False, False]


def test_closing_is_enforced_on_the_server(user, make_user, make_poll):
    """After the closing time (server clock) no vote is taken, not even a change."""
    voter, late = make_user(), make_user()
    poll = make_poll(user, closes_at=timezone.now() + timedelta(hours=1))
    poll_vote(poll=poll, voter=voter, option_ids=option_ids(poll)[:1])
    Poll.objects.filter(pk=poll.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    for person in (voter, late):
        with pytest.raises(ServiceError) as exc:
            poll_vote(poll=poll, voter=person, option_ids=option_ids(poll)[1:2])
        assert exc.value.code == "closed"
    assert PollVoter.objects.count() == 1
    assert list(PollVote.objects.values_list("option_id", flat=True)) == option_ids(poll)[:1]


def test_close_by_author_or_moderator_only(user, make_user, make_community, make_poll):
    moderator, member = make_user(), make_user()
    community = make_community(owner=user, moderators=(moderator,), members=(member,))
    poll = make_poll(user, community=community)
    with pytest.raises(PermissionRefused):
        poll_close(poll=poll, by=member)
    poll_close(poll=poll, by=moderator)
    poll.refresh_from_db()
    assert poll.is_closed()


@pytest.mark.parametrize(
    ("results", "voted", "closed", "shown"),
    [
        ("always", False, False, True),
        ("after_vote", False, False, False),
        ("after_vote", True, False, True),
        ("after_close", True, False, False),
        ("after_close", False, True, True),
    ],
)
def test_result_visibility(user, make_user, make_poll, results, voted, closed, shown):
    """Results show as the poll says, for the author too; hidden counts are zero."""
    voter = make_user()
    poll = make_poll(user, results=results)
    poll_vote(poll=poll, voter=make_user(), option_ids=option_ids(poll)[:1])
    if voted:
        poll_vote(poll=poll, voter=voter, option_ids=option_ids(poll)[:1])
    if closed:
        poll_close(poll=poll, by=user)
    view = selectors.poll_view(viewer=voter, poll=poll)
    assert view.show_results is shown
    assert (view.options[0].count > 0) is shown
    author_view = selectors.poll_view(viewer=user, poll=poll)
    assert author_view.show_results is (results == "always" or closed)


def test_anonymous_vote_is_final_and_counted(user, make_user, make_poll):
    """An anonymous vote raises counters only and cannot be changed or taken back."""
    voter = make_user()
    poll = make_poll(user, anonymous=True, kind="multiple", max_choices=2)
    a, b, c = option_ids(poll)
    poll_vote(poll=poll, voter=voter, option_ids=[a, c])
    with pytest.raises(ServiceError) as exc:
        poll_vote(poll=poll, voter=voter, option_ids=[b])
    assert exc.value.code == "already_voted"
    with pytest.raises(ServiceError) as exc:
        poll_vote_withdraw(poll=poll, voter=voter)
    assert exc.value.code == "anonymous"
    assert list(PollOption.objects.filter(poll=poll).values_list("anonymous_count", flat=True)) == [
        1,
        0,
        1,
    ]
    assert not PollVote.objects.exists()
    poll.refresh_from_db()
    assert poll.voter_count == 1
    view = selectors.poll_view(viewer=voter, poll=poll)
    assert view.voted and not view.can_vote and not any(o.mine for o in view.options)


def test_remind_non_voters_once_a_day(
    user, make_user, make_community, make_poll, django_capture_on_commit_callbacks
):
    """Members who have not voted are reminded through the notification registry."""
    voted, waiting = make_user(), make_user()
    community = make_community(owner=user, members=(voted, waiting))
    poll = make_poll(user, community=community)
    poll_vote(poll=poll, voter=voted, option_ids=option_ids(poll)[:1])
    with pytest.raises(PermissionRefused):
        poll_remind(poll=poll, by=waiting)
    with django_capture_on_commit_callbacks(execute=True):
        poll_remind(poll=poll, by=user)
    reminded = Notification.objects.filter(type="poll_reminder")
    assert list(reminded.values_list("recipient_id", flat=True)) == [waiting.pk]
    with pytest.raises(ServiceError) as exc:
        poll_remind(poll=poll, by=user)
    assert exc.value.code == "reminded_recently"
    assert all("Ja" not in m.body for m in mail.outbox)
