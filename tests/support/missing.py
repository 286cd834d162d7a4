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


def leave_to_the_postgresql_half() -> None:
    """For a test that brings a PostgreSQL server or databases of its own and never uses the
    suite's database: CI runs the whole suite twice (SQLite, then PostgreSQL and Redis), and
    such a test would do the same work in both halves. Under CI it runs in the PostgreSQL half
    only; on a laptop it runs wherever it can."""
    from django.db import connection

    if under_ci() and connection.vendor != "postgresql":
        pytest.skip("under CI this runs once, in the PostgreSQL half of the suite")
