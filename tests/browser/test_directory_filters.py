"""The people directory's filters fit a phone: at 320 px the org unit list (names indented by
depth, some long) showed cut off, wider than its column."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from hanse.people.models import OrgUnit
from hanse.people.services import orgunit_create
from tests.browser.test_flows import bank  # noqa: F401  # the fixture is used here
from tests.browser.widths import look_at_widths

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Each control of the filter form and its label: [name, its right edge, the form's inner right
# edge, its own width, the width its content asks for].
MEASURE = """() => {
  const form = document.querySelector('form.filters');
  const box = form.getBoundingClientRect();
  const inner = box.right - parseFloat(getComputedStyle(form).paddingRight);
  return [...form.querySelectorAll('select, input, label, button')].map((e) => {
    const r = e.getBoundingClientRect();
    return [e.name || e.textContent.trim(), r.right, inner, r.width, e.scrollWidth];
  });
}"""


def test_the_filters_fit_at_every_width(
    bank: dict[str, Any],  # noqa: F811  # the fixture imported above
    page: Page,
    login: Callable[..., None],
) -> None:
    """Every filter stays inside the form at 320, 390 and 800 px, the unit list included,
    even with a deep unit of a long name; the page does not scroll sideways."""
    parent = OrgUnit.objects.get(name="IT-Betrieb")
    orgunit_create(
        name="Informationssicherheits- und Notfallmanagement (Rechenzentrum Nord)",
        kind=OrgUnit.Kind.DEPARTMENT,
        parent=parent,
    )
    page.set_default_timeout(60_000)  # the shared machine can be very busy
    login(page, bank["anna"])
    page.goto(reverse("people:directory"))
    outside = []

    def inside(width: int) -> None:
        for name, right, inner, _own, _asks in page.evaluate(MEASURE):
            if right > inner + 0.5:
                outside.append(f"{name} at {width} px: right edge {right:.0f} > {inner:.0f}")

    look_at_widths(page, "people-directory", each=inside, widths=(320, 390, 800))
    assert outside == []
