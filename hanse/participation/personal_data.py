"""What participation stores about a person: their votes in named polls, that they took part
in anonymous ones (what they chose there is not linked to them, by design: docs/anonymity.md),
their questions, answer votes, praise given and received, town hall questions and upvotes."""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from hanse.core import personal_data
from hanse.participation.models import (
    AnswerVote,
    PollVote,
    PollVoter,
    Praise,
    Question,
    TownHall,
    TownHallQuestion,
    TownHallUpvote,
)

rows = personal_data.rows


def _export(user: Any) -> personal_data.Export:
    records: list[dict[str, Any]] = []
    # Named polls only: an anonymous poll keeps no link from a choice to a person.
    records += rows(
        PollVote.objects.filter(user=user, poll__anonymous=False).order_by("voted_at"),
        "poll_id",
        "option__label",
        "other_text",
        "voted_at",
        kind="poll_vote",
    )
    records += rows(
        PollVoter.objects.filter(user=user, poll__anonymous=True).order_by("poll_id"),
        "poll_id",
        kind="anonymous_poll_taken_part",
    )
    records += rows(
        Question.objects.filter(post__author=user).order_by("created_at"),
        "post_id",
        "accepted_answer_id",
        "solved_at",
        "created_at",
        kind="question",
    )
    records += rows(
        AnswerVote.objects.filter(user=user).order_by("pk"),
        "answer_id",
        kind="answer_vote",
    )
    records += rows(
        Praise.objects.filter(author=user).order_by("created_at"),
        "post_id",
        "recipient_id",
        "value__name",
        "created_at",
        kind="praise_given",
    )
    records += rows(
        Praise.objects.filter(recipient=user).order_by("created_at"),
        "post_id",
        "author_id",
        "value__name",
        "hidden_on_profile",
        "created_at",
        kind="praise_received",
    )
    # An anonymous town hall question has no author: it cannot be found, so it is not here.
    records += rows(
        TownHallQuestion.objects.filter(author=user).order_by("created_at"),
        "townhall_id",
        "townhall__title",
        "body",
        "status",
        "answer",
        "answered_at",
        "created_at",
        kind="townhall_question",
    )
    records += rows(
        TownHall.objects.filter(hosts=user).order_by("starts_at"),
        "id",
        "title",
        "starts_at",
        kind="townhall_hosted",
    )
    records += rows(
        TownHall.objects.filter(moderators=user).order_by("starts_at"),
        "id",
        "title",
        "starts_at",
        kind="townhall_moderated",
    )
    records += rows(
        TownHallUpvote.objects.filter(user=user).order_by("pk"),
        "question_id",
        kind="townhall_upvote",
    )
    return personal_data.Export(records)


def _erase(user: Any, erasure: personal_data.Erasure) -> dict[str, int]:
    """Votes, praise and town hall questions stay under the pseudonym (tallies stay right) or
    go. Anonymous choices were never linked to the person; taking part (``PollVoter``) goes
    with the account."""
    to = erasure.pseudonym
    pairs: tuple[tuple[str, type[Model], str], ...] = (
        ("poll_votes", PollVote, "user"),
        ("answer_votes", AnswerVote, "user"),
        ("praise_given", Praise, "author"),
        ("townhall_questions", TownHallQuestion, "author"),
        ("townhall_upvotes", TownHallUpvote, "user"),
    )
    counts = personal_data.keep_or_delete(user, erasure, pairs)
    if erasure.keeps_content:
        personal_data.reassign(PollVoter.objects.filter(user=user), "user", to)
    personal_data.reassign(Question.objects.filter(accepted_by=user), "accepted_by", to)
    personal_data.reassign(TownHallQuestion.objects.filter(answered_by=user), "answered_by", to)
    return counts


def register() -> None:
    personal_data.register(
        personal_data.Exporter(
            key="participation",
            label=_("Polls, questions and praise"),
            description=_(
                "Your votes in named polls; for anonymous polls only that you took part, "
                "because what you chose is stored without any link to you and cannot be "
                "found again. Your questions, answer votes, praise given and received, "
                "town hall questions (not anonymous ones, which keep no author) and upvotes."
            ),
            export=_export,
            erase=_erase,
            erasure=personal_data.ErasureNote(
                both=_("Praise the person received goes with the account."),
                pseudonymise=_(
                    "Poll votes, answer votes, praise given, town hall questions and upvotes, and "
                    "the record that the person took part in a poll, stay under the pseudonym, so "
                    "tallies stay right."
                ),
                delete=_(
                    "Poll votes, answer votes, praise given, town hall questions and upvotes are "
                    "deleted; the record that the person took part in a poll goes with the "
                    "account."
                ),
                kept=_(
                    "Which answer the person accepted and which town hall questions they answered "
                    "stay recorded under the pseudonym: the questions are other people's. "
                    "Anonymous poll choices were never linked to the person."
                ),
            ),
            order=70,
        )
    )
