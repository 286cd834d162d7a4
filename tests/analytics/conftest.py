from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import Permission

from hanse.analytics.models import AnalyticsSettings
from hanse.people.models import User


@pytest.fixture
def enabled(db: None) -> AnalyticsSettings:
    """Analytics switched on (as an administrator would, without the audit entry)."""
    return AnalyticsSettings.objects.update_or_create(
        pk=1, defaults={"enabled": True, "reason": "DV 2026/07"}
    )[0]


@pytest.fixture
def analyst(make_user: Callable[..., User]) -> User:
    """A person with the analytics role."""
    person = make_user("analyst")
    person.user_permissions.add(Permission.objects.get(codename="view_analytics"))
    return User.objects.get(pk=person.pk)  # a fresh object: permissions are cached


@pytest.fixture
def commit(django_capture_on_commit_callbacks: Any) -> Callable[..., Any]:
    """Run a write and its on-commit callbacks (where the edges are recorded)."""

    def run(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run
