"""Reads of polls: one poll for a person, and the poll blocks of a page of posts.

``poll_views`` loads every poll of a page in a fixed number of queries (polls with options,
my voter rows, my named choices, the named counts), whatever the page's length.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Prefetch, Q, When
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from hanse.core import searchable
from hanse.core.rules import is_active_user
from hanse.participation import rules
from hanse.participation.models import (
    AnswerVote,
    Poll,
    PollOption,
    PollQuerySet,
    PollVote,
    PollVoter,
    Praise,
    PraiseValue,
    Question,
    TownHall,
    TownHallQuerySet,
    TownHallQuestion,
    TownHallUpvote,
)
from hanse.posts.models import Comment, Post

if TYPE_CHECKING:
    from datetime import datetime

    from hanse.communities.models import Community
    from hanse.people.models import User


@dataclass(slots=True)
class OptionView:
    id: int
    label: str
    count: int = 0
    share: int = 0  # per cent of voters, rounded
    mine: bool = False


@dataclass(slots=True)
class PollView:
    poll: Poll
    options: list[OptionView]
    voted: bool
    my_other: str = ""
    other_count: int = 0
    other_share: int = 0
    closed: bool = False
    show_results: bool = False
    can_vote: bool = False
    can_change: bool = False
    can_manage: bool = False
    can_remind: bool = False
    can_export: bool = False
    voter_count: int = 0

    @property
    def pk(self) -> int:
        return self.poll.pk


def base_queryset() -> PollQuerySet:
    return Poll.objects.select_related(
        "post", "post__community", "message", "message__channel"
    ).prefetch_related(Prefetch("options", queryset=PollOption.objects.order_by("position", "id")))


def get_poll_for(*, viewer: User, poll_id: int) -> Poll:
    """The poll, if the person may see it; 404 for unknown and invisible alike."""
    poll = base_queryset().visible_to(viewer).filter(pk=poll_id).first()
    if poll is None:
        raise Http404(_("This poll does not exist."))
    return poll


def _share(count: int, total: int) -> int:
    return round(100 * count / total) if total else 0


def poll_views(
    *, viewer: User, polls: Sequence[Poll], now: datetime | None = None
) -> dict[int, PollView]:
    """What the person sees of each poll (already passed through ``visible_to``)."""
    if not polls or not is_active_user(viewer):
        return {}
    now = now or timezone.now()
    ids = [p.pk for p in polls]
    voted = set(
        PollVoter.objects.filter(poll_id__in=ids, user=viewer).values_list("poll_id", flat=True)
    )
    named = [p.pk for p in polls if not p.anonymous]
    mine: dict[int, set[int | None]] = {}
    my_other: dict[int, str] = {}
    counts: Counter[tuple[int, int | None]] = Counter()
    if named:
        for poll_id, option_id, text in PollVote.objects.filter(
            poll_id__in=named, user=viewer
        ).values_list("poll_id", "option_id", "other_text"):
            mine.setdefault(poll_id, set()).add(option_id)
            if option_id is None:
                my_other[poll_id] = text
        for row in (
            PollVote.objects.filter(poll_id__in=named)
            .values("poll_id", "option_id")
            .annotate(n=Count("id"))
            .order_by()
        ):
            counts[(row["poll_id"], row["option_id"])] = row["n"]
    views: dict[int, PollView] = {}
    for poll in polls:
        has_voted = poll.pk in voted
        closed = poll.is_closed(now)
        show = rules.may_see_results(viewer, poll, voted=has_voted, now=now)
        total = poll.voter_count
        options = []
        for option in poll.options.all():
            count = option.anonymous_count if poll.anonymous else counts[(poll.pk, option.pk)]
            options.append(
                OptionView(
                    id=option.pk,
                    label=option.label,
                    count=count if show else 0,
                    share=_share(count, total) if show else 0,
                    mine=option.pk in mine.get(poll.pk, set()),
                )
            )
        other_count = counts[(poll.pk, None)] if show else 0
        views[poll.pk] = PollView(
            poll=poll,
            options=options,
            voted=has_voted,
            my_other=my_other.get(poll.pk, ""),
            other_count=other_count,
            other_share=_share(other_count, total),
            closed=closed,
            show_results=show,
            can_vote=rules.may_vote(viewer, poll, now=now)
            and (not has_voted or rules.may_change_vote(viewer, poll, now=now)),
            can_change=has_voted and rules.may_change_vote(viewer, poll, now=now),
            can_manage=rules.may_manage_poll(viewer, poll),
            can_remind=rules.may_remind(viewer, poll, now=now),
            can_export=rules.may_export_poll(viewer, poll, now=now),
            voter_count=total,
        )
    return views


def poll_view(*, viewer: User, poll: Poll) -> PollView:
    return poll_views(viewer=viewer, polls=[poll])[poll.pk]


def polls_of_posts(*, post_ids: Sequence[int]) -> list[Poll]:
    """The polls of these posts (the caller has passed the posts through ``visible_to``)."""
    return list(base_queryset().filter(post_id__in=post_ids))


def export_rows(*, poll: Poll) -> list[list[str]]:
    """The CSV of a poll for its author: named polls who chose what, anonymous ones counts."""
    options = list(poll.options.all())
    if poll.anonymous:
        rows = [[_("Answer"), _("Votes")]]
        rows += [[o.label, str(o.anonymous_count)] for o in options]
        rows.append([_("Voters"), str(poll.voter_count)])
        return rows
    labels = {o.pk: o.label for o in options}
    rows = [[_("Name"), _("Username"), _("Answer"), _("Own answer")]]
    for vote in (
        PollVote.objects.filter(poll=poll)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user_id", "option__position")
    ):
        rows.append(
            [
                vote.user.display_name,
                vote.user.username,
                labels.get(vote.option_id, "") if vote.option_id else _("Other"),
                vote.other_text,
            ]
        )
    return rows


# --- questions and answers ----------------------------------------------------------------

QUESTION_FILTERS = ("unanswered", "unsolved", "solved", "all")
QUESTIONS_PER_PAGE = 30
SIMILAR_LIMIT = 5
# Words shorter than this say little about a question ("wie", "der", "und").
SIMILAR_MIN_WORD = 4


@dataclass(slots=True)
class AnswerView:
    answer: Comment
    upvotes: int
    upvoted: bool
    accepted: bool
    can_upvote: bool


def get_question_for(*, viewer: User, question_id: int) -> Question:
    """The question, if the person may see it; 404 for unknown and invisible alike."""
    found = (
        Question.objects.visible_to(viewer)
        .select_related("post", "post__author", "community", "accepted_answer")
        .filter(pk=question_id)
        .first()
    )
    if found is None:
        raise Http404(_("This question does not exist."))
    return found


def questions(
    *, viewer: User, community: Community | None = None, state: str = "unsolved"
) -> list[Question]:
    """The questions the person may see (in one community or all), filtered by state."""
    found = Question.objects.visible_to(viewer).select_related("post", "post__author", "community")
    if community is not None:
        found = found.filter(community=community)
    if state == "unanswered":
        found = found.filter(post__comment_count=0)
    elif state == "unsolved":
        found = found.filter(solved_at__isnull=True)
    elif state == "solved":
        found = found.filter(solved_at__isnull=False)
    return list(found.order_by("-id")[:QUESTIONS_PER_PAGE])


def answers(*, viewer: User, question: Question) -> list[AnswerView]:
    """The answers (top-level comments) the person may read: the accepted one first, then by
    upvotes, then oldest first. Two queries."""
    rows = list(
        Comment.objects.visible_to(viewer)
        .filter(post_id=question.post_id, parent__isnull=True)
        .select_related("author", "author__org_unit")
        .annotate(upvotes=Count("answer_votes"))
        .order_by("-upvotes", "id")
    )
    mine = set(
        AnswerVote.objects.filter(answer__in=[r.pk for r in rows], user=viewer).values_list(
            "answer_id", flat=True
        )
    )
    views = [
        AnswerView(
            answer=row,
            upvotes=row.upvotes,
            upvoted=row.pk in mine,
            accepted=row.pk == question.accepted_answer_id,
            can_upvote=rules.may_upvote(viewer, row),
        )
        for row in rows
    ]
    return sorted(views, key=lambda v: not v.accepted)


def similar_questions(*, viewer: User, text: str) -> list[Question]:
    """Questions like ``text`` that the person may see: asked of search through its
    interface (``searchable.similar``: stems, compounds, ranking); a simple word match only
    where no search is installed."""
    found = searchable.similar(user=viewer, text=text, type_key="question", limit=SIMILAR_LIMIT)
    if found is not None:
        return found
    return _similar_by_words(viewer=viewer, text=text)


def _similar_by_words(*, viewer: User, text: str) -> list[Question]:
    """Questions whose text shares a longer word with ``text``."""
    words = sorted(
        {w.strip(".,;:!?()\"'„“").casefold() for w in text.split()}, key=len, reverse=True
    )
    words = [w for w in words if len(w) >= SIMILAR_MIN_WORD][:5]
    if not words:
        return []
    match = Q()
    for word in words:
        match |= Q(post__body__icontains=word)
    return list(
        Question.objects.visible_to(viewer)
        .filter(match)
        .select_related("post", "community")
        .order_by("-id")[:SIMILAR_LIMIT]
    )


def question_blocks(*, viewer: User, post_ids: Sequence[int]) -> dict[int, Question]:
    """The questions among these posts, by post id (one query)."""
    return {
        q.post_id: q
        for q in Question.objects.filter(post_id__in=post_ids).select_related(
            "accepted_answer", "accepted_answer__author"
        )
    }


def get_question_for_post(*, viewer: User, post_id: int) -> Question:
    """The question of a post the person may see; 404 otherwise."""
    found = Question.objects.visible_to(viewer).filter(post_id=post_id).first()
    if found is None:
        raise Http404(_("This question does not exist."))
    return found


# --- praise -------------------------------------------------------------------------------

PROFILE_PRAISE = 20


def praise_for_profile(*, viewer: User, person: User) -> list[Praise]:
    """The praise a person received that the viewer may see and the person has not hidden
    (the person sees their hidden ones too, to show them again)."""
    found = Praise.objects.visible_to(viewer).filter(recipient=person)
    if viewer.pk != person.pk:
        found = found.filter(hidden_on_profile=False)
    return list(found.select_related("author", "value", "post", "post__community")[:PROFILE_PRAISE])


def praise_counts(*, viewer: User) -> list[tuple[PraiseValue, int]]:
    """How often each value was thanked for, for the organisation: counts per value only,
    never per person (no leaderboards, DESIGN.md). Of the praise the viewer may see."""
    counts = dict(
        Praise.objects.visible_to(viewer)
        .values("value_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("value_id", "n")
    )
    return [(v, counts.get(v.pk, 0)) for v in PraiseValue.objects.filter(active=True)]


def praise_of_posts(*, post_ids: Sequence[int]) -> dict[int, Praise]:
    return {
        p.post_id: p
        for p in Praise.objects.filter(post_id__in=post_ids).select_related("recipient", "value")
    }


def get_praise_for(*, viewer: User, praise_id: int) -> Praise:
    found = Praise.objects.visible_to(viewer).filter(pk=praise_id).first()
    if found is None:
        raise Http404(_("This thank-you does not exist."))
    return found


def participation_kinds(*, post_ids: Sequence[int]) -> dict[int, tuple[bool, bool, bool]]:
    """Which of these posts have a poll, a question, praise: (poll, question, praise) per post
    that has any, in one query (one index probe per post and kind)."""
    if not post_ids:
        return {}
    rows = (
        Post.objects.filter(pk__in=post_ids)
        .annotate(
            has_poll=Exists(Poll.objects.filter(post=OuterRef("pk"))),
            has_question=Exists(Question.objects.filter(post=OuterRef("pk"))),
            has_praise=Exists(Praise.objects.filter(post=OuterRef("pk"))),
        )
        .filter(Q(has_poll=True) | Q(has_question=True) | Q(has_praise=True))
        .values_list("pk", "has_poll", "has_question", "has_praise")
    )
    return {pk: (poll, question, praise) for pk, poll, question, praise in rows}


# --- town halls ---------------------------------------------------------------------------

TOWNHALL_PHASES = ("upcoming", "live", "past")
# Questions everyone in the audience sees; moderators see those waiting for approval too.
_PUBLIC_STATUSES = ("approved", "answered")


def townhall_queryset() -> TownHallQuerySet:
    """The one base queryset: hosts and moderators come along for the rules' checks."""
    return TownHall.objects.select_related("event", "current_question").prefetch_related(
        "hosts", "moderators", "units"
    )


