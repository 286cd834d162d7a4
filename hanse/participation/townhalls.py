"""Writes for town halls: create and edit one (with an optional calendar event), ask a
question (by name or anonymously), upvote and take back, and what moderators do: approve,
reject, merge duplicates, "answering now", answer (in the session or in writing later), pin.

Anonymous questions: the question row gets no author, and nothing else is written that names
the person who asked: no counter per person, no upvote, no log line, no task, no cache key
(docs/anonymity.md, "Town halls"). Every change pushes to ``townhall:<id>`` after the commit
(``live.py``): ids and counts only.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hanse.core.errors import PermissionRefused, ServiceError
from hanse.core.rules import is_active_user
from hanse.events.services.events import event_create
from hanse.jobs.outbox import enqueue_on_commit
from hanse.participation import live, tasks
from hanse.participation.models import (
    TOWNHALL_ANSWER_CHARS,
    TOWNHALL_QUESTION_CHARS,
    TOWNHALL_TITLE_CHARS,
    TownHall,
    TownHallQuestion,
    TownHallUpvote,
)
from hanse.participation.rules import (
    may_ask_in_townhall,
    may_create_townhall,
    may_edit_townhall,
    may_moderate_townhall,
    may_upvote_townhall_question,
)
from hanse.people.models import OrgUnit, User
from hanse.posts.services.posts import require_active

if TYPE_CHECKING:
    from hanse.events.models import Event

MAX_DURATION = timedelta(days=7)
Status = TownHallQuestion.Status


def _clean(
    *,
    title: str,
    description: str,
    starts_at: datetime,
    ends_at: datetime,
    company_wide: bool,
    units: Iterable[OrgUnit],
    hosts: Iterable[User],
) -> tuple[str, str, list[OrgUnit], list[User]]:
    title = " ".join((title or "").split())
    if not title:
        raise ServiceError(_("Give the town hall a title."), code="title_missing")
    if len(title) > TOWNHALL_TITLE_CHARS:
        raise ServiceError(
            _("The title may have at most %(count)d characters.") % {"count": TOWNHALL_TITLE_CHARS},
            code="title_too_long",
        )
    if len(description or "") > 10000:
        raise ServiceError(_("The description is too long."), code="description_too_long")
    if starts_at is None or ends_at is None or timezone.is_naive(starts_at):
        raise ServiceError(_("The time is not valid."), code="invalid_time")
    if timezone.is_naive(ends_at) or ends_at <= starts_at:
        raise ServiceError(_("The end must be after the start."), code="ends_before_start")
    if ends_at - starts_at > MAX_DURATION:
        raise ServiceError(_("A town hall may last at most seven days."), code="too_long")
    unit_list = list(dict.fromkeys(units))
    if not company_wide and not unit_list:
        raise ServiceError(
            _("Choose the whole company or at least one unit as the audience."),
            code="audience_missing",
        )
    host_list = [h for h in dict.fromkeys(hosts) if is_active_user(h)]
    if not host_list:
        raise ServiceError(_("Name at least one host."), code="hosts_missing")
    return title, (description or "").strip(), unit_list, host_list


def townhall_create(
    *,
    by: User,
    title: str,
    description: str = "",
    starts_at: datetime,
    ends_at: datetime,
    hosts: Iterable[User],
    company_wide: bool = True,
    units: Iterable[OrgUnit] = (),
    moderators: Iterable[User] = (),
    approval_required: bool = False,
    with_event: bool = False,
) -> TownHall:
    """Create a town hall (people who may host them); with ``with_event`` also a
    company-wide calendar event at the same time, linked to it."""
    require_active(by)
    if not may_create_townhall(by):
        raise PermissionRefused(_("You may not create town halls."))
    title, description, unit_list, host_list = _clean(
        title=title,
        description=description,
        starts_at=starts_at,
        ends_at=ends_at,
        company_wide=company_wide,
        units=units,
        hosts=hosts,
    )
    with transaction.atomic():
        event: Event | None = None
        if with_event:
            event = event_create(
                by=by, title=title, description=description, start=starts_at, end=ends_at
            )
        townhall = TownHall.objects.create(
            title=title,
            description=description,
            starts_at=starts_at,
            ends_at=ends_at,
            company_wide=company_wide,
            approval_required=approval_required,
            event=event,
            created_by=by,
        )
        townhall.hosts.set(host_list)
        townhall.moderators.set([m for m in dict.fromkeys(moderators) if is_active_user(m)])
        if not company_wide:
            townhall.units.set(unit_list)
    return townhall


def townhall_update(
    *,
    townhall: TownHall,
    by: User,
    title: str,
    description: str,
    starts_at: datetime,
    ends_at: datetime,
    hosts: Iterable[User],
    company_wide: bool,
    units: Iterable[OrgUnit] = (),
    moderators: Iterable[User] = (),
    approval_required: bool,
) -> TownHall:
    """Change a town hall (hosts, its creator, admins). A changed audience or set of
    moderators makes every open connection check its grant again."""
    require_active(by)
    if not may_edit_townhall(by, townhall):
        raise PermissionRefused(_("You may not change this town hall."))
    title, description, unit_list, host_list = _clean(
        title=title,
        description=description,
        starts_at=starts_at,
        ends_at=ends_at,
        company_wide=company_wide,
        units=units,
        hosts=hosts,
    )
    with transaction.atomic():
        townhall.title = title
        townhall.description = description
        townhall.starts_at = starts_at
        townhall.ends_at = ends_at
        townhall.company_wide = company_wide
        townhall.approval_required = approval_required
        townhall.save(
            update_fields=[
                "title",
                "description",
                "starts_at",
                "ends_at",
                "company_wide",
                "approval_required",
            ]
        )
        townhall.hosts.set(host_list)
        townhall.moderators.set([m for m in dict.fromkeys(moderators) if is_active_user(m)])
        townhall.units.set([] if company_wide else unit_list)
        live.townhall_audience_changed_on_commit(townhall.pk)
    return townhall


# --- questions ----------------------------------------------------------------------------


def _refuse_hidden(townhall: TownHall, user: User) -> None:
    if not TownHall.objects.visible_to(user).filter(pk=townhall.pk).exists():
        raise ServiceError(_("This town hall does not exist."), code="not_found", status=404)


def townhall_question_ask(
    *, townhall: TownHall, author: User, body: str, anonymous: bool = False
) -> TownHallQuestion:
    """Ask a question, before or during the session. Anonymous: the row names nobody, and
    nothing else written here does either (no upvote of one's own, no counter per person)."""
    require_active(author)
    _refuse_hidden(townhall, author)
    if not may_ask_in_townhall(author, townhall):
        raise ServiceError(
            _("This town hall is over: questions can no longer be asked."), code="closed"
        )
    text = (body or "").strip()
    if not text:
        raise ServiceError(_("Write your question first."), code="body_missing")
    if len(text) > TOWNHALL_QUESTION_CHARS:
        raise ServiceError(
            _("A question may have at most %(count)d characters.")
            % {"count": TOWNHALL_QUESTION_CHARS},
            code="body_too_long",
        )
    status = Status.PENDING if townhall.approval_required else Status.APPROVED
    with transaction.atomic():
        if anonymous:
            question = _insert_anonymous(townhall, text, status)
        else:
            question = TownHallQuestion.objects.create(
                townhall=townhall, body=text, author=author, status=status
            )
        live.townhall_changed_on_commit(townhall.pk)
    return question


def _insert_anonymous(townhall: TownHall, body: str, status: str) -> TownHallQuestion:
    """Insert an anonymous question on the database driver's own cursor, not Django's.

    Under DEBUG Django logs every statement (``django.db.backends``, ``connection.queries``);
    the asker's own queries (the visibility check names their id) followed by this insert
    would put the person next to the question in the log. Like the anonymous poll's counter
    (``services._count_anonymous``), the statement bypasses that logging; the row is built
    from what was inserted rather than read back (a read would be logged too)."""
    now = timezone.now()
    table = connection.ops.quote_name(TownHallQuestion._meta.db_table)
    sql = (
        f"INSERT INTO {table} (townhall_id, body, author_id, anonymous, status, merged_into_id, "  # noqa: S608 (only placeholders and our table name)
        "vote_count, answer, answered_at, answered_by_id, created_at) "
        "VALUES (%s, %s, NULL, %s, %s, NULL, 0, '', NULL, NULL, %s) RETURNING id"
    )
    if connection.vendor == "sqlite":
        sql = sql.replace("%s", "?")
    params = [townhall.pk, body, True, status, connection.ops.adapt_datetimefield_value(now)]
    connection.ensure_connection()
    raw = connection.connection.cursor()
    try:
        raw.execute(sql, params)
        (pk,) = raw.fetchone()
    finally:
        raw.close()
    question = TownHallQuestion(
        pk=pk,
        townhall=townhall,
        body=body,
        author=None,
        anonymous=True,
        status=status,
        created_at=now,
    )
    question._state.adding = False
    question._state.db = connection.alias
    return question


def townhall_upvote(*, question: TownHallQuestion, user: User) -> int:
    """Upvote a question once; returns its new count. A second upvote (also one arriving at
    the same moment) is refused by the unique constraint."""
    require_active(user)
    if not may_upvote_townhall_question(user, question):
        if question.author_id == user.pk:
            raise ServiceError(_("You cannot upvote your own question."), code="own_question")
        raise ServiceError(_("This question cannot be upvoted now."), code="not_open")
    try:
        with transaction.atomic():
            TownHallUpvote.objects.create(question=question, user=user)
            votes = _add_vote(question.pk, 1)
            live.townhall_votes_on_commit(question.townhall_id, question.pk, votes)
    except IntegrityError:
        raise ServiceError(
            _("You have already upvoted this question."), code="already_upvoted", status=409
        ) from None
    question.vote_count = votes
    return votes


def townhall_upvote_withdraw(*, question: TownHallQuestion, user: User) -> int:
    """Take one's upvote back (while the question is open); returns the new count."""
    require_active(user)
    if not may_upvote_townhall_question(user, question):
        raise ServiceError(_("This question cannot be changed now."), code="not_open")
    with transaction.atomic():
        deleted, _rows = TownHallUpvote.objects.filter(question=question, user=user).delete()
        if deleted:
            votes = _add_vote(question.pk, -1)
            live.townhall_votes_on_commit(question.townhall_id, question.pk, votes)
        else:
            votes = TownHallQuestion.objects.values_list("vote_count", flat=True).get(
                pk=question.pk
            )
    question.vote_count = votes
    return votes


def _add_vote(question_id: int, step: int) -> int:
    """Add ``step`` to the counter and read it back in one statement: a vote is three round
    trips to the database, not four (the p99 target is 20 ms)."""
    table = connection.ops.quote_name(TownHallQuestion._meta.db_table)
    sql = f"UPDATE {table} SET vote_count = vote_count + %s WHERE id = %s RETURNING vote_count"  # noqa: S608 (only placeholders and our table name)
    with connection.cursor() as cursor:
        cursor.execute(sql, [step, question_id])
        row = cursor.fetchone()
    return int(row[0])


# --- moderation ---------------------------------------------------------------------------


def _moderator(townhall: TownHall, by: User) -> None:
    require_active(by)
    if not may_moderate_townhall(by, townhall):
        raise PermissionRefused(_("Only the hosts and moderators can do this."))


def _locked(question: TownHallQuestion) -> tuple[TownHall, TownHallQuestion]:
    townhall = TownHall.objects.select_for_update().get(pk=question.townhall_id)
    fresh = TownHallQuestion.objects.select_for_update().get(pk=question.pk)
    return townhall, fresh


def townhall_question_moderate(
    *, question: TownHallQuestion, by: User, action: str, answer: str = ""
) -> TownHallQuestion:
    """approve, reject, answering (now), answered (with an optional written answer; required
    once the session is over), pin, unpin, reopen."""
    townhall = question.townhall
    _moderator(townhall, by)
    answer = (answer or "").strip()
    if len(answer) > TOWNHALL_ANSWER_CHARS:
        raise ServiceError(_("The answer is too long."), code="answer_too_long")
    with transaction.atomic():
        townhall, q = _locked(question)
        status = q.status
        if status == Status.MERGED:
            raise ServiceError(_("This question was merged into another."), code="merged")
        if action == "approve":
            if status not in (Status.PENDING, Status.REJECTED):
                raise ServiceError(_("This question is already shown."), code="invalid_state")
            q.status = Status.APPROVED
            q.save(update_fields=["status"])
        elif action == "reject":
            q.status = Status.REJECTED
            q.save(update_fields=["status"])
            _clear_slots(townhall, q)
        elif action == "answering":
            if status != Status.APPROVED:
                raise ServiceError(_("Only open questions can be answered."), code="invalid_state")
            townhall.current_question = q
            townhall.save(update_fields=["current_question"])
        elif action == "answered":
            if status not in (Status.APPROVED, Status.ANSWERED):
                raise ServiceError(_("Only open questions can be answered."), code="invalid_state")
            if not answer and townhall.phase() == "past":
                raise ServiceError(
                    _("The session is over: write the answer."), code="answer_missing"
                )
            q.status = Status.ANSWERED
            q.answer = answer
            q.answered_at = timezone.now()
            q.answered_by = by
            q.save(update_fields=["status", "answer", "answered_at", "answered_by"])
            if townhall.current_question_id == q.pk:
                townhall.current_question = None
                townhall.save(update_fields=["current_question"])
            enqueue_on_commit(tasks.notify_townhall_answered, q.pk)
        elif action == "reopen":
            if status != Status.ANSWERED:
                raise ServiceError(_("This question is not answered."), code="invalid_state")
            q.status = Status.APPROVED
            q.save(update_fields=["status"])
        elif action == "pin":
            if status != Status.APPROVED:
                raise ServiceError(_("Only open questions can be pinned."), code="invalid_state")
            townhall.pinned_question = q
            townhall.save(update_fields=["pinned_question"])
        elif action == "unpin":
            if townhall.pinned_question_id == q.pk:
                townhall.pinned_question = None
                townhall.save(update_fields=["pinned_question"])
        else:
            raise ServiceError(_("Unknown action."), code="invalid_action")
        live.townhall_changed_on_commit(townhall.pk)
    q.townhall = townhall
    return q


def _clear_slots(townhall: TownHall, q: TownHallQuestion) -> None:
    fields = []
    if townhall.current_question_id == q.pk:
        townhall.current_question = None
        fields.append("current_question")
    if townhall.pinned_question_id == q.pk:
        townhall.pinned_question = None
        fields.append("pinned_question")
    if fields:
        townhall.save(update_fields=fields)


def townhall_question_merge(
    *, question: TownHallQuestion, into: TownHallQuestion, by: User
) -> TownHallQuestion:
    """Merge a duplicate into another question of the same town hall: the upvotes combine,
    a person who upvoted both counts once, and the duplicate no longer shows."""
    townhall = question.townhall
    _moderator(townhall, by)
    if into.townhall_id != question.townhall_id or into.pk == question.pk:
        raise ServiceError(_("Choose another question of this town hall."), code="invalid_target")
    with transaction.atomic():
        townhall, dup = _locked(question)
        target = TownHallQuestion.objects.select_for_update().get(pk=into.pk)
        if dup.status == Status.MERGED or target.status in (Status.MERGED, Status.REJECTED):
            raise ServiceError(_("These questions cannot be merged."), code="invalid_state")
        already = TownHallUpvote.objects.filter(question=target).values("user_id")
        moving = TownHallUpvote.objects.filter(question=dup).exclude(user_id__in=already)
        if target.author_id is not None:  # a named asker's upvote of the duplicate stays out
            moving = moving.exclude(user_id=target.author_id)
        moving.update(question=target)
        TownHallUpvote.objects.filter(question=dup).delete()
        target.vote_count = TownHallUpvote.objects.filter(question=target).count()
        if target.status == Status.PENDING:
            target.status = Status.APPROVED
        target.save(update_fields=["vote_count", "status"])
        # Questions merged into the duplicate before now point at the target.
        TownHallQuestion.objects.filter(merged_into=dup).update(merged_into=target)
        dup.status = Status.MERGED
        dup.merged_into = target
        dup.vote_count = 0
        dup.save(update_fields=["status", "merged_into", "vote_count"])
        _clear_slots(townhall, dup)
        live.townhall_changed_on_commit(townhall.pk)
    target.townhall = townhall
    return target
