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

# How long the worker's pub/sub thread blocks in one read of its command channel ("stop this
# job"). RQ 3.0 reads for 60 s at a time, and redis-py 8.2's PubSubWorkerThread.stop() waits
# for the thread to leave its read: a warm shutdown (SIGTERM from systemd or podman) then
# hung for up to a minute whenever the read had begun before the stop, and the container's
# stop timeout killed the worker (exit 137). One second bounds that wait; an idle channel
# costs one wake-up a second.
PUBSUB_READ_SECONDS = 1.0


class HanseWorker(SimpleWorker):
    """RQ's SimpleWorker with Django's connection handling around each job, and a stop that
    does not wait for a minute-long read of its command channel."""

    def subscribe(self) -> None:
        """RQ's own subscribe, with PUBSUB_READ_SECONDS instead of 60 s per read."""
        self.log.info("Worker %s: subscribing to channel %s", self.name, self.pubsub_channel_name)
        self.pubsub = self.connection.pubsub()
        self.pubsub.subscribe(**{self.pubsub_channel_name: self.handle_payload})
        # RQ declares the attribute as None only; it holds the thread as in RQ's own code.
        self.pubsub_thread = self.pubsub.run_in_thread(  # type: ignore[assignment]
            sleep_time=PUBSUB_READ_SECONDS,
            daemon=True,
            exception_handler=self._pubsub_exception_handler,
        )

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
