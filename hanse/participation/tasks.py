"""Background work of polls: the reminder to those who have not voted.

The task's payload is the poll's id and the moment the reminder was asked for, nothing about
any voter; the ledger row of ``notify_once`` makes a task that runs twice remind nobody twice.
Each task's body is ``notify_or_retry`` (hanse/notifications/tasks.py), which also retries.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db.models import Count, Q
from django.utils import timezone
from django_tasks import task

from hanse.chat.models import ChannelMember
from hanse.communities.models import Community, Membership
from hanse.notifications.services import notify
from hanse.notifications.tasks import Once, notify_or_retry
from hanse.participation.models import (
    Poll,
    PollVoter,
    Praise,
    Question,
    TownHallQuestion,
    TownHallUpvote,
)
from hanse.people.models import User
from hanse.posts.models import Comment

logger = logging.getLogger(__name__)

# A company-wide poll reminds at most this many people (the whole bank is about 700).
MAX_REMINDED = 5000


def _non_voters(poll: Poll) -> list[User]:
    people = User.objects.filter(is_active=True).exclude(
        pk__in=PollVoter.objects.filter(poll=poll).values("user_id")
    )
    if poll.message_id is not None and poll.message is not None:
        # A poll in a chat message asks the channel's members.
        people = people.filter(
            pk__in=ChannelMember.objects.filter(channel_id=poll.message.channel_id).values(
                "user_id"
            )
        )
    elif poll.community_id is not None:
        people = people.filter(
            pk__in=Membership.objects.filter(community_id=poll.community_id).values("user_id")
        )
    # Not the author: they asked for the reminder.
    return list(people.filter(~Q(pk=poll.author_id)).order_by("pk")[:MAX_REMINDED])


@task()
def remind_non_voters(poll_id: int, stamp: str, attempt: int = 1) -> int:
    """Remind everyone who may vote in the poll and has not; returns how many were told."""
    return notify_or_retry(
        remind_non_voters,
        [poll_id, stamp],
        attempt,
        f"Reminding voters of poll {poll_id}",
        lambda: _poll_reminder(poll_id, stamp),
    )


def _poll_reminder(poll_id: int, stamp: str) -> list[Once]:
    poll = (
        Poll.objects.select_related("post", "post__community", "message", "message__author")
        .filter(pk=poll_id)
        .first()
    )
    if poll is None or poll.is_closed():
        return []
    return [
        Once(
            f"participation.poll_reminder:{poll_id}:{stamp}",
            lambda: notify(
                type_key="poll_reminder",
                recipients=_non_voters(poll),
                actor=poll.home.author,
                community=poll.post.community if poll.post else None,
                target=poll,
                data={
                    "question": poll.question[:200],
                    "post": poll.post_id,
                    "url": poll.get_absolute_url(),
                },
            ),
        )
    ]


@task()
def notify_answer_accepted(question_id: int, answer_id: int, attempt: int = 1) -> int:
    """Tell the answer's author that their answer was accepted."""
    return notify_or_retry(
        notify_answer_accepted,
        [question_id, answer_id],
        attempt,
        f"Notifying accepted answer {answer_id}",
        lambda: _answer_accepted(question_id, answer_id),
    )


def _answer_accepted(question_id: int, answer_id: int) -> list[Once]:
    question = (
        Question.objects.select_related("post", "community", "accepted_by")
        .filter(pk=question_id)
        .first()
    )
    answer = Comment.objects.select_related("author").filter(pk=answer_id).first()
    if question is None or answer is None or question.accepted_answer_id != answer.pk:
        return []
    return [
        Once(
            f"participation.answer_accepted:{question_id}:{answer_id}",
            lambda: notify(
                type_key="answer_accepted",
                recipients=[answer.author],
                actor=question.accepted_by,
                comment=answer,
                community=question.community,
                data={"question": question.post.body[:200], "post": question.post_id},
            ),
        )
    ]


@task()
def notify_praise(praise_id: int, attempt: int = 1) -> int:
    """Tell the person thanked."""
    return notify_or_retry(
        notify_praise,
        [praise_id],
        attempt,
        f"Notifying praise {praise_id}",
        lambda: _praise(praise_id),
    )


