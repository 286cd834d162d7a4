"""Writes of consent decisions: validate, check ``rules``, write in one transaction (the
proposal's row locked, so the deadline and an outcome are decided in one order), notify after
the commit."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hanse.core import uploads
from hanse.core.errors import PermissionRefused, ServiceError
from hanse.decisions import rules, selectors, tasks
from hanse.decisions.models import (
    REASON_CHARS,
    TEXT_CHARS,
    TITLE_CHARS,
    Amendment,
    Proposal,
    ProposalAttachment,
    Response,
)
from hanse.decisions.uploads import PROPOSAL_FILES
from hanse.jobs.outbox import enqueue_on_commit
from hanse.posts.services.posts import require_active

if TYPE_CHECKING:
    from hanse.communities.models import Community
    from hanse.people.models import User

NOT_FOUND = _("This proposal does not exist.")
DEADLINE_PASSED = _(
    "The deadline for responses has passed; your response was not recorded. "
    "Please talk to the proposer."
)


def _text(value: str, *, limit: int, field: str, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ServiceError(_("Please fill in: %(field)s.") % {"field": field}, code="required")
    if len(value) > limit:
        raise ServiceError(
            _("%(field)s is too long (at most %(limit)s characters).")
            % {"field": field, "limit": limit},
            code="too_long",
        )
    return value


def proposal_create(
    *,
    proposer: User,
    community: Community,
    title: str,
    text: str,
    deadline: datetime,
    background: str = "",
    deciders: list[User] | None = None,
    files: Sequence[UploadedFile] = (),
) -> Proposal:
    """Put a proposal to a community (its members, or a named group of them, decide), with
    background files if any; those who decide are asked for their response after the
    commit."""
    require_active(proposer)
    if not rules.may_propose_in(proposer, community):
        raise PermissionRefused(_("Only members make proposals in this community."))
    title = _text(title, limit=TITLE_CHARS, field=str(_("Title")))
    text = _text(text, limit=TEXT_CHARS, field=str(_("Proposal")))
    background = _text(background, limit=TEXT_CHARS, field="", required=False)
    if deadline <= timezone.now():
        raise ServiceError(_("The deadline must be in the future."), code="deadline")
    validated = uploads.validate(files, PROPOSAL_FILES)
    # A failure after the files were stored removes them (hanse/core/uploads.py).
    with uploads.removed_on_error(), transaction.atomic():
        proposal = Proposal.objects.create(
            community=community,
            title=title,
            text=text,
            background=background,
            proposer=proposer,
            deadline=deadline,
        )
        if deciders:
            proposal.deciders.set(deciders)
        _store_files(validated, proposal=proposal, by=proposer)
        enqueue_on_commit(tasks.notify_opened, proposal.pk)
    return proposal


def _store_files(
    validated: Sequence[uploads.ValidatedFile], *, proposal: Proposal, by: User
) -> list[ProposalAttachment]:
    return uploads.store(
        validated,
        PROPOSAL_FILES,
        lambda item: ProposalAttachment(proposal=proposal, uploader=by, **uploads.row_fields(item)),
    )


def _locked(proposal: Proposal, user: User) -> Proposal:
    locked = (
        Proposal.objects.visible_to(user)
        .select_for_update(of=("self",))
        .select_related("community")
        .filter(pk=proposal.pk)
        .first()
    )
    if locked is None:
        raise ServiceError(NOT_FOUND, code="not_found", status=404)
    return locked


def proposal_attach(
    *, proposal: Proposal, by: User, files: Sequence[UploadedFile]
) -> list[ProposalAttachment]:
    """Add background files to an open proposal (its proposer), up to ten in all."""
    require_active(by)
    if not files:
        raise ServiceError(_("Please choose a file."), code="no_files")
    validated = uploads.validate(files, PROPOSAL_FILES)
    with uploads.removed_on_error(), transaction.atomic():
        locked = _locked(proposal, by)
        if not rules.may_attach(by, locked):
            raise PermissionRefused(_("Only the proposer adds files to an open proposal."))
        if locked.attachments.count() + len(validated) > PROPOSAL_FILES.max_files:
            raise ServiceError(
                _("A proposal has at most %(max)d files.") % {"max": PROPOSAL_FILES.max_files},
                code="too_many_files",
            )
        return _store_files(validated, proposal=locked, by=by)


def proposal_attachment_delete(*, attachment: ProposalAttachment, by: User) -> None:
    """Remove a file from an open proposal (its proposer); the stored file goes after the
    commit."""
    require_active(by)
    with transaction.atomic():
        locked = _locked(attachment.proposal, by)
        if not rules.may_attach(by, locked):
            raise PermissionRefused(_("Only the proposer removes files of an open proposal."))
        row = ProposalAttachment.objects.filter(pk=attachment.pk, proposal=locked).first()
        if row is None:
            raise ServiceError(_("This file does not exist."), code="not_found", status=404)
        uploads.delete_files_on_commit([row])
        row.delete()


def proposal_respond(*, proposal: Proposal, user: User, kind: str, reason: str = "") -> Response:
    """Respond (or change one's response) before the deadline, named. An objection needs its
    reason. The deadline is read after the row lock, by the server's clock: a response that
    arrives as the deadline passes is either in or refused with ``DEADLINE_PASSED``."""
    require_active(user)
    if kind not in Response.Kind.values:
        raise ServiceError(_("Please choose a response."), code="kind_required")
    reason = _text(reason, limit=REASON_CHARS, field=str(_("Reason")), required=False)
    if kind == Response.Kind.OBJECTION and not reason:
        raise ServiceError(
            _("An objection needs a reason: why would the proposal harm the group's goals?"),
            code="reason_required",
        )
    with transaction.atomic():
        locked = _locked(proposal, user)
        now = timezone.now()
        if locked.status != Proposal.Status.OPEN:
            raise ServiceError(_("This proposal has been decided."), code="decided")
        if locked.deadline_passed(now):
            raise ServiceError(DEADLINE_PASSED, code="deadline_passed")
        if not rules.may_respond(user, locked, now=now):
            raise PermissionRefused(_("Only those who decide respond to this proposal."))
        response, _created = Response.objects.update_or_create(
            proposal=locked,
            user=user,
            defaults={
                "kind": kind,
                "reason": reason,
                "version": locked.version,
                "responded_at": now,
            },
        )
        enqueue_on_commit(tasks.notify_response, response.pk, now.isoformat())
    return response


def proposal_amend(*, proposal: Proposal, by: User, text: str, note: str) -> Proposal:
    """Amend the proposal: the earlier text is kept, responses stay visible but marked as
    given to an older version, and those who responded are asked to look again."""
    require_active(by)
    text = _text(text, limit=TEXT_CHARS, field=str(_("Proposal")))
    note = _text(note, limit=REASON_CHARS, field=str(_("What changed")))
    with transaction.atomic():
        locked = _locked(proposal, by)
        if not rules.may_amend(by, locked):
            raise PermissionRefused(_("Only the proposer amends an open proposal."))
        if text == locked.text:
            raise ServiceError(_("The text is the same as before."), code="unchanged")
        Amendment.objects.create(
            proposal=locked, version=locked.version, previous_text=locked.text, note=note
        )
        locked.version += 1
        locked.text = text
        locked.save(update_fields=["version", "text"])
        enqueue_on_commit(tasks.notify_amended, locked.pk, locked.version)
    return locked


def proposal_decide(
    *,
    proposal: Proposal,
    by: User,
    outcome: str,
    statement: str,
    review_on: date | None = None,
) -> Proposal:
    """Write the outcome: after the deadline or once everyone responded (withdrawing any
    time). An adopted proposal needs a review date ("good enough for now, safe enough to
    try"); everyone who responded is told."""
    require_active(by)
    if outcome not in Proposal.Outcome.values:
        raise ServiceError(_("Please choose an outcome."), code="outcome_required")
    statement = _text(statement, limit=TEXT_CHARS, field=str(_("Outcome statement")))
    adopted = outcome in (Proposal.Outcome.ADOPTED, Proposal.Outcome.ADOPTED_WITH_CHANGES)
    if adopted and review_on is None:
        raise ServiceError(_("An adopted proposal needs a review date."), code="review_required")
    if review_on is not None and review_on <= timezone.localdate():
        raise ServiceError(_("The review date must be in the future."), code="review_date")
    with transaction.atomic():
        locked = _locked(proposal, by)
        if outcome == Proposal.Outcome.WITHDRAWN:
            allowed = rules.may_withdraw(by, locked)
        else:
            allowed = rules.may_decide(by, locked, all_responded=selectors.all_responded(locked))
        if locked.status != Proposal.Status.OPEN:
            raise ServiceError(_("This proposal has been decided."), code="decided")
        if not rules.manages(by, locked):
            raise PermissionRefused(_("Only the proposer writes the outcome."))
        if not allowed:
            raise ServiceError(
                _("The outcome comes after the deadline or once everyone has responded."),
                code="too_early",
            )
        locked.status = Proposal.Status.DECIDED
        locked.outcome = outcome
        locked.outcome_statement = statement
        locked.review_on = review_on
        locked.decided_at = timezone.now()
        locked.save(
            update_fields=["status", "outcome", "outcome_statement", "review_on", "decided_at"]
        )
        enqueue_on_commit(tasks.notify_decided, locked.pk)
    return locked
