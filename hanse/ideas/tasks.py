"""Background work of ideas and experiments: "you said, we did" after a status change, the
closed experiment told to those who followed the idea, the end-date reminder, the author
told of a co-author's answer, and supporters told when a merge could not carry their support.

Each task's body is ``notify_or_retry`` (hanse/notifications/tasks.py): it writes the
notifications in one transaction with a ledger row (``notify_once``), so a task that runs
twice tells nobody twice, and queues the task again when it fails.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from hanse.ideas.models import (
    CoauthorInvitation,
    Experiment,
    Idea,
    IdeaComment,
    IdeaSupport,
    StatusChange,
)
from hanse.notifications.due import notify_once_per_due_date
from hanse.notifications.services import notify
from hanse.notifications.tasks import Once, notify_or_retry
from hanse.people.models import User

if TYPE_CHECKING:
    from hanse.notifications.models import Notification


def followers_of(idea: Idea) -> list[User]:
    """Who backed or discussed the idea, and its authors: the people a change is owed to."""
    supporters = IdeaSupport.objects.filter(idea=idea).values("user_id")
    commenters = IdeaComment.objects.filter(idea=idea).values("author_id")
    coauthors = Idea.coauthors.through.objects.filter(idea_id=idea.pk).values("user_id")
    return list(
        User.objects.filter(is_active=True)
        .filter(
            Q(pk__in=supporters) | Q(pk__in=commenters) | Q(pk__in=coauthors) | Q(pk=idea.author_id)
        )
        .order_by("pk")
    )


@task()
def notify_coauthors_added(idea_id: int, user_ids: list[int], by_id: int, attempt: int = 1) -> int:
    """Ask colleagues the author invited whether they write the idea with them."""
    return notify_or_retry(
        notify_coauthors_added,
        [idea_id, user_ids, by_id],
        attempt,
        f"Co-authors {idea_id}",
        lambda: _coauthors_added(idea_id, user_ids, by_id),
    )


def _coauthors_added(idea_id: int, user_ids: list[int], by_id: int) -> Iterator[Once]:
    idea = Idea.objects.select_related("community").filter(pk=idea_id).first()
    if idea is None:
        return
    by = User.objects.filter(pk=by_id).first()
    # Still invited when the task runs (the author may have taken a name off meanwhile).
    current = dict(
        CoauthorInvitation.objects.filter(idea=idea, declined_at__isnull=True).values_list(
            "user_id", "pk"
        )
    )
    for person in User.objects.filter(pk__in=user_ids, is_active=True).order_by("pk"):
        if person.pk not in current:
            continue

        def hook(person: User = person) -> list[Notification]:
            return notify(
                type_key="idea_coauthor_added",
                recipients=[person],
                actor=by,
                community=idea.community,
                target=idea,
                data={"title": idea.title[:200], "idea": idea.pk},
            )

        # Once per invitation: a name taken off and put back is asked again.
        yield Once(f"ideas.coauthor:{idea_id}:{person.pk}:{current[person.pk]}", hook)


@task()
def notify_coauthor_answered(
    idea_id: int, invitation_id: int, user_id: int, accepted: bool, attempt: int = 1
) -> int:
    """Tell the idea's author (who invites co-authors) that the invited person accepted or
    declined; only while the author may still see the idea (``notify`` checks)."""
    return notify_or_retry(
        notify_coauthor_answered,
        [idea_id, invitation_id, user_id, accepted],
        attempt,
        f"Co-author answer {invitation_id}",
        lambda: _coauthor_answered(idea_id, invitation_id, user_id, accepted),
    )


def _coauthor_answered(
    idea_id: int, invitation_id: int, user_id: int, accepted: bool
) -> list[Once]:
    idea = Idea.objects.select_related("community", "author").filter(pk=idea_id).first()
    person = User.objects.filter(pk=user_id).first()
    if idea is None or person is None:
        return []
    # Once per answer: an invitation is answered once (a new one has a new id).
    return [
        Once(
            f"ideas.coauthor_answered:{invitation_id}",
            lambda: notify(
                type_key="idea_coauthor_answered",
                recipients=[idea.author],
                actor=person,
                community=idea.community,
                target=idea,
                data={"title": idea.title[:200], "idea": idea.pk, "accepted": accepted},
            ),
        )
    ]


@task()
def notify_supports_not_carried(
    duplicate_id: int, idea_id: int, user_ids: list[int], attempt: int = 1
) -> int:
    """After a merge, tell the supporters of the duplicate whose support could not be carried
    over to the idea it joined (their budget in its campaign was used up)."""
    return notify_or_retry(
        notify_supports_not_carried,
        [duplicate_id, idea_id, user_ids],
        attempt,
        f"Merge of idea {duplicate_id}",
        lambda: _supports_not_carried(duplicate_id, idea_id, user_ids),
    )


def _supports_not_carried(duplicate_id: int, idea_id: int, user_ids: list[int]) -> list[Once]:
    duplicate = Idea.objects.filter(pk=duplicate_id).first()
    idea = Idea.objects.select_related("community").filter(pk=idea_id).first()
    if duplicate is None or idea is None:
        return []
    # A duplicate is merged once (a merged idea cannot be merged again).
    return [
        Once(
            f"ideas.not_carried:{duplicate_id}",
            lambda: notify(
                type_key="idea_support_not_carried",
                recipients=list(User.objects.filter(pk__in=user_ids).order_by("pk")),
                community=idea.community,
                target=idea,
                data={
                    "title": idea.title[:200],
                    "duplicate_title": duplicate.title[:200],
                    "idea": idea.pk,
                },
            ),
        )
    ]


@task()
def notify_status_changed(change_id: int, attempt: int = 1) -> int:
    """Tell supporters, commenters and the author about a status change, with its reason."""
    return notify_or_retry(
        notify_status_changed,
        [change_id],
        attempt,
        f"Idea status change {change_id}",
        lambda: _status_changed(change_id),
    )


def _status_changed(change_id: int) -> list[Once]:
    change = (
        StatusChange.objects.select_related("idea", "idea__community", "by")
        .filter(pk=change_id)
        .first()
    )
    if change is None:
        return []
    idea = change.idea
    return [
        Once(
            f"ideas.status_changed:{change_id}",
            lambda: notify(
                type_key="idea_status_changed",
                recipients=followers_of(idea),
                actor=change.by,
                community=idea.community,
                target=idea,
                data={
                    "title": idea.title[:200],
                    "status": change.to_status,
                    "reason": change.reason[:300],
                    "idea": idea.pk,
                },
            ),
        )
    ]


@task()
def notify_experiment_closed(experiment_id: int, attempt: int = 1) -> int:
    """Tell the team and, for an experiment from an idea, its followers: the result."""
    return notify_or_retry(
        notify_experiment_closed,
        [experiment_id],
        attempt,
        f"Experiment {experiment_id}",
        lambda: _experiment_closed(experiment_id),
    )


def _experiment_closed(experiment_id: int) -> list[Once]:
    experiment = (
        Experiment.objects.select_related("idea", "community", "owner")
        .filter(pk=experiment_id)
        .first()
    )
    if experiment is None or experiment.status != Experiment.Status.CLOSED:
        return []

    def hook() -> list[Notification]:
        people = {p.pk: p for p in experiment.team.filter(is_active=True)}
        if experiment.idea is not None:
            people |= {p.pk: p for p in followers_of(experiment.idea)}
        return notify(
            type_key="experiment_closed",
            recipients=list(people.values()),
            actor=experiment.owner,
            community=experiment.community,
            target=experiment,
            data={
                "title": experiment.title[:200],
                "result": experiment.result,
                "experiment": experiment.pk,
            },
        )

    return [Once(f"ideas.experiment_closed:{experiment_id}", hook)]


@task()
def send_experiment_due_reminders() -> int:
    """Remind owners of running experiments whose end date has come to close them (once per
    end date: an end date moved later is reminded again)."""
    return notify_once_per_due_date(
        Experiment.objects.filter(status=Experiment.Status.RUNNING).select_related(
            "owner", "community"
        ),
        due_field="ends_on",
        until=timezone.localdate(),
        sent_field="due_notified_at",
        ledger="ideas.experiment_due",
        send=lambda experiment: notify(
            type_key="experiment_due",
            recipients=[experiment.owner],
            community=experiment.community,
            target=experiment,
            data={"title": experiment.title[:200], "experiment": experiment.pk},
        ),
    )
