"""A loaded page looked at across window widths, the way a person turns a tablet.

``look_at_widths(page, name)`` resizes the page it is given (no reload: the CSS media queries
apply again on a resize) to each width, checks that nothing scrolls sideways, and saves a
screenshot ``<name>-<width>.png`` into the folder that the environment variable
``HANSE_SCREENSHOTS`` names, only when it is set (``HANSE_SCREENSHOTS=/tmp/shots pytest
tests/browser/...``). Failure screenshots go to test-artifacts/ regardless (``new_page``).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Page

WIDTHS = (390, 800, 1024, 1280)
SCREENSHOTS = "HANSE_SCREENSHOTS"
OVERFLOW = "() => [document.documentElement.scrollWidth, window.innerWidth]"


def look_at_widths(
    page: Page,
    name: str,
    *,
    axe: Callable[[Page], object] | None = None,
    each: Callable[[int], object] | None = None,
    widths: tuple[int, ...] = WIDTHS,
    height: int = 900,
    full_page: bool = True,
) -> None:
    """At each width: resize ``page``, call ``each(width)`` (a test's own checks at that
    width), assert that the page does not scroll sideways (1 px tolerated for rounding), save
    ``$HANSE_SCREENSHOTS/<name>-<width>.png`` when that variable names a folder, and run
    ``axe(page)`` when given (axe-core is injected once per loaded page, not per width).
    Afterwards the viewport is what it was before; after a failure it stays at the failing
    width, so the failure screenshot shows it."""
    folder = os.environ.get(SCREENSHOTS)
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
    before = page.viewport_size
    for width in widths:
        page.set_viewport_size({"width": width, "height": height})
        if each is not None:
            each(width)
        scroll, inner = page.evaluate(OVERFLOW)
        assert scroll <= inner + 1, f"{name} scrolls sideways at {width} px ({scroll} px wide)"
        if folder:
            page.screenshot(path=str(Path(folder) / f"{name}-{width}.png"), full_page=full_page)
        if axe is not None:
            axe(page)
    if before is not None:
        page.set_viewport_size(before)
