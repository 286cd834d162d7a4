"""The idea's status machine: every allowed and refused change, reasons required, and the
"you said, we did" notification sent once to supporters, commenters and the author."""

from __future__ import annotations

import itertools

import pytest

from hanse.core.errors import PermissionRefused, ServiceError
from hanse.ideas import rules, tasks
from hanse.ideas.models import Experiment, Idea, StatusChange
from hanse.ideas.services import (
    experiment_close,
    idea_comment,
    idea_status_change,
    idea_support,
)
from hanse.notifications.models import Notification

S = Idea.Status
ALLOWED = {
    (S.NEW, S.UNDER_REVIEW),
    (S.NEW, S.EXPERIMENT),
    (S.NEW, S.ADOPTED),
    (S.NEW, S.NOT_ADOPTED),
    (S.NEW, S.PARKED),
    (S.UNDER_REVIEW, S.EXPERIMENT),
    (S.UNDER_REVIEW, S.ADOPTED),
    (S.UNDER_REVIEW, S.NOT_ADOPTED),
    (S.UNDER_REVIEW, S.PARKED),
    (S.EXPERIMENT, S.ADOPTED),
    (S.EXPERIMENT, S.NOT_ADOPTED),
    (S.EXPERIMENT, S.PARKED),
    (S.PARKED, S.UNDER_REVIEW),
    (S.NOT_ADOPTED, S.UNDER_REVIEW),
}
ALL_PAIRS = list(itertools.product(S.values, S.values))


def _put(idea: Idea, status: str) -> Idea:
    """Put an idea into a status directly (the arrangement, not the thing under test)."""
    Idea.objects.filter(pk=idea.pk).update(status=status)
    idea.refresh_from_db()
    return idea


@pytest.mark.parametrize(("start", "target"), ALL_PAIRS)
def test_every_transition(place, make_idea, start, target):
    """Each pair of statuses is either allowed (and recorded) or refused (nothing written)."""
    idea = _put(make_idea(place["member"], community=place["community"]), start)
    kwargs = {"hypothesis": "Wenn wir …, dann …"} if target == S.EXPERIMENT else {}
    if (start, target) in ALLOWED:
        change = idea_status_change(
            idea=idea, by=place["moderator"], to_status=target, reason="Weil.", **kwargs
        )
        idea.refresh_from_db()
        assert idea.status == target
        assert (change.from_status, change.to_status, change.reason) == (start, target, "Weil.")
        assert Experiment.objects.filter(idea=idea).exists() == (target == S.EXPERIMENT)
    else:
        with pytest.raises(ServiceError) as refused:
            idea_status_change(
                idea=idea, by=place["moderator"], to_status=target, reason="Weil.", **kwargs
            )
        assert refused.value.code == "transition_refused"
        assert "cannot go from" in str(refused.value.message)
        idea.refresh_from_db()
        assert idea.status == start
        assert not StatusChange.objects.exists()
        assert not Experiment.objects.exists()


def test_the_table_is_the_rules_table():
    """The test's table and rules.TRANSITIONS say the same."""
    assert {(a, b) for a, targets in rules.TRANSITIONS.items() for b in targets} == ALLOWED


@pytest.mark.parametrize("reason", ["", "   "])
def test_reason_required(place, make_idea, reason):
    idea = make_idea(place["member"], community=place["community"])
    with pytest.raises(ServiceError) as refused:
        idea_status_change(idea=idea, by=place["moderator"], to_status=S.PARKED, reason=reason)
    assert refused.value.code == "required"
    assert not StatusChange.objects.exists()
    idea.refresh_from_db()
    assert idea.status == S.NEW


def test_experiment_needs_hypothesis(place, make_idea):
    idea = make_idea(place["member"], community=place["community"])
    with pytest.raises(ServiceError):
        idea_status_change(idea=idea, by=place["moderator"], to_status=S.EXPERIMENT, reason="Ja")
    assert not StatusChange.objects.exists() and not Experiment.objects.exists()


def test_unknown_status_refused(place, make_idea):
    idea = make_idea(place["member"], community=place["community"])
    with pytest.raises(ServiceError) as refused:
        idea_status_change(idea=idea, by=place["moderator"], to_status="done", reason="x")
    assert refused.value.code == "unknown_status"


@pytest.mark.parametrize("actor", ["member", "other", "outsider"])
def test_only_reviewers_change_status(place, make_idea, actor):
    idea = make_idea(place["member"], community=place["community"])
    with pytest.raises(PermissionRefused):
        idea_status_change(idea=idea, by=place[actor], to_status=S.PARKED, reason="x")


@pytest.mark.parametrize("actor", ["moderator", "owner"])
def test_moderators_and_owners_review(place, make_idea, actor):
    idea = make_idea(place["member"], community=place["community"])
    idea_status_change(idea=idea, by=place[actor], to_status=S.PARKED, reason="x")
    assert Idea.objects.get().status == S.PARKED


