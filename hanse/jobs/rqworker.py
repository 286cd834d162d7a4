"""The RQ worker class of ``manage.py hanse_worker``: jobs run in the worker process itself.

RQ's default worker forks a process per job. Each child starts without the parent's database
pool threads and caches, opens its own connections, and its fork and teardown cost tens of
milliseconds, so under load the queue of short jobs (notifications, bell counts, pushes) fell
seconds behind: the bell count of a mention took more than 2 s to change. Our jobs are short
and trusted, so one process runs them one after the other (RQ's ``SimpleWorker``).

Time limits stay what they were: RQ's ``SimpleWorker`` keeps each job's timeout with SIGALRM
in the worker's main thread (``UnixSignalDeathPenalty``), so a job that runs too long is
ended with ``JobTimeoutException`` and recorded as failed. Between jobs the worker gives its
database connections back, as a web request does at its end, so that a restarted PostgreSQL
or an idle pool never leaves it with a dead connection."""

from __future__ import annotations

from typing import Any

from django.db import close_old_connections
from rq import SimpleWorker

from hanse.jobs import backends, tasklog


class HanseWorker(SimpleWorker):
    """RQ's SimpleWorker with Django's connection handling around each job."""

    def execute_job(self, job: Any, queue: Any) -> Any:
        close_old_connections()
        # The request id that queued the job (hanse/jobs/backends.py), bound for the job, its
        # callbacks and its log line (hanse/jobs/tasklog.py).
        token = tasklog.bind_from_worker((job.meta or {}).get(backends.META_KEY))
        try:
            return super().execute_job(job, queue)
        finally:
            tasklog.unbind_from_worker(token)
            close_old_connections()
