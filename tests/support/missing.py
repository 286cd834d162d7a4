"""A component a fresh laptop may lack (Chromium, slapd, a PostgreSQL server): the test skips
there with the reason, and fails under CI, whose set-up (.ci/run) provides every component."""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def under_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def skip_or_fail(reason: str) -> NoReturn:
    if under_ci():
        pytest.fail(reason + " (under CI=true every component must be there)", pytrace=False)
    pytest.skip(reason)