def townhalls(*, viewer: User, phase: str, now: datetime | None = None) -> TownHallQuerySet:
    """The town halls the person may see that are upcoming (soonest first), live, or past
    (latest first)."""
    now = now or timezone.now()
    found = townhall_queryset().visible_to(viewer)
    if phase == "upcoming":
        return found.filter(starts_at__gt=now).order_by("starts_at", "id")
    if phase == "live":
        return found.filter(starts_at__lte=now, ends_at__gt=now).order_by("starts_at", "id")
    return found.filter(ends_at__lte=now).order_by("-starts_at", "-id")


def get_townhall_for(*, viewer: User, townhall_id: int) -> TownHall:
    """The town hall if the person may see it; unknown and invisible are the same 404."""
    townhall = townhall_queryset().visible_to(viewer).filter(pk=townhall_id).first()
    if townhall is None:
        raise Http404(_("This town hall does not exist."))
    return townhall


@dataclass(frozen=True)
class TownHallQuestionView:
    question: TownHallQuestion
    upvoted: bool
    can_upvote: bool
    pinned: bool
    current: bool
    merged_count: int


def townhall_question_queryset(
    *, viewer: User, townhall: TownHall
) -> models.QuerySet[TownHallQuestion]:
    """The questions the person sees, pinned first, then by upvotes, then oldest first. The
    author comes along (null for anonymous questions); nothing else names anyone."""
    statuses = list(_PUBLIC_STATUSES)
    if rules.may_moderate_townhall(viewer, townhall):
        statuses.append("pending")
    pinned = townhall.pinned_question_id or 0
    return (
        TownHallQuestion.objects.filter(townhall=townhall, status__in=statuses)
        .select_related("author", "answered_by")
        .annotate(
            is_pinned=Case(When(pk=pinned, then=1), default=0, output_field=IntegerField()),
            merged_count=Count("merged", distinct=True),
        )
        .order_by("-is_pinned", "-vote_count", "created_at", "id")
    )


