"""Writes for polls: create (with its post or chat message), vote, change a named vote, close,
remind.

Anonymous ballots (``_count_anonymous``) never pass through the ORM's query logging and never
reach a log line, a task or a cache: see docs/anonymity.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hanse.chat.models import Channel
from hanse.chat.services import message_post
from hanse.communities.models import Community
from hanse.core.errors import PermissionRefused, ServiceError
from hanse.jobs.outbox import enqueue_on_commit
from hanse.participation import live, tasks
from hanse.participation.models import (
    MAX_OPTIONS,
    MIN_OPTIONS,
    OPTION_CHARS,
    OTHER_CHARS,
    Poll,
    PollOption,
    PollVote,
    PollVoter,
)
from hanse.participation.rules import (
    may_change_vote,
    may_create_poll_in,
    may_manage_poll,
    may_remind,
    may_vote,
)
from hanse.posts.services.posts import post_create, require_active

if TYPE_CHECKING:
    from hanse.people.models import User

_NOT_FOUND = _("This poll does not exist.")


def clean_options(options: Sequence[str]) -> list[str]:
    """The answers as given, stripped, empty lines and repeats left out; 2 to 20 of them."""
    labels: list[str] = []
    seen: set[str] = set()
    for raw in options:
        if not isinstance(raw, str):
            raise ServiceError(_("The answers are not valid."), code="invalid_options")
        label = " ".join(raw.split())
        if not label or label.casefold() in seen:
            continue
        if len(label) > OPTION_CHARS:
            raise ServiceError(
                _("An answer may have at most %(count)d characters.") % {"count": OPTION_CHARS},
                code="option_too_long",
            )
        seen.add(label.casefold())
        labels.append(label)
    if len(labels) < MIN_OPTIONS:
        raise ServiceError(_("Give at least two different answers."), code="too_few_options")
    if len(labels) > MAX_OPTIONS:
        raise ServiceError(
            _("A poll may have at most %(count)d answers.") % {"count": MAX_OPTIONS},
            code="too_many_options",
        )
    return labels


def poll_create(
    *,
    author: User,
    question: str,
    options: Sequence[str],
    community: Community | None = None,
    scope: str | None = None,
    kind: str = Poll.Kind.SINGLE,
    max_choices: int | None = None,
    allow_other: bool = False,
    anonymous: bool = False,
    results: str = Poll.Results.ALWAYS,
    closes_at: datetime | None = None,
) -> Poll:
    """Ask a question with answers to choose from: a post with a poll, in one transaction."""
    require_active(author)
    labels, max_choices = _settings(
        options=options,
        kind=kind,
        max_choices=max_choices,
        allow_other=allow_other,
        anonymous=anonymous,
        results=results,
        closes_at=closes_at,
    )
    if not may_create_poll_in(author, community):
        if (
            community is None
            or not Community.objects.visible_to(author).filter(pk=community.pk).exists()
        ):
            raise ServiceError(_("This community does not exist."), code="not_found", status=404)
        raise PermissionRefused(_("Only members can post in this community."))
    with transaction.atomic():
        post = post_create(author=author, body=question, community=community, scope=scope)
        return _store(
            labels,
            post=post,
            kind=kind,
            max_choices=max_choices,
            allow_other=allow_other,
            anonymous=anonymous,
            results=results,
            closes_at=closes_at,
        )


def chat_poll_create(
    *,
    author: User,
    channel: Channel,
    question: str,
    options: Sequence[str],
    kind: str = Poll.Kind.SINGLE,
    max_choices: int | None = None,
    allow_other: bool = False,
    anonymous: bool = False,
    results: str = Poll.Results.ALWAYS,
    closes_at: datetime | None = None,
) -> Poll:
    """A poll in a chat message: the message (sent by chat's own service, which decides who
    may write in the channel: its members) and its poll in one transaction, so the message
    announced to the channel after the commit already carries it. The same rules and the
    same anonymity as a poll in a post; only the channel's members see it and vote."""
    require_active(author)
    labels, max_choices = _settings(
        options=options,
        kind=kind,
        max_choices=max_choices,
        allow_other=allow_other,
        anonymous=anonymous,
        results=results,
        closes_at=closes_at,
    )
    with transaction.atomic():
        message, _created = message_post(
            channel=channel, author=author, body=question, with_addons=True
        )
        return _store(
            labels,
            message=message,
            kind=kind,
            max_choices=max_choices,
            allow_other=allow_other,
            anonymous=anonymous,
            results=results,
            closes_at=closes_at,
        )


