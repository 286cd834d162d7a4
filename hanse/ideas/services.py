"""Writes of campaigns, ideas and experiments: validate, check ``rules``, write in one
transaction, queue notifications after the commit (``enqueue_on_commit``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from hanse.core import personal_data, uploads
from hanse.core.errors import PermissionRefused, ServiceError
from hanse.ideas import rules, tasks
from hanse.ideas.models import (
    REASON_CHARS,
    TEXT_CHARS,
    TITLE_CHARS,
    Campaign,
    CoauthorInvitation,
    Experiment,
    ExperimentUpdate,
    Idea,
    IdeaAttachment,
    IdeaComment,
    IdeaSupport,
    StatusChange,
)
from hanse.ideas.uploads import IDEA_FILES
from hanse.jobs.outbox import enqueue_on_commit
from hanse.posts.models import Post
from hanse.posts.services.posts import post_create, require_active

if TYPE_CHECKING:
    from hanse.communities.models import Community
    from hanse.people.models import User

IDEA_NOT_FOUND = _("This idea does not exist.")
MAX_SUPPORT_BUDGET = 100
EXPERIMENT_NOT_FOUND = _("This experiment does not exist.")
NO_INVITATION = _("There is no open invitation to write this idea.")


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
    support_budget: int | None = None,
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
    if support_budget is not None and not 1 <= support_budget <= MAX_SUPPORT_BUDGET:
        raise ServiceError(
            _("Supports per person: between 1 and %(max)d, or empty for no limit.")
            % {"max": MAX_SUPPORT_BUDGET},
            code="budget",
        )
    with transaction.atomic():
        campaign = Campaign.objects.create(
            community=community,
            question=question,
            description=description,
            starts_on=starts_on,
            ends_on=ends_on,
            categories=categories.strip()[:500],
            review_days=max(1, min(review_days, 365)),
            support_budget=support_budget,
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
    coauthors: Sequence[User] = (),
    files: Sequence[UploadedFile] = (),
) -> Idea:
    """Post an idea: to a campaign (taking its community) or in a community / company-wide,
    with files and co-authors if any (they are told after the commit)."""
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
    validated = uploads.validate(files, IDEA_FILES)
    # A failure after the files were stored removes them (hanse/core/uploads.py).
    with uploads.removed_on_error(), transaction.atomic():
        idea = Idea.objects.create(
            campaign=campaign,
            community=community,
            title=title,
            description=description,
            category=category[:80] if campaign is not None else "",
            author=author,
        )
        if coauthors:
            _set_coauthors(idea, author, coauthors)
        _store_files(validated, idea=idea, by=author)
    return idea


def _store_files(
    validated: Sequence[uploads.ValidatedFile], *, idea: Idea, by: User
) -> list[IdeaAttachment]:
    return uploads.store(
        validated,
        IDEA_FILES,
        lambda item: IdeaAttachment(idea=idea, uploader=by, **uploads.row_fields(item)),
    )


def _set_coauthors(idea: Idea, by: User, people: Sequence[User]) -> list[int]:
    """Replace the named co-authors (inside the caller's transaction). Nobody becomes a
    co-author without saying yes: a newly named person gets an invitation (told after the
    commit) and shows only once they accept. Names taken off lose their co-authorship or
    their invitation. Returns the ids of those newly invited."""
    wanted = {p.pk: p for p in people if p.pk != idea.author_id}
    if len(wanted) > rules.MAX_COAUTHORS:
        raise ServiceError(
            _("An idea has at most %(max)d co-authors.") % {"max": rules.MAX_COAUTHORS},
            code="too_many_coauthors",
        )
    accepted = set(idea.coauthors.values_list("pk", flat=True))
    invited = set(CoauthorInvitation.objects.filter(idea=idea).values_list("user_id", flat=True))
    new = {pk: p for pk, p in wanted.items() if pk not in accepted and pk not in invited}
    # A co-author must be able to see the idea (an active colleague who may read its place).
    unseen = [
        p.display_name
        for p in new.values()
        if not Idea.objects.visible_to(p).filter(pk=idea.pk).exists()
    ]
    if unseen:
        raise ServiceError(
            _("%(names)s cannot see this idea and so cannot write it with you.")
            % {"names": ", ".join(sorted(unseen))},
            code="coauthor_cannot_see",
        )
    gone = accepted - set(wanted)
    if gone:
        idea.coauthors.remove(*gone)
    CoauthorInvitation.objects.filter(idea=idea).exclude(user_id__in=list(wanted)).delete()
    CoauthorInvitation.objects.bulk_create(
        [CoauthorInvitation(idea=idea, user=p) for p in new.values()]
    )
    added = sorted(new)
    if added:
        enqueue_on_commit(tasks.notify_coauthors_added, idea.pk, added, by.pk)
    return added


def idea_coauthor_respond(*, idea: Idea, user: User, accept: bool) -> bool:
    """The invited person accepts (they become a co-author: named, editing, told of status
    changes) or declines; the author is told either way, after the commit. Only one's own
    open invitation; else "no invitation" (404, like an idea one cannot see). Returns whether
    they are a co-author now."""
    require_active(user)
    with transaction.atomic():
        locked = _locked_idea(idea, user)
        invitation = (
            CoauthorInvitation.objects.select_for_update()
            .filter(idea=locked, user=user, declined_at__isnull=True)
            .first()
        )
        if invitation is None:
            raise ServiceError(NO_INVITATION, code="no_invitation", status=404)
        # The author, who invited them, hears the answer after the commit.
        enqueue_on_commit(tasks.notify_coauthor_answered, locked.pk, invitation.pk, user.pk, accept)
        if not accept:
            invitation.declined_at = timezone.now()
            invitation.save(update_fields=["declined_at"])
            return False
        invitation.delete()
        locked.coauthors.add(user)
        # An author does not support their own idea: a support given before is given back.
        deleted, _rows = IdeaSupport.objects.filter(idea=locked, user=user).delete()
        if deleted:
            Idea.objects.filter(pk=locked.pk).update(support_count=F("support_count") - 1)
    return True


def idea_edit(
    *,
    idea: Idea,
    by: User,
    title: str,
    description: str,
    files: Sequence[UploadedFile] = (),
    remove_files: Sequence[int] = (),
) -> Idea:
    """The author or a co-author changes the text, adds files and removes files, while the
    idea is still being looked at."""
    require_active(by)
    title = _text(title, limit=TITLE_CHARS, field=str(_("Title")))
    description = _text(description, limit=TEXT_CHARS, field=str(_("Description")))
    validated = uploads.validate(files, IDEA_FILES)
    with uploads.removed_on_error(), transaction.atomic():
        locked = _locked_idea(idea, by)
        if not rules.may_edit_idea(by, locked):
            raise PermissionRefused(_("Only the idea's authors edit it, while it is open."))
        doomed = list(IdeaAttachment.objects.filter(idea=locked, pk__in=list(remove_files)))
        kept = IdeaAttachment.objects.filter(idea=locked).count() - len(doomed)
        if kept + len(validated) > IDEA_FILES.max_files:
            raise ServiceError(
                _("An idea has at most %(max)d files.") % {"max": IDEA_FILES.max_files},
                code="too_many_files",
            )
        if doomed:
            uploads.delete_files_on_commit(doomed)
            IdeaAttachment.objects.filter(pk__in=[a.pk for a in doomed]).delete()
        _store_files(validated, idea=locked, by=by)
        locked.title = title
        locked.description = description
        locked.edited_at = timezone.now()
        locked.save(update_fields=["title", "description", "edited_at"])
    return locked


def idea_coauthors_set(*, idea: Idea, by: User, coauthors: Sequence[User]) -> list[int]:
    """The author invites colleagues as co-authors (or removes them); the newly invited are
    told and become co-authors once they accept. Returns the ids of those newly invited."""
    require_active(by)
    with transaction.atomic():
        locked = _locked_idea(idea, by)
        if not rules.may_set_coauthors(by, locked):
            raise PermissionRefused(_("Only the idea's author invites co-authors."))
        return _set_coauthors(locked, by, coauthors)


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


def supports_used(*, user: User, campaign: Campaign) -> int:
    """How many ideas of the campaign the person supports (against its budget)."""
    return IdeaSupport.objects.filter(
        user=user, idea__campaign=campaign, idea__merged_into__isnull=True
    ).count()


def idea_support(*, idea: Idea, user: User) -> bool:
    """Support an idea with one click; True if this click counted. Twice at once counts once:
    the unique constraint refuses the second row, and only a new row raises the counter.
    In a campaign with a vote budget, a support beyond it is refused, also when several
    arrive at once (they queue on the campaign's row)."""
    require_active(user)
    with transaction.atomic():
        locked = _locked_idea(idea, user)
        if not rules.may_support(user, locked):
            raise ServiceError(_("This idea cannot be supported."), code="not_supportable")
        if IdeaSupport.objects.filter(idea=locked, user=user).exists():
            return False
        campaign = locked.campaign
        if campaign is not None and campaign.support_budget:
            # Supports of one campaign queue on its row, so two clicks on two different
            # ideas at the same moment cannot both take the last support left. Rows are
            # always locked idea first, then campaign: no deadlock with other writes here.
            Campaign.objects.select_for_update().filter(pk=campaign.pk).values("pk").first()
            if supports_used(user=user, campaign=campaign) >= campaign.support_budget:
                raise ServiceError(
                    _(
                        "You have used all %(budget)d supports of this campaign. Withdraw "
                        "one to support this idea."
                    )
                    % {"budget": campaign.support_budget},
                    code="budget_spent",
                )
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


def idea_merge(*, duplicate: Idea, into: Idea, by: User) -> MergeResult:
    """Merge a duplicate into another idea: its supports are released and carried over to
    the idea it joins (once each, within that idea's campaign budget); it points to the idea
    it was merged into and takes no more support. Those whose budget kept their support from
    being carried are told after the commit. The rule: docs/ideas.md, "Merging"."""
    require_active(by)
    with transaction.atomic():
        # Lock both rows in id order, so two merges of the same pair cannot deadlock.
        first, second = sorted([duplicate, into], key=lambda i: i.pk)
        lock_a = _locked_idea(first, by)
        lock_b = _locked_idea(second, by)
        dup, target = (lock_a, lock_b) if lock_a.pk == duplicate.pk else (lock_b, lock_a)
        if not rules.may_merge(by, dup, target):
            raise ServiceError(_("These ideas cannot be merged."), code="merge_refused")
        campaign = target.campaign
        budget = campaign.support_budget if campaign is not None else None
        if budget:
            # Idea rows first, then the campaign's (as idea_support): no deadlock, and no
            # support click slips in between the count and the carried rows.
            Campaign.objects.select_for_update().filter(pk=campaign.pk).values("pk").first()  # type: ignore[union-attr]  # budget implies a campaign
        have = set(IdeaSupport.objects.filter(idea=target).values_list("user_id", flat=True))
        authors = {target.author_id, *target.coauthors.values_list("pk", flat=True)}
        released = list(IdeaSupport.objects.filter(idea=dup).order_by("created_at", "pk"))
        # The duplicate's supports are given back before anything is carried: a person who
        # supported both keeps one support (on the target) and gets the other one back.
        IdeaSupport.objects.filter(idea=dup).delete()
        dup.support_count = 0
        used: dict[int, int] = {}
        if budget:
            used = dict(
                IdeaSupport.objects.filter(
                    idea__campaign=campaign,
                    idea__merged_into__isnull=True,
                    user_id__in=[s.user_id for s in released],
                )
                .values_list("user_id")
                .annotate(n=Count("pk"))
            )
        moving: list[IdeaSupport] = []
        not_carried: list[int] = []
        for support in released:
            if support.user_id in have or support.user_id in authors:
                continue
            if budget and used.get(support.user_id, 0) >= budget:
                not_carried.append(support.user_id)
                continue
            moving.append(
                IdeaSupport(idea=target, user_id=support.user_id, created_at=support.created_at)
            )
            have.add(support.user_id)
        # The duplicate's author backs the idea it joins, unless that would spend a support
        # of theirs in a campaign with a budget (which is theirs to spend).
        if not budget and dup.author_id not in have and dup.author_id not in authors:
            moving.append(IdeaSupport(idea=target, user_id=dup.author_id))
        IdeaSupport.objects.bulk_create(moving)
        target.support_count = IdeaSupport.objects.filter(idea=target).count()
        target.save(update_fields=["support_count"])
        dup.merged_into = target
        dup.save(update_fields=["merged_into", "support_count"])
        if not_carried:
            # Their support went back to them, not to the idea it joined: they are told why.
            enqueue_on_commit(tasks.notify_supports_not_carried, dup.pk, target.pk, not_carried)
    return MergeResult(
        idea=target,
        carried=[s.user_id for s in moving],
        released=[s.user_id for s in released],
        not_carried=not_carried,
    )


@dataclass(frozen=True)
class MergeResult:
    """What a merge did with the supports: the idea they joined, who was carried over, whose
    support on the duplicate was released, and who was not carried (their budget in the
    target's campaign was spent)."""

    idea: Idea
    carried: list[int]
    released: list[int]
    not_carried: list[int]

    def message(self) -> str:
        """What the reviewer is told after merging (the page's message, the API's)."""
        n = len(self.not_carried)
        if not n:
            return str(_("The ideas are merged; the supporters moved over."))
        return ngettext(
            "The ideas are merged. %(n)d supporter could not be carried over: their vote "
            "budget for this campaign is used up. They are told.",
            "The ideas are merged. %(n)d supporters could not be carried over: their vote "
            "budget for this campaign is used up. They are told.",
            n,
        ) % {"n": n}


# --- experiments --------------------------------------------------------------------------


def idea_purge(*, idea: Idea) -> int:
    """Delete an idea for good, without a permission check: for the system (retention of
    removed content). Its comments, supports, status changes and attached files (with their
    thumbnails, after the commit) go with it; experiments keep their text and lose the link;
    the search index follows the delete's signals."""
    with transaction.atomic():
        return personal_data.delete_rows(Idea.objects.filter(pk=idea.pk))


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


def _day(value: date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else "—"


def experiment_edit(
    *,
    experiment: Experiment,
    by: User,
    plan: str,
    starts_on: date | None,
    ends_on: date | None,
    team: Sequence[User],
) -> Experiment:
    """Change a running experiment's plan, dates and team (owner, moderators). The start date
    moves only before it has started; the hypothesis and what success looks like stay as
    written. The change is recorded in the experiment's updates; a later end date is
    reminded again."""
    require_active(by)
    plan = _text(plan, limit=TEXT_CHARS, field="", required=False)
    with transaction.atomic():
        locked = _locked_experiment(experiment, by)
        if not rules.may_edit_experiment(by, locked):
            raise PermissionRefused(
                _("Only the owner or a moderator changes a running experiment.")
            )
        today = timezone.localdate()
        starts = starts_on or locked.starts_on
        if starts != locked.starts_on:
            if not rules.may_edit_start(locked, today):
                raise ServiceError(
                    _("The experiment has started; its start date stays."), code="started"
                )
            if starts < today:
                raise ServiceError(
                    _("A new start date cannot be in the past."), code="start_in_past"
                )
        if ends_on is not None and ends_on < starts:
            raise ServiceError(_("The experiment cannot end before it starts."), code="dates")
        changes: list[str] = []
        fields: list[str] = []
        if plan != locked.plan:
            changes.append(str(_("The plan was changed.")))
            locked.plan = plan
            fields.append("plan")
        if starts != locked.starts_on:
            changes.append(
                str(_("Start: %(old)s → %(new)s"))
                % {"old": _day(locked.starts_on), "new": _day(starts)}
            )
            locked.starts_on = starts
            fields.append("starts_on")
        if ends_on != locked.ends_on:
            changes.append(
                str(_("End: %(old)s → %(new)s"))
                % {"old": _day(locked.ends_on), "new": _day(ends_on)}
            )
            locked.ends_on = ends_on
            # The reminder is owed again for the new date (hanse/notifications/due.py).
            locked.due_notified_at = None
            fields += ["ends_on", "due_notified_at"]
        before = {p.pk: p for p in locked.team.all()}
        after = {p.pk: p for p in team if p.is_active}
        joined = [after[pk].display_name for pk in after if pk not in before]
        left = [before[pk].display_name for pk in before if pk not in after]
        if joined:
            changes.append(str(_("Joined the team: %(names)s")) % {"names": ", ".join(joined)})
        if left:
            changes.append(str(_("Left the team: %(names)s")) % {"names": ", ".join(left)})
        if not changes:
            raise ServiceError(_("Nothing was changed."), code="unchanged")
        if fields:
            locked.save(update_fields=fields)
        if joined or left:
            locked.team.set(list(after.values()))
        ExperimentUpdate.objects.create(
            experiment=locked,
            author=by,
            kind=ExperimentUpdate.Kind.CHANGE,
            body="\n".join(f"- {line}" for line in changes),
        )
    return locked


STORY_LESSONS_CHARS = 1500


def experiment_share(*, experiment: Experiment, by: User, note: str = "") -> Post:
    """Share a closed experiment as a story: a post by the person in the experiment's
    community (or the company stream) with its result, lessons and a link, once."""
    require_active(by)
    note = _text(note, limit=REASON_CHARS, field="", required=False)
    with transaction.atomic():
        locked = _locked_experiment(experiment, by)
        if locked.status != Experiment.Status.CLOSED:
            raise ServiceError(
                _("An experiment is shared once it is closed with its lessons."), code="running"
            )
        if locked.story_post_id is not None:
            raise ServiceError(_("This experiment has been shared already."), code="shared")
        if not rules.may_share_experiment(by, locked):
            raise PermissionRefused(_("Only the experiment's owner or team shares it."))
        lessons = locked.lessons
        if len(lessons) > STORY_LESSONS_CHARS:
            lessons = lessons[:STORY_LESSONS_CHARS].rstrip() + " …"
        url = reverse("ideas:experiment", args=[locked.pk])
        lines = [note, ""] if note else []
        lines += [
            str(_("**Experiment: [%(title)s](%(url)s)**")) % {"title": locked.title, "url": url},
            "",
            str(_("Hypothesis: %(text)s")) % {"text": locked.hypothesis},
            "",
            str(_("Result: **%(result)s**")) % {"result": locked.get_result_display()},
            "",
            str(_("What we learned:")),
            "",
            lessons,
        ]
        post = post_create(author=by, body="\n".join(lines), community=locked.community)
        locked.story_post = post
        locked.save(update_fields=["story_post"])
    return post
