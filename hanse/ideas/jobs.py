"""The recurring jobs of ideas and experiments, registered with the scheduler in ready()."""

from __future__ import annotations

from datetime import timedelta

from hanse.jobs.scheduler import Schedule

SCHEDULES = (
    # Owners of running experiments whose end date has come are asked to close them.
    Schedule(
        name="ideas.experiment_due_reminders",
        task="hanse.ideas.tasks.send_experiment_due_reminders",
        every=timedelta(hours=6),
    ),
)
