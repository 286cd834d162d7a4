"""State of background work: the schedule's next runs, the processes' signs of life and the
ledger of work done once."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ScheduledJob(models.Model):
    """State of one recurring job of the scheduler (the schedules themselves live in code)."""

    name = models.CharField(max_length=80, unique=True)
    next_run_at = models.DateTimeField()
    last_run_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # The table was created by the notifications app, which owned the scheduler before.
        db_table = "notifications_scheduledjob"
        verbose_name = _("scheduled job")
        verbose_name_plural = _("scheduled jobs")

    def __str__(self) -> str:
        return f"{self.name} (next {self.next_run_at:%Y-%m-%d %H:%M})"


class Heartbeat(models.Model):
    """The last sign of life of one background process (a task worker, the scheduler).

    Kept in the database, not the cache: without Redis every process has a cache of its own,
    and ``/readyz`` in the web process must see the worker's beats."""

    class Role(models.TextChoices):
        WORKER = "worker", _("task worker")
        SCHEDULER = "scheduler", _("scheduler")

    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    # host:pid of the process, so that several workers each have their row.
    instance = models.CharField(_("process"), max_length=200)
    started_at = models.DateTimeField(_("started"))
    seen_at = models.DateTimeField(_("last seen"))

    class Meta:
        verbose_name = _("process heartbeat")
        verbose_name_plural = _("process heartbeats")
        constraints = [
            models.UniqueConstraint(fields=["role", "instance"], name="heartbeat_role_instance")
        ]
        # /readyz asks for the newest beat of each role.
        indexes = [models.Index(fields=["role", "seen_at"], name="heartbeat_role_seen_idx")]

    def __str__(self) -> str:
        return f"{self.role} {self.instance}"


class OutboxEvent(models.Model):
    """A task that a committed write must queue (hanse/jobs/outbox.py).

    Written in the same transaction as the write, so the work is never lost between the
    commit and the enqueue (Redis down, the process killed): the relay of the scheduler
    queues the rows still without ``enqueued_at``."""

    task_path = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("arguments"), default=list, blank=True)
    kwargs = models.JSONField(_("keyword arguments"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    enqueued_at = models.DateTimeField(_("queued"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True, default="")

    class Meta:
        verbose_name = _("outbox event")
        verbose_name_plural = _("outbox events")
        indexes = [
            # The relay reads only the rows still waiting: a small partial index.
            models.Index(
                fields=["created_at"],
                condition=models.Q(enqueued_at__isnull=True),
                name="outbox_waiting_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task_path}{tuple(self.args)}"


class DeliveredEvent(models.Model):
    """Idempotency ledger: a piece of work (``post_created:42``) that was done.

    Written in the same transaction as the work (hanse/jobs/once.py), so a task that runs
    twice (a retry, a worker killed half-way and recovered, two schedulers) does it once."""

    key = models.CharField(max_length=120, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        # The table was created by the notifications app, which kept the ledger before.
        db_table = "notifications_deliveredevent"
        verbose_name = _("delivered event")
        verbose_name_plural = _("delivered events")

    def __str__(self) -> str:
        return self.key