def _store(labels: list[str], **fields: object) -> Poll:
    poll = Poll.objects.create(**fields)
    PollOption.objects.bulk_create(
        [PollOption(poll=poll, label=label, position=i) for i, label in enumerate(labels)]
    )
    return poll


def _settings(
    *,
    options: Sequence[str],
    kind: str,
    max_choices: int | None,
    allow_other: bool,
    anonymous: bool,
    results: str,
    closes_at: datetime | None,
) -> tuple[list[str], int]:
    """The answers and the maximum, checked: the same rules wherever the poll lives."""
    labels = clean_options(options)
    if kind not in Poll.Kind.values:
        raise ServiceError(_("Choose single or multiple choice."), code="invalid_kind")
    if results not in Poll.Results.values:
        raise ServiceError(_("Choose when the results are shown."), code="invalid_results")
    if anonymous and allow_other:
        raise ServiceError(
            _(
                "An anonymous poll cannot have a free-text answer: "
                "a text could give its writer away."
            ),
            code="anonymous_other",
        )
    possible = len(labels) + (1 if allow_other else 0)
    if kind == Poll.Kind.SINGLE:
        max_choices = 1
    elif max_choices is None:
        max_choices = possible
    if not isinstance(max_choices, int) or not 1 <= max_choices <= possible:
        raise ServiceError(
            _("The maximum must be between 1 and the number of answers (%(count)d).")
            % {"count": possible},
            code="invalid_max",
        )
    if closes_at is not None:
        if timezone.is_naive(closes_at):
            raise ServiceError(_("The closing time is not valid."), code="invalid_closes_at")
        if closes_at <= timezone.now():
            raise ServiceError(_("The closing time must be in the future."), code="closes_past")
    return labels, max_choices


def _choice(poll: Poll, option_ids: Sequence[int], other_text: str) -> tuple[list[int], str]:
    """The chosen option ids (of this poll, each once) and the free text, validated."""
    try:
        wanted = [int(i) for i in option_ids]
    except (TypeError, ValueError):
        raise ServiceError(_("Choose one of the answers."), code="invalid_choice") from None
    if len(set(wanted)) != len(wanted):
        raise ServiceError(_("Choose each answer only once."), code="invalid_choice")
    known = set(PollOption.objects.filter(poll=poll, pk__in=wanted).values_list("pk", flat=True))
    if known != set(wanted):
        raise ServiceError(_("Choose one of the answers."), code="invalid_choice")
    other = " ".join((other_text or "").split()) if isinstance(other_text, str) else ""
    if other and not poll.allow_other:
        raise ServiceError(_("This poll has no free-text answer."), code="no_other")
    if len(other) > OTHER_CHARS:
        raise ServiceError(
            _("Your own answer may have at most %(count)d characters.") % {"count": OTHER_CHARS},
            code="other_too_long",
        )
    total = len(wanted) + (1 if other else 0)
    if total == 0:
        raise ServiceError(_("Choose an answer first."), code="empty_choice")
    if poll.kind == Poll.Kind.SINGLE and total > 1:
        raise ServiceError(_("Choose only one answer."), code="too_many_choices")
    if total > poll.max_choices:
        raise ServiceError(
            _("Choose at most %(count)d answers.") % {"count": poll.max_choices},
            code="too_many_choices",
        )
    return wanted, other


def _locked_open_poll(poll: Poll, voter: User) -> Poll:
    """The poll row, locked until the vote commits, if the voter sees it and it is open.

    The lock orders the votes of one poll (so closing cannot slip between check and write);
    the unique constraint on PollVoter is what guarantees one vote per person."""
    locked = Poll.objects.visible_to(voter).select_for_update().filter(pk=poll.pk).first()
    if locked is None:
        raise ServiceError(_NOT_FOUND, code="not_found", status=404)
    if not may_vote(voter, locked, now=timezone.now()):
        raise ServiceError(_("This poll has closed."), code="closed")
    return locked


