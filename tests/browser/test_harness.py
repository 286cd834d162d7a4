"""The browser harness itself: axe_check really fails on serious violations, static files load."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page

pytestmark = pytest.mark.browser

BROKEN = """<!doctype html><html><head><title>Broken</title></head><body>
<main><h1>Broken</h1><img src="/static/hanse/img/hanse.svg">
<label>Name</label><input type="text" name="name"></main></body></html>"""

CLEAN = """<!doctype html><html lang="en"><head><title>Clean</title></head><body>
<main><h1>Clean</h1><img src="/static/hanse/img/hanse.svg" alt="Hanse">
<label for="name">Name</label><input id="name" type="text" name="name"></main></body></html>"""


def test_axe_check_fails_on_serious_violations(
    page: Page, axe_check: Callable[..., list[dict[str, Any]]]
) -> None:
    """A page without lang, alt text and labels fails, naming each rule."""
    page.set_content(BROKEN)
    with pytest.raises(pytest.fail.Exception) as failure:
        axe_check(page)
    message = str(failure.value)
    for rule in ("html-has-lang", "image-alt", "label"):
        assert rule in message


def test_axe_check_passes_a_clean_page(
    page: Page, axe_check: Callable[..., list[dict[str, Any]]]
) -> None:
    """A page that follows the rules passes and returns no serious violation."""
    page.set_content(CLEAN)
    violations = axe_check(page)
    assert [v["id"] for v in violations if v["impact"] in ("serious", "critical")] == []


def test_static_files_are_served(page: Page) -> None:
    """The live server hands out the stylesheet and htmx from node_modules."""
    for path in ("/static/hanse/css/hanse.css", "/static/vendor/htmx/htmx.min.js"):
        response = page.request.get(path)
        assert response.status == 200, path
        assert len(response.body()) > 1000, path
