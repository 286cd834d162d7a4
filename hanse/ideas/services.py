"""Writes of campaigns, ideas and experiments: validate, check ``rules``, write in one
transaction, queue notifications after the commit (``enqueue_on_commit``)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hanse.core.errors import PermissionRefused, ServiceError
from hanse.ideas import rules, tasks
from hanse.ideas.models import (
    REASON_CHARS,
    TEXT_CHARS,
    TITLE_CHARS,
    Campaign,
    Experiment,
    ExperimentUpdate,
    Idea,
    IdeaComment,
    IdeaSupport,
    StatusChange,
)
from hanse.jobs.outbox import enqueue_on_commit
from hanse.posts.services.posts import require_active

if TYPE_CHECKING:
    from hanse.communities.models import Community
    from hanse.people.models import User

IDEA_NOT_FOUND = _("This idea does not exist.")
EXPERIMENT_NOT_FOUND = _("This experiment does not exist.")


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


# --- campaigns ----------------------------------------------------------------------------


def campaign_create(
    *,
    by: User,
    community: Community | None,
    question: str,
    description: str = "",
    starts_on: date | None = None,
    ends_on: date | None = None,
    categories: str = "",
    reviewers: list[User] | None = None,
    review_days: int = 14,
) -> Campaign:
    """Open an idea campaign in a community (moderators) or company-wide (administrators)."""
    require_active(by)
    if not rules.may_open_campaign_in(by, community):
        raise PermissionRefused(_("Only moderators open idea campaigns here."))
    question = _text(question, limit=TITLE_CHARS, field=str(_("Question")))
    description = _text(description, limit=TEXT_CHARS, field="", required=False)
    starts_on = starts_on or timezone.localdate()
    if ends_on is not None and ends_on < starts_on:
        raise ServiceError(_("The campaign cannot end before it starts."), code="dates")
    with transaction.atomic():
        campaign = Campaign.objects.create(
            community=community,
            question=question,
            description=description,
            starts_on=starts_on,
            ends_on=ends_on,
            categories=categories.strip()[:500],
            review_days=max(1, min(review_days, 365)),
            created_by=by,
        )
        if reviewers:
            campaign.reviewers.set(reviewers)
    return campaign


# --- ideas --------------------------------------------------------------------------------


def idea_create(
    *,
    author: User,
    title: str,
    description: str,
    community: Community | None = None,
    campaign: Campaign | None = None,
    category: str = "",
) -> Idea:
    """Post an idea: to a campaign (taking its community) or in a community / company-wide."""
    require_active(author)
    if campaign is not None:
        community = campaign.community
        if not rules.may_post_idea_to(author, campaign):
            raise PermissionRefused(_("This campaign does not take ideas (any more)."))
        if category and category not in campaign.category_list():
            raise ServiceError(_("Please choose one of the campaign's categories."))
    elif not rules.may_post_idea_in(author, community):
        raise PermissionRefused(_("Only members can post ideas in this community."))
    title = _text(title, limit=TITLE_CHARS, field=str(_("Title")))
    description = _text(description, limit=TEXT_CHARS, field=str(_("Description")))
    return Idea.objects.create(
        campaign=campaign,
        community=community,
        title=title,
        description=description,
        category=category[:80] if campaign is not None else "",
        author=author,
    )


def _locked_idea(idea: Idea, user: User) -> Idea:
    locked = (
        Idea.objects.visible_to(user)
        .select_for_update(of=("self",))
        .select_related("community", "campaign")
        .filter(pk=idea.pk)
        .first()
    )
    if locked is None:
        raise ServiceError(IDEA_NOT_FOUND, code="not_found", status=404)
    return locked


def idea_support(*, idea: Idea, user: User) -> bool:
    """Support an idea with one click; True if this click counted. Twice at once counts once:
    the unique constraint refuses the second row, and only a new row raises the counter."""
    require_active(user)
    with transaction.atomic():
        locked = _locked_idea(idea, user)
        if not rules.may_support(user, locked):
            raise ServiceError(_("This idea cannot be supported."), code="not_supportable")
        try:
            with transaction.atomic():
                IdeaSupport.objects.create(idea=locked, user=user)
        except IntegrityError:
            return False
        Idea.objects.filter(pk=locked.pk).update(support_count=F("support_count") + 1)
    return True


def idea_unsupport(*, idea: Idea, user: User) -> bool:
    """Take one's support back; True if there was one."""
    require_active(user)
    with transaction.atomic():
        locked = _locked_idea(idea, user)
        deleted, _rows = IdeaSupport.objects.filter(idea=locked, user=user).delete()
        if deleted:
            Idea.objects.filter(pk=locked.pk).update(support_count=F("support_count") - 1)
    return bool(deleted)


