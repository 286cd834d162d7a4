"""Settings of the processes the request-id test starts: Hanse's own, with JSON logs and the
test's view mounted in front of Hanse's URLs."""

from hanse.settings import *  # noqa: F403

ROOT_URLCONF = "tests.observability.sample"
