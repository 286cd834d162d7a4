"""Settings of the worker processes the worker test starts: Hanse's own, with a short retry
backoff (TASK_RETRY_BASE_SECONDS) so that a retry completes within the test."""

from hanse.settings import *  # noqa: F403

TASK_RETRY_BASE_SECONDS = 1
