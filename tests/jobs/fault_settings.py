"""Settings of the processes the fault tests start: Hanse's own with the database queue, or
RQ on the Redis named by HANSE_TEST_QUEUE_URL (a dead address simulates Redis down). Cache
and channel layer stay in the process, so only the queue is away."""

import os

from hanse.settings import *  # noqa: F403
from hanse.settings import INSTALLED_APPS

TASK_RETRY_BASE_SECONDS = 1
# The test kills the worker on purpose and recovers at once instead of after 15 minutes.
NOTIFICATION_STUCK_TASK_MINUTES = 0
OUTBOX_RELAY_AFTER_SECONDS = 0

_queue = os.environ.get("HANSE_TEST_QUEUE_URL", "")
if _queue:
    REDIS_URL = _queue
    RQ_QUEUES = {name: {"URL": _queue, "SOCKET_CONNECT_TIMEOUT": 2} for name in ("live", "default")}
    TASKS = {
        "default": {"BACKEND": "hanse.jobs.rq_backend.RQBackend", "QUEUES": ["live", "default"]}
    }
    INSTALLED_APPS = [*INSTALLED_APPS, "django_rq"]
