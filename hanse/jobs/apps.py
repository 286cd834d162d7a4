from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    """Infrastructure for background work: the scheduler, retries, process heartbeats and the
    task worker command. Apps declare their recurring jobs in their own ``jobs.py`` and
    register them in their ``ready()``; nothing here imports an app."""

    name = "hanse.jobs"
    label = "jobs"
    verbose_name = _("Background jobs")

    def ready(self) -> None:
        from django_tasks.signals import task_finished

        from hanse.jobs import jobs, retry, scheduler  # the schedules load their tasks lazily

        scheduler.register(*jobs.SCHEDULES)
        task_finished.connect(retry.requeue_when_unavailable, dispatch_uid="hanse-requeue")

        # Logs and metrics of each task run; the finishing receiver last, so that a retry
        # queued by the receivers above still carries the request id.
        from django_tasks.signals import task_started

        from hanse.jobs import tasklog

        task_started.connect(tasklog.task_started, dispatch_uid="hanse-tasklog-started")
        task_finished.connect(tasklog.task_finished, dispatch_uid="hanse-tasklog-finished")
