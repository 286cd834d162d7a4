"""Writes for questions and answers: ask, accept an answer (solves the question), upvote.

Answers are comments of the question's post (``posts.services.comments.comment_create``): the
asker hears of a new one through the stream's own comment notification, so a second type
would tell them twice. Accepting an answer tells its author (``answer_accepted``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hanse.communities.models import Community
from hanse.core.errors import PermissionRefused, ServiceError
from hanse.jobs.outbox import enqueue_on_commit
from hanse.participation import interactions as participation_interactions
from hanse.participation import tasks
from hanse.participation.models import AnswerVote, Question
from hanse.participation.rules import may_accept_answer, may_ask_in, may_upvote
from hanse.posts.models import Comment, Post
from hanse.posts.services.posts import post_create, require_active

if TYPE_CHECKING:
    from hanse.people.models import User


def question_create(*, author: User, community: Community, body: str) -> Question:
    """Ask a question in a community: a post marked as a question, in one transaction."""
    require_active(author)
    if not may_ask_in(author, community):
        if not Community.objects.visible_to(author).filter(pk=community.pk).exists():
            raise ServiceError(_("This community does not exist."), code="not_found", status=404)
        raise PermissionRefused(_("Only members can post in this community."))
    with transaction.atomic():
        post = post_create(author=author, body=body, community=community)
        return Question.objects.create(post=post, community=community)


def _answer_of(question: Question, answer: Comment) -> None:
    if answer.post_id != question.post_id or answer.parent_id is not None:
        raise ServiceError(_("This is not an answer to the question."), code="not_an_answer")


def answer_accept(*, question: Question, answer: Comment, by: User) -> Question:
    """Accept an answer: it shows first and the question is solved."""
    require_active(by)
    if not may_accept_answer(by, question):
        raise PermissionRefused(_("Only the asker or a moderator can accept an answer."))
    _answer_of(question, answer)
    with transaction.atomic():
        question.accepted_answer = answer
        question.accepted_by = by
        question.solved_at = timezone.now()
        question.save(update_fields=["accepted_answer", "accepted_by", "solved_at"])
        if answer.author_id != by.pk:
            enqueue_on_commit(tasks.notify_answer_accepted, question.pk, answer.pk)
        participation_interactions.answer_accepted(
            asker_id=question.post.author_id, answerer_id=answer.author_id
        )
    return question


def answer_unaccept(*, question: Question, by: User) -> Question:
    """Take the acceptance back: the question is open again."""
    require_active(by)
    if not may_accept_answer(by, question):
        raise PermissionRefused(_("Only the asker or a moderator can accept an answer."))
    question.accepted_answer = None
    question.accepted_by = None
    question.solved_at = None
    question.save(update_fields=["accepted_answer", "accepted_by", "solved_at"])
    return question


def answer_upvote(*, answer: Comment, by: User, on: bool = True) -> None:
    """Upvote an answer (or take the upvote back); once per person, not one's own."""
    require_active(by)
    if not Post.objects.visible_to(by).filter(pk=answer.post_id).exists():
        raise ServiceError(_("This answer does not exist."), code="not_found", status=404)
    if not Question.objects.filter(post_id=answer.post_id).exists() or answer.parent_id:
        raise ServiceError(_("This is not an answer to the question."), code="not_an_answer")
    if not may_upvote(by, answer):
        raise PermissionRefused(_("You cannot upvote your own answer."))
    if not on:
        AnswerVote.objects.filter(answer=answer, user=by).delete()
        return
    try:
        with transaction.atomic():
            AnswerVote.objects.create(answer=answer, user=by)
    except IntegrityError:
        pass  # upvoted already (a double click): one vote stays