def test_status_change_tells_followers_once(
    place, make_idea, make_user, django_capture_on_commit_callbacks
):
    """Supporters, commenters and the author hear it once; the reviewer does not; a task run
    twice tells nobody twice."""
    idea = make_idea(place["member"], community=place["community"])
    idea_support(idea=idea, user=place["other"])
    idea_comment(idea=idea, author=place["owner"], body="Gute Idee!")
    with django_capture_on_commit_callbacks(execute=True):
        change = idea_status_change(
            idea=idea, by=place["moderator"], to_status=S.UNDER_REVIEW, reason="Wir prüfen das."
        )
    notes = Notification.objects.filter(type="idea_status_changed")
    assert sorted(n.recipient.username for n in notes) == ["max", "mia", "olga"]
    assert all(n.data["reason"] == "Wir prüfen das." for n in notes)
    tasks.notify_status_changed.call(change.pk)
    assert Notification.objects.filter(type="idea_status_changed").count() == 3


def test_refused_change_tells_nobody(place, make_idea, django_capture_on_commit_callbacks):
    idea = make_idea(place["member"], community=place["community"])
    idea_support(idea=idea, user=place["other"])
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ServiceError):
        idea_status_change(idea=idea, by=place["moderator"], to_status=S.PARKED, reason="")
    assert not Notification.objects.exists()


def test_merged_idea_takes_no_status_change(place, make_idea):
    from hanse.ideas.services import idea_merge

    a = make_idea(place["member"], community=place["community"])
    b = make_idea(place["other"], community=place["community"], title="Dasselbe")
    idea_merge(duplicate=b, into=a, by=place["moderator"])
    b.refresh_from_db()
    with pytest.raises(ServiceError):
        idea_status_change(idea=b, by=place["moderator"], to_status=S.PARKED, reason="x")


# --- experiments ---------------------------------------------------------------------------


def _experiment(place, make_idea) -> Experiment:
    idea = make_idea(place["member"], community=place["community"])
    idea_status_change(
        idea=idea,
        by=place["moderator"],
        to_status=S.EXPERIMENT,
        reason="Probieren wir aus.",
        hypothesis="Wenn wir Tablets nutzen, sinkt der Papierverbrauch um 30 %.",
    )
    return Experiment.objects.get(idea=idea)


@pytest.mark.parametrize(
    ("result", "lessons", "code"),
    [
        ("", "Gelernt.", "result_required"),
        ("refuted", "", "required"),
        ("maybe", "x", "result_required"),
    ],
)
def test_closing_needs_result_and_lessons(place, make_idea, result, lessons, code):
    experiment = _experiment(place, make_idea)
    with pytest.raises(ServiceError) as refused:
        experiment_close(
            experiment=experiment, by=place["moderator"], result=result, lessons=lessons
        )
    assert refused.value.code == code
    experiment.refresh_from_db()
    assert experiment.status == Experiment.Status.RUNNING and experiment.lessons == ""


def test_close_once_and_tell_followers_once(place, make_idea, django_capture_on_commit_callbacks):
    experiment = _experiment(place, make_idea)
    idea_support(idea=experiment.idea, user=place["other"])
    with django_capture_on_commit_callbacks(execute=True):
        experiment_close(
            experiment=experiment,
            by=place["moderator"],
            result="refuted",
            lessons="Die Kundschaft wollte Papier zum Mitnehmen.",
            next_step="another",
        )
    experiment.refresh_from_db()
    assert (experiment.status, experiment.result, experiment.next_step) == (
        "closed",
        "refuted",
        "another",
    )
    recipients = sorted(
        Notification.objects.filter(type="experiment_closed").values_list(
            "recipient__username", flat=True
        )
    )
    assert recipients == ["max", "mia"]
    with pytest.raises(ServiceError) as again:
        experiment_close(
            experiment=experiment, by=place["moderator"], result="confirmed", lessons="x"
        )
    assert again.value.code == "closed"
    tasks.notify_experiment_closed.call(experiment.pk)
    assert Notification.objects.filter(type="experiment_closed").count() == 2


@pytest.mark.parametrize("actor", ["other", "outsider"])
def test_only_owner_or_moderator_closes(place, make_idea, actor):
    experiment = _experiment(place, make_idea)
    with pytest.raises(PermissionRefused):
        experiment_close(experiment=experiment, by=place[actor], result="confirmed", lessons="x")


def test_due_reminder_once(place, make_idea):
    """The scheduler's job tells the owner once when the end date has come."""
    from datetime import timedelta

    from django.utils import timezone

    experiment = _experiment(place, make_idea)
    Experiment.objects.filter(pk=experiment.pk).update(
        ends_on=timezone.localdate() - timedelta(days=1)
    )
    assert tasks.send_experiment_due_reminders.call() == 1
    assert tasks.send_experiment_due_reminders.call() == 0
    note = Notification.objects.get(type="experiment_due")
    assert note.recipient == place["moderator"]