def idea_comment(*, idea: Idea, author: User, body: str) -> IdeaComment:
    require_active(author)
    body = _text(body, limit=TEXT_CHARS, field=str(_("Comment")))
    with transaction.atomic():
        locked = _locked_idea(idea, author)
        if not rules.may_comment(author, locked):
            raise PermissionRefused(_("Only members can comment here."))
        comment = IdeaComment.objects.create(idea=locked, author=author, body=body)
        Idea.objects.filter(pk=locked.pk).update(comment_count=F("comment_count") + 1)
    return comment


def idea_status_change(
    *,
    idea: Idea,
    by: User,
    to_status: str,
    reason: str,
    hypothesis: str = "",
    success_looks_like: str = "",
    ends_on: date | None = None,
) -> StatusChange:
    """Move an idea along its status machine with a written reason; supporters, commenters
    and the author are told after the commit ("you said, we did"). Moving it to "experiment"
    starts the experiment (its hypothesis is then required)."""
    require_active(by)
    if to_status not in Idea.Status.values:
        raise ServiceError(_("Unknown status."), code="unknown_status")
    reason = _text(reason, limit=REASON_CHARS, field=str(_("Reason")))
    with transaction.atomic():
        locked = _locked_idea(idea, by)
        if not rules.may_review(by, locked):
            raise PermissionRefused(_("Only reviewers change the status of an idea."))
        if not rules.may_change_status(by, locked, to_status):
            raise ServiceError(
                _("An idea cannot go from “%(from)s” to “%(to)s”.")
                % {
                    "from": Idea.Status(locked.status).label,
                    "to": Idea.Status(to_status).label,
                },
                code="transition_refused",
            )
        if to_status == Idea.Status.EXPERIMENT:
            hypothesis = _text(hypothesis, limit=REASON_CHARS, field=str(_("Hypothesis")))
        change = StatusChange.objects.create(
            idea=locked, from_status=locked.status, to_status=to_status, reason=reason, by=by
        )
        locked.status = to_status
        locked.status_changed_at = change.created_at
        locked.save(update_fields=["status", "status_changed_at"])
        if to_status == Idea.Status.EXPERIMENT:
            experiment = Experiment.objects.create(
                idea=locked,
                community=locked.community,
                title=locked.title,
                hypothesis=hypothesis,
                success_looks_like=success_looks_like.strip()[:REASON_CHARS],
                owner=by,
                ends_on=ends_on,
            )
            experiment.team.add(locked.author)
        enqueue_on_commit(tasks.notify_status_changed, change.pk)
    idea.status = locked.status
    idea.status_changed_at = locked.status_changed_at
    return change


def idea_merge(*, duplicate: Idea, into: Idea, by: User) -> Idea:
    """Merge a duplicate into another idea: its supporters move over (once each), it points
    to the idea it was merged into and takes no more support."""
    require_active(by)
    with transaction.atomic():
        # Lock both rows in id order, so two merges of the same pair cannot deadlock.
        first, second = sorted([duplicate, into], key=lambda i: i.pk)
        lock_a = _locked_idea(first, by)
        lock_b = _locked_idea(second, by)
        dup, target = (lock_a, lock_b) if lock_a.pk == duplicate.pk else (lock_b, lock_a)
        if not rules.may_merge(by, dup, target):
            raise ServiceError(_("These ideas cannot be merged."), code="merge_refused")
        have = set(IdeaSupport.objects.filter(idea=target).values_list("user_id", flat=True))
        moving = [
            IdeaSupport(idea=target, user_id=s.user_id, created_at=s.created_at)
            for s in IdeaSupport.objects.filter(idea=dup)
            if s.user_id not in have and s.user_id != target.author_id
        ]
        # The duplicate's author backs the idea it joins.
        if (
            dup.author_id not in have
            and dup.author_id != target.author_id
            and all(s.user_id != dup.author_id for s in moving)
        ):
            moving.append(IdeaSupport(idea=target, user_id=dup.author_id))
        IdeaSupport.objects.bulk_create(moving)
        target.support_count = IdeaSupport.objects.filter(idea=target).count()
        target.save(update_fields=["support_count"])
        dup.merged_into = target
        dup.save(update_fields=["merged_into"])
    return target