def _count_anonymous(option_ids: Sequence[int]) -> None:
    """Add one to each chosen option's counter: the whole ballot of an anonymous vote.

    Sent on the database driver's own cursor, not Django's, so that Django's query logging
    (``connection.queries`` and the ``django.db.backends`` logger under DEBUG) never records
    the statement next to the voter row inserted just before it."""
    table = connection.ops.quote_name(PollOption._meta.db_table)
    marks = ", ".join(["%s"] * len(option_ids))
    sql = f"UPDATE {table} SET anonymous_count = anonymous_count + 1 WHERE id IN ({marks})"  # noqa: S608 (only placeholders and our table name)
    if connection.vendor == "sqlite":
        sql = sql.replace("%s", "?")
    connection.ensure_connection()
    raw = connection.connection.cursor()
    try:
        raw.execute(sql, list(option_ids))
    finally:
        raw.close()


def poll_vote(*, poll: Poll, voter: User, option_ids: Sequence[int], other_text: str = "") -> None:
    """Vote, or change one's named vote until the poll closes. One vote per person: the
    database refuses a second voter row even when two requests arrive at once."""
    require_active(voter)
    chosen, other = _choice(poll, option_ids, other_text)
    with transaction.atomic():
        locked = _locked_open_poll(poll, voter)
        if locked.anonymous:
            if other:  # pragma: no cover - refused by _choice (anonymous polls have no other)
                raise ServiceError(_("This poll has no free-text answer."), code="no_other")
            try:
                with transaction.atomic():
                    PollVoter.objects.create(poll=locked, user=voter)
            except IntegrityError:
                raise ServiceError(
                    _("You have already voted. A vote in an anonymous poll cannot be changed."),
                    code="already_voted",
                ) from None
            _count_anonymous(chosen)
            Poll.objects.filter(pk=locked.pk).update(voter_count=F("voter_count") + 1)
        else:
            first = not PollVoter.objects.filter(poll=locked, user=voter).exists()
            if first:
                try:
                    with transaction.atomic():
                        PollVoter.objects.create(poll=locked, user=voter)
                except IntegrityError:
                    first = False
            if not first:
                if not may_change_vote(voter, locked):  # pragma: no cover - open: checked
                    raise ServiceError(_("This poll has closed."), code="closed")
                PollVote.objects.filter(poll=locked, user=voter).delete()
            now = timezone.now()
            rows = [PollVote(poll=locked, user=voter, option_id=i, voted_at=now) for i in chosen]
            if other:
                rows.append(PollVote(poll=locked, user=voter, other_text=other, voted_at=now))
            PollVote.objects.bulk_create(rows)
            if first:
                Poll.objects.filter(pk=locked.pk).update(voter_count=F("voter_count") + 1)
        live.poll_changed_on_commit(locked.pk)


def poll_vote_withdraw(*, poll: Poll, voter: User) -> None:
    """Take back one's vote in a named poll while it is open."""
    require_active(voter)
    with transaction.atomic():
        locked = _locked_open_poll(poll, voter)
        if locked.anonymous:
            raise ServiceError(
                _("A vote in an anonymous poll cannot be taken back."), code="anonymous"
            )
        deleted, _rows = PollVoter.objects.filter(poll=locked, user=voter).delete()
        if deleted:
            PollVote.objects.filter(poll=locked, user=voter).delete()
            Poll.objects.filter(pk=locked.pk).update(voter_count=F("voter_count") - 1)
            live.poll_changed_on_commit(locked.pk)


def poll_close(*, poll: Poll, by: User) -> Poll:
    """End the poll now (author, the community's moderators, administrators)."""
    require_active(by)
    if not may_manage_poll(by, poll):
        raise PermissionRefused(_("Only the author or a moderator can close this poll."))
    now = timezone.now()
    if not poll.is_closed(now):
        poll.closes_at = now
        poll.save(update_fields=["closes_at"])
        live.poll_changed_on_commit(poll.pk)
    return poll


def poll_remind(*, poll: Poll, by: User) -> Poll:
    """Remind those who may vote and have not (at most once a day)."""
    require_active(by)
    if not may_manage_poll(by, poll):
        raise PermissionRefused(_("Only the author or a moderator can send a reminder."))
    now = timezone.now()
    if poll.is_closed(now):
        raise ServiceError(_("This poll has closed."), code="closed")
    if not may_remind(by, poll, now=now):
        raise ServiceError(_("A reminder was sent less than a day ago."), code="reminded_recently")
    with transaction.atomic():
        poll.reminded_at = now
        poll.save(update_fields=["reminded_at"])
        # The payload is the poll and the moment: who has voted is read by the task.
        enqueue_on_commit(tasks.remind_non_voters, poll.pk, now.isoformat())
    return poll
