"""Settings of the worker processes the worker test starts: Hanse's own, with a short retry
backoff (TASK_RETRY_BASE_SECONDS) so that a retry completes within the test, and on RQ a
job time limit of 2 s."""

from hanse.settings import *  # noqa: F403

TASK_RETRY_BASE_SECONDS = 1
if REDIS_URL:  # noqa: F405
    # The time-limit test's slow task runs 30 s; it must be ended after 2.
    RQ_QUEUES["default"]["DEFAULT_TIMEOUT"] = 2  # noqa: F405
