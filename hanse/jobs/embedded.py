"""The embedded default: task worker and scheduler as threads of the web server process.

Without Redis, ``make run`` starts one process, uvicorn, and ``hanse.asgi`` starts these two
threads in it (when ``HANSE_EMBEDDED_JOBS`` is on, the default without Redis outside tests).
Everything a person sees is then shared by construction: the bell counts the worker forgets
live in the same memory cache the web requests read, and the worker's live pushes go through
the same channel layer the WebSockets listen on (hanse/realtime/memory_layer.py). With Redis,
``manage.py hanse_worker`` and ``hanse_scheduler`` run as processes of their own, as at scale.

Two worker threads run: one for the "live" queue only (notifications, bell counts, pushes)
and one for both queues, so that a slow job (a link preview, a file's text extraction) never
holds up a mention (hanse/jobs/queues.py). Each sleeps until a task is committed in this
process (or one second at most, for delayed tasks and retries), so a mention reaches the bell
without a polling delay.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.db import close_old_connections, transaction
from django.utils.crypto import get_random_string

from hanse.jobs import queues

logger = logging.getLogger(__name__)

# The longest a due task waits when nothing in this process woke the worker (delayed tasks,
# retries).
POLL_SECONDS = 1.0

_started = False
_lock = threading.Lock()
_wakes: list[threading.Event] = []
stop = threading.Event()


def _wake_all() -> None:
    for wake in _wakes:
        wake.set()


def _task_enqueued(**kwargs: Any) -> None:
    # The task's row is visible to the worker's connection only after the enqueuing commit.
    transaction.on_commit(_wake_all)


def _run_worker(queue_names: list[str], wake: threading.Event) -> None:
    # Imported here: the database backend's models load only once Django is set up.
    from django_tasks_db.compat import DEFAULT_TASK_BACKEND_ALIAS
    from django_tasks_db.management.commands.db_worker import Worker

    from hanse.jobs import heartbeat
    from hanse.jobs.models import Heartbeat

    # One heartbeat for the worker role is enough: the thread that takes every queue.
    beats = heartbeat.beat_in_background(Heartbeat.Role.WORKER) if len(queue_names) > 1 else None
    worker_id = "embedded-" + get_random_string(20)
    logger.info("Embedded task worker started (queues: %s).", ", ".join(queue_names))
    while not stop.is_set():
        wake.clear()
        try:
            # One batch: every task due now, then back here to sleep until woken.
            Worker(
                queue_names=queue_names,
                interval=0,
                batch=True,
                backend_name=DEFAULT_TASK_BACKEND_ALIAS,
                startup_delay=False,
                max_tasks=None,
                worker_id=worker_id,
                excluded_queue_names=[],
            ).run()
        except Exception:  # a database that is briefly away must not end the worker
            logger.exception("Embedded task worker: a batch failed.")
        finally:
            close_old_connections()
        wake.wait(POLL_SECONDS)
    if beats is not None:
        beats.set()


def _run_scheduler() -> None:
    # In the thread: the schedules are registered by the apps' ready(), after this module loads.
    from hanse.jobs import scheduler

    scheduler.run_forever(stop=stop)


def start() -> bool:
    """Start the worker and scheduler threads once per process; False if already running."""
    global _started
    with _lock:
        if _started:
            return False
        _started = True
    from django_tasks.signals import task_enqueued

    task_enqueued.connect(_task_enqueued, dispatch_uid="hanse.jobs.embedded")
    for name, queue_names in (
        ("hanse-worker-live", [queues.LIVE]),
        ("hanse-worker", list(queues.ALL)),
    ):
        wake = threading.Event()
        _wakes.append(wake)
        threading.Thread(
            target=_run_worker, args=(queue_names, wake), name=name, daemon=True
        ).start()
    threading.Thread(target=_run_scheduler, name="hanse-scheduler", daemon=True).start()
    return True


def start_if_configured() -> bool:
    from django.conf import settings

    if getattr(settings, "HANSE_EMBEDDED_JOBS", False):
        return start()
    return False
