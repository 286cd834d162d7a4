"""The operator page in German at 390, 800, 1024 and 1280 px with failed, queued tasks and
scheduler jobs (database queue, as `make run` has it): no sideways scrolling, axe clean,
screenshots with HANSE_SCREENSHOTS; retry through the real button."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone

from hanse.jobs.models import ScheduledJob
from hanse.people.models import User
from tests.browser.widths import look_at_widths
from tests.jobs.test_operator import DB_TASKS, _run_db_worker
from tests.observability import sample

pytestmark = pytest.mark.django_db(transaction=True)


@override_settings(TASKS=DB_TASKS)
def test_operator_page_at_four_widths(
    new_page: Callable[..., Any],
    login: Callable[..., None],
    make_user: Callable[..., User],
    axe_check: Callable[..., Any],
) -> None:
    operator = make_user("ops", ui_language="de", is_staff=True)
    sample.always_fails.enqueue("kaputt")
    _run_db_worker()
    for n in range(3):
        sample.always_fails.enqueue(f"wartet-{n}")
    now = timezone.now()
    ScheduledJob.objects.create(
        name="notifications.daily_digest",
        last_run_at=now - timedelta(hours=23),
        next_run_at=now + timedelta(hours=1),
    )
    ScheduledJob.objects.create(name="jobs.outbox_relay", next_run_at=now - timedelta(hours=2))
    page = new_page(name="ops")
    login(page, operator)
    page.goto("/operations/")
    assert page.locator("h1").inner_text() == "Betrieb"
    look_at_widths(page, "operator", axe=axe_check)
    page.get_by_role("button", name="Erneut versuchen").first.click()
    page.wait_for_url("**/operations/")
    assert "Die Aufgabe wurde erneut eingereiht." in page.content()
    assert page.locator("#ops-failed ~ p.empty, #ops-failed + p.empty").count() == 1
