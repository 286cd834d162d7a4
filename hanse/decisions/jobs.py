"""The recurring jobs of consent decisions, registered with the scheduler in ready()."""

from __future__ import annotations

from datetime import timedelta

from hanse.jobs.scheduler import Schedule

SCHEDULES = (
    # Proposers whose deadline passed are asked for the outcome.
    Schedule(
        name="decisions.deadline_notices",
        task="hanse.decisions.tasks.send_deadline_notices",
        every=timedelta(minutes=15),
    ),
    # Decisions whose review date has come.
    Schedule(
        name="decisions.review_reminders",
        task="hanse.decisions.tasks.send_decision_review_reminders",
        every=timedelta(hours=6),
    ),
)