# --- experiments --------------------------------------------------------------------------


def experiment_create(
    *,
    owner: User,
    community: Community | None,
    title: str,
    hypothesis: str,
    plan: str = "",
    success_looks_like: str = "",
    starts_on: date | None = None,
    ends_on: date | None = None,
    team: list[User] | None = None,
) -> Experiment:
    """A stand-alone experiment, in a community or company-wide."""
    require_active(owner)
    if not rules.may_start_experiment_in(owner, community):
        raise PermissionRefused(_("Only members can start experiments in this community."))
    title = _text(title, limit=TITLE_CHARS, field=str(_("Title")))
    hypothesis = _text(hypothesis, limit=REASON_CHARS, field=str(_("Hypothesis")))
    starts_on = starts_on or timezone.localdate()
    if ends_on is not None and ends_on < starts_on:
        raise ServiceError(_("The experiment cannot end before it starts."), code="dates")
    with transaction.atomic():
        experiment = Experiment.objects.create(
            community=community,
            title=title,
            hypothesis=hypothesis,
            plan=_text(plan, limit=TEXT_CHARS, field="", required=False),
            success_looks_like=_text(
                success_looks_like, limit=REASON_CHARS, field="", required=False
            ),
            owner=owner,
            starts_on=starts_on,
            ends_on=ends_on,
        )
        if team:
            experiment.team.set(team)
    return experiment


def _locked_experiment(experiment: Experiment, user: User) -> Experiment:
    locked = (
        Experiment.objects.visible_to(user)
        .select_for_update(of=("self",))
        .select_related("community", "idea")
        .filter(pk=experiment.pk)
        .first()
    )
    if locked is None:
        raise ServiceError(EXPERIMENT_NOT_FOUND, code="not_found", status=404)
    return locked


def experiment_update_post(*, experiment: Experiment, author: User, body: str) -> ExperimentUpdate:
    """An update in the experiment's small stream (owner, team, moderators, while running)."""
    require_active(author)
    body = _text(body, limit=TEXT_CHARS, field=str(_("Update")))
    with transaction.atomic():
        locked = _locked_experiment(experiment, author)
        if not rules.may_post_update(author, locked):
            raise PermissionRefused(_("Only the experiment's team posts updates."))
        return ExperimentUpdate.objects.create(experiment=locked, author=author, body=body)


def experiment_close(
    *, experiment: Experiment, by: User, result: str, lessons: str, next_step: str = ""
) -> Experiment:
    """Close with a result and lessons learned (both required; refuted counts as much as
    confirmed). Those who followed the idea are told after the commit."""
    require_active(by)
    if result not in Experiment.Result.values:
        raise ServiceError(_("Please choose a result."), code="result_required")
    if next_step and next_step not in Experiment.NextStep.values:
        raise ServiceError(_("Unknown next step."), code="unknown_next_step")
    lessons = _text(lessons, limit=TEXT_CHARS, field=str(_("Lessons learned")))
    with transaction.atomic():
        locked = _locked_experiment(experiment, by)
        if locked.status != Experiment.Status.RUNNING:
            raise ServiceError(_("This experiment is already closed."), code="closed")
        if not rules.may_close_experiment(by, locked):
            raise PermissionRefused(_("Only the experiment's owner or a moderator closes it."))
        locked.status = Experiment.Status.CLOSED
        locked.result = result
        locked.lessons = lessons
        locked.next_step = next_step
        locked.closed_at = timezone.now()
        locked.save(update_fields=["status", "result", "lessons", "next_step", "closed_at"])
        enqueue_on_commit(tasks.notify_experiment_closed, locked.pk)
    return locked
