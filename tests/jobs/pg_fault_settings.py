"""Settings of the processes of the PostgreSQL restart test: Hanse's own as deployed
(PostgreSQL, Redis), with the outbox relay and retries quicker so that the test need not wait
minutes for what would happen anyway."""

from hanse.settings import *  # noqa: F403

OUTBOX_RELAY_AFTER_SECONDS = 1
TASK_RETRY_BASE_SECONDS = 1