def _praise(praise_id: int) -> list[Once]:
    praise = (
        Praise.objects.select_related("post", "author", "recipient", "value")
        .filter(pk=praise_id)
        .first()
    )
    if praise is None:
        return []
    return [
        Once(
            f"participation.praise:{praise_id}",
            lambda: notify(
                type_key="praise_received",
                recipients=[praise.recipient],
                actor=praise.author,
                post=praise.post,
                community=praise.post.community,
                data={"value": praise.value.name},
            ),
        )
    ]


def townhall_answer_recipients(question: TownHallQuestion) -> list[User]:
    """Who hears that a town-hall question was answered: its named asker, the named askers
    of the questions merged into it, and its upvoters. An anonymous asker cannot be told:
    nothing stored says who they are (docs/anonymity.md)."""
    asker_ids = [
        pk
        for pk in [
            question.author_id,
            *TownHallQuestion.objects.filter(merged_into=question).values_list(
                "author_id", flat=True
            ),
        ]
        if pk is not None
    ]
    upvoter_ids = TownHallUpvote.objects.filter(question=question).values("user_id")
    return list(
        User.objects.filter(is_active=True)
        .filter(Q(pk__in=asker_ids) | Q(pk__in=upvoter_ids))
        .exclude(pk=question.answered_by_id or 0)
        .order_by("pk")
    )


@task()
def notify_townhall_answered(question_id: int, attempt: int = 1) -> int:
    """Tell the named asker(s) and the upvoters that a question was answered. The payload is
    the question's id only."""
    return notify_or_retry(
        notify_townhall_answered,
        [question_id],
        attempt,
        f"Notifying answered town-hall question {question_id}",
        lambda: _townhall_answered(question_id),
    )


def _townhall_answered(question_id: int) -> list[Once]:
    question = (
        TownHallQuestion.objects.select_related("townhall", "answered_by")
        .filter(pk=question_id, status=TownHallQuestion.Status.ANSWERED)
        .first()
    )
    if question is None:
        return []
    stamp = question.answered_at.isoformat() if question.answered_at else ""
    return [
        Once(
            f"participation.townhall_answered:{question_id}:{stamp}",
            lambda: notify(
                type_key="townhall_answered",
                recipients=townhall_answer_recipients(question),
                actor=question.answered_by,
                target=question.townhall,
                data={
                    "question": question.body[:200],
                    "townhall": question.townhall_id,
                    "title": question.townhall.title[:200],
                },
            ),
        )
    ]


# --- the weekly "questions waiting in your communities" ---------------------------------
# A question counts as waiting when nobody has answered it yet, it is at least a day old (its
# community had a chance) and at most eight weeks old (an old one is not news every week).
WAITING_MIN_AGE = timedelta(days=1)
WAITING_MAX_AGE = timedelta(weeks=8)


def waiting_questions_by_community(now: datetime | None = None) -> dict[int, int]:
    """Community id -> how many of its questions wait for a first answer (one query)."""
    now = now or timezone.now()
    rows = (
        Question.objects.filter(
            solved_at__isnull=True,
            post__comment_count=0,
            post__created_at__lte=now - WAITING_MIN_AGE,
            post__created_at__gte=now - WAITING_MAX_AGE,
        )
        .values("community_id")
        .annotate(n=Count("id"))
        .order_by("community_id")
    )
    return {row["community_id"]: row["n"] for row in rows}


@task()
def notify_questions_waiting() -> int:
    """Once a week, before the weekly digest: every member of a community with waiting
    questions gets one item per community (collapsed with last week's while unread), which
    the e-mail digest collects. Returns how many communities were announced."""
    waiting = waiting_questions_by_community()
    communities = Community.objects.in_bulk(list(waiting))
    year, number, _day = timezone.localdate().isocalendar()
    week = f"{year}-W{number:02d}"
    for community_id, count in waiting.items():
        community = communities.get(community_id)
        if community is None:  # pragma: no cover - deleted since the count
            continue
        members = User.objects.filter(
            is_active=True,
            pk__in=Membership.objects.filter(community_id=community_id).values("user_id"),
        ).order_by("pk")
        notify(
            type_key="questions_waiting",
            recipients=members,
            community=community,
            group_key=f"questions-waiting:{community_id}",
            data={"count": count, "community": community.name, "week": week},
        )
    return len(waiting)
