"""The embedded default: task worker and scheduler as threads of the web server process.

Without Redis, ``make run`` starts one process, uvicorn, and ``hanse.asgi`` starts these two
threads in it (when ``HANSE_EMBEDDED_JOBS`` is on, the default without Redis outside tests).
Everything a person sees is then shared by construction: the bell counts the worker forgets
live in the same memory cache the web requests read, and the worker's live pushes go through
the same channel layer the WebSockets listen on (hanse/realtime/memory_layer.py). With Redis,
``manage.py hanse_worker`` and ``hanse_scheduler`` run as processes of their own, as at scale.

The worker sleeps until a task is committed in this process (or one second at most, for
delayed tasks and retries), so a mention reaches the bell without a polling delay.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.db import close_old_connections, transaction
from django.utils.crypto import get_random_string

logger = logging.getLogger(__name__)

# The longest a due task waits when nothing in this process woke the worker (delayed tasks,
# retries).
POLL_SECONDS = 1.0

_started = False
_lock = threading.Lock()
_wake = threading.Event()
stop = threading.Event()


def _task_enqueued(**kwargs: Any) -> None:
    # The task's row is visible to the worker's connection only after the enqueuing commit.
    transaction.on_commit(_wake.set)


def _run_worker() -> None:
    # Imported here: the database backend's models load only once Django is set up.
    from django_tasks_db.compat import DEFAULT_TASK_BACKEND_ALIAS
    from django_tasks_db.management.commands.db_worker import Worker

    from hanse.jobs import heartbeat
    from hanse.jobs.models import Heartbeat

    beats = heartbeat.beat_in_background(Heartbeat.Role.WORKER)
    worker_id = "embedded-" + get_random_string(20)
    logger.info("Embedded task worker started.")
    while not stop.is_set():
        _wake.clear()
        try:
            # One batch: every task due now, then back here to sleep until woken.
            Worker(
                queue_names=["default"],
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
        _wake.wait(POLL_SECONDS)
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
    for name, target in (("hanse-worker", _run_worker), ("hanse-scheduler", _run_scheduler)):
        threading.Thread(target=target, name=name, daemon=True).start()
    return True


def start_if_configured() -> bool:
    from django.conf import settings

    if getattr(settings, "HANSE_EMBEDDED_JOBS", False):
        return start()
    return False
