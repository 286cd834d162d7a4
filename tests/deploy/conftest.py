"""The container test (test_container_build.py) builds images for minutes: it is collected only
when asked for with HANSE_CONTAINER_TEST=1, so that `make test` neither runs nor skips it.
`.ci/run` runs it in a section of its own, once, after the two halves (README, "Tests")."""

from __future__ import annotations

import os

OPT_IN = os.environ.get("HANSE_CONTAINER_TEST") == "1"
collect_ignore = [] if OPT_IN else ["test_container_build.py"]