def townhall_question_views(
    *, viewer: User, townhall: TownHall, questions: Sequence[TownHallQuestion]
) -> list[TownHallQuestionView]:
    """What the person sees of each question: their own upvote, whether they may upvote."""
    ids = [q.pk for q in questions]
    mine = set(
        TownHallUpvote.objects.filter(question_id__in=ids, user=viewer).values_list(
            "question_id", flat=True
        )
    )
    now = timezone.now()
    views = []
    for q in questions:
        q.townhall = townhall  # the rules read its phase: no query per question
        views.append(
            TownHallQuestionView(
                question=q,
                upvoted=q.pk in mine,
                can_upvote=rules.may_upvote_townhall_question(viewer, q, now=now),
                pinned=q.pk == townhall.pinned_question_id,
                current=q.pk == townhall.current_question_id,
                merged_count=getattr(q, "merged_count", 0),
            )
        )
    return views


def get_townhall_question_for(*, viewer: User, question_id: int) -> TownHallQuestion:
    """A question of a town hall the person sees, in a state they may see; else 404."""
    question = (
        TownHallQuestion.objects.select_related("townhall", "author")
        .filter(pk=question_id, townhall__in=TownHall.objects.visible_to(viewer).values("pk"))
        .first()
    )
    if question is None:
        raise Http404(_("This question does not exist."))
    townhall = get_townhall_for(viewer=viewer, townhall_id=question.townhall_id)
    question.townhall = townhall
    # Moderators also reach pending and rejected ones (to approve them after all).
    visible = question.status in _PUBLIC_STATUSES or (
        question.status in ("pending", "rejected") and rules.may_moderate_townhall(viewer, townhall)
    )
    if not visible:
        raise Http404(_("This question does not exist."))
    return question


def townhall_order(*, townhall: TownHall) -> list[list[int]]:
    """The public order as [[question id, upvotes], ...]: what a vote pushes to watchers
    (the same for everyone in the audience, names nobody)."""
    pinned = townhall.pinned_question_id or 0
    rows = (
        TownHallQuestion.objects.filter(townhall=townhall, status="approved")
        .annotate(is_pinned=Case(When(pk=pinned, then=1), default=0, output_field=IntegerField()))
        .order_by("-is_pinned", "-vote_count", "created_at", "id")
        .values_list("pk", "vote_count")
    )
    return [[pk, votes] for pk, votes in rows]
