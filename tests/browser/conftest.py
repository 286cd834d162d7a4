"""Browser fixtures: Debian's Chromium driven by Playwright against pytest-django's live server.

Playwright never downloads a browser here: it launches the system Chromium through
``executable_path``. Each launch gets a fresh temporary profile (Playwright creates one per
launch and refuses a ``--user-data-dir`` argument), so no cookie or cache leaks between runs.

Widths: ``tests.browser.widths.look_at_widths(page, name, axe=axe_check)`` resizes a loaded
page through 390, 800, 1024 and 1280 px (``WIDTHS``), asserts that nothing scrolls sideways
and runs axe-core at each; with ``HANSE_SCREENSHOTS=/some/folder`` it also saves
``<name>-<width>.png`` there (the one switch for screenshots; nothing is saved without it).
A failed test's pages are saved in test-artifacts/ (git-ignored) by ``new_page``.
"""

from __future__ import annotations

import json
import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from hanse.people.models import User
from tests.browser.widths import WIDTHS
from tests.conftest import PASSWORD
from tests.support.missing import skip_or_fail
from tests.support.saml import saml_idp  # noqa: F401  # the real SAML IdP (test_sso.py)

try:  # Playwright is a dev dependency; without it the browser tests skip (or fail in CI).
    from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
except ImportError:  # pragma: no cover - exercised only on a machine without the package
    sync_playwright = None  # type: ignore[assignment]

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
AXE_SCRIPT = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
}
TIMEOUT_MS = 10_000
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice")
# Rules axe-core marks experimental that we hold every page to as well: a control's accessible
# name must contain its visible text (WCAG 2.5.3), or speech users cannot say what they see.
AXE_EXTRA_RULES = ("label-content-name-mismatch",)
AXE_BLOCKING = ("serious", "critical")
# One axe-core run takes 0.2 to 2 s; a loaded CI machine may need several times that.
AXE_TIMEOUT_MS = 60_000


def chromium_path() -> str:
    return os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def _missing(message: str) -> None:
    """Skip on a developer machine; in CI a missing browser is a broken set-up, not a skip."""
    skip_or_fail(message)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Keep each phase's report on the item so fixtures can tell whether the test failed."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="module")
def playwright_instance() -> Iterator[Playwright]:
    """One Playwright driver per test module; it stops before other modules' tests run."""
    path = chromium_path()
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        _missing(f"Chromium not found at {path}; install it with apt-get install chromium")
    if sync_playwright is None:
        _missing("The Python package playwright is missing; run make install")
    # Playwright's sync API keeps an event loop running in this thread; Django's ORM would
    # refuse to run next to it. The tests only use the ORM for set-up and assertions.
    # Assertions wait as long as actions: a loaded CI machine can be slow to render.
    expect.set_options(timeout=TIMEOUT_MS)
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            yield playwright
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="module")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    browser = playwright_instance.chromium.launch(
        executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture
def new_page(
    browser: Browser, live_server: Any, request: pytest.FixtureRequest
) -> Iterator[Callable[..., Page]]:
    """Open a page in a fresh context (its own cookies: one per person in a flow).

    ``new_page()`` is a desktop page, ``new_page(phone=True)`` a phone. On failure every page
    opened this way is saved as a screenshot in test-artifacts/.
    """
    opened: list[tuple[str, Page]] = []

    def make(*, phone: bool = False, name: str = "") -> Page:
        options: dict[str, Any] = dict(PHONE if phone else DESKTOP)
        context = browser.new_context(
            base_url=live_server.url, locale="en-US", timezone_id="Europe/Berlin", **options
        )
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        opened.append((name or ("phone" if phone else "desktop"), page))
        return page

    yield make

    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid).strip("_")
        for index, (name, page) in enumerate(opened):
            target = ARTIFACTS / f"{stem}-{index}-{name}.png"
            try:
                page.screenshot(path=str(target), full_page=True)
                print(f"screenshot of the failed test: {target} ({page.url})")
            except Exception as exc:  # the page may be gone already
                print(f"could not save a screenshot of {page.url}: {exc}")
    for _, page in opened:
        page.context.close()
    _wait_for_requests_to_end()


@pytest.fixture(autouse=True)
def _requests_end_before_the_flush(request: pytest.FixtureRequest) -> Iterator[None]:
    """Tests that open browser contexts themselves (not through ``new_page``) get the same
    wait as ``new_page`` gives: set up after the test's database, so that it is torn down
    (waits) before the database is flushed. Without it a request a closed page had started
    held a table lock and the flush failed ("database table is locked: people_user")."""
    if "live_server" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("transactional_db")
    yield
    _wait_for_requests_to_end()


def _wait_for_requests_to_end(timeout: float = 10.0) -> None:
    """Let the live server finish what the closed pages asked for before the test's database
    is flushed: a request still reading the in-memory SQLite database holds a table lock, and
    the flush fails with "database table is locked" (seen on a loaded CI machine)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        busy = [t for t in threading.enumerate() if "process_request_thread" in t.name]
        if not busy:
            return
        time.sleep(0.05)


@pytest.fixture
def german_page(
    browser: Browser, live_server: Any, login: Callable[..., None]
) -> Iterator[Callable[..., Page]]:
    """``german_page(person, width=WIDTHS[0])``: a page in a context of its own, in German as the
    bank's people use Hanse (de-DE, Europe/Berlin), signed in as ``person``, 900 px high; the
    widths tests start on the phone and resize (tests/browser/widths.py). Contexts a test
    leaves open are closed afterwards."""
    contexts: list[Any] = []

    def make(person: User, *, width: int = WIDTHS[0]) -> Page:
        context = browser.new_context(
            base_url=live_server.url,
            locale="de-DE",
            timezone_id="Europe/Berlin",
            viewport={"width": width, "height": 900},
        )
        contexts.append(context)
        page = context.new_page()
        login(page, person)
        return page

    yield make
    for context in contexts:
        context.close()  # a no-op for the ones the test closed


@pytest.fixture
def page(new_page: Callable[..., Page]) -> Page:
    """A desktop page (1280x800) on the live server."""
    return new_page()


@pytest.fixture
def phone_page(new_page: Callable[..., Page]) -> Page:
    """A phone page (390x844, touch, mobile viewport) on the live server."""
    return new_page(phone=True)


@pytest.fixture
def login() -> Callable[..., None]:
    """Sign a person in through the real allauth form, as they would."""

    def do_login(page: Page, user: User, *, password: str = PASSWORD) -> None:
        page.goto("/accounts/login/")
        form = page.locator("form").filter(has=page.locator("input[name=login]"))
        form.locator("input[name=login]").fill(user.username)
        form.locator("input[name=password]").fill(password)
        with page.expect_navigation():
            form.locator("input[name=password]").press("Enter")
        if "/accounts/login/" in page.url:
            raise AssertionError(f"{user.username} could not log in: {page.url}")

    return do_login


def _describe(violations: list[dict[str, Any]], url: str) -> str:
    lines = [f"axe-core found {len(violations)} serious or critical violation(s) on {url}:"]
    for violation in violations:
        lines.append(
            f"- [{violation['impact']}] {violation['id']}: {violation['help']} "
            f"({violation['helpUrl']})"
        )
        for node in violation["nodes"][:5]:
            target = " ".join(str(part) for part in node.get("target", []))
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"    at {target}: {summary}")
            lines.append(f"       {node.get('html', '')[:200]}")
        if len(violation["nodes"]) > 5:
            lines.append(f"    … and {len(violation['nodes']) - 5} more element(s)")
    return "\n".join(lines)


def _run_axe(page: Page, tags: tuple[str, ...]) -> dict[str, Any]:
    """axe-core's result for the page. Started without awaiting it and then waited for with a
    timeout: ``page.evaluate`` has none, and a run that never settled once kept a CI worker
    waiting until pytest-timeout ended it. A run that has not settled after AXE_TIMEOUT_MS is
    started once more (axe runs are idempotent); a second one fails the test."""
    for attempt in (1, 2):
        page.evaluate(
            "([tags, extra]) => { window.__hanseAxe = null; axe.run(document, "
            "{runOnly: {type: 'tag', values: tags}, resultTypes: ['violations'], "
            "rules: Object.fromEntries(extra.map((id) => [id, {enabled: true}]))})"
            ".then((result) => { window.__hanseAxe = {result: result}; },"
            " (error) => { window.__hanseAxe = {error: String(error)}; }); }",
            [list(tags), list(AXE_EXTRA_RULES)],
        )
        try:
            outcome = page.wait_for_function(
                "() => window.__hanseAxe", timeout=AXE_TIMEOUT_MS
            ).json_value()
        except PlaywrightTimeoutError:
            if attempt == 2:
                pytest.fail(
                    f"axe-core did not finish on {page.url} in {AXE_TIMEOUT_MS} ms, twice",
                    pytrace=False,
                )
            continue
        if "error" in outcome:
            pytest.fail(f"axe-core failed on {page.url}: {outcome['error']}", pytrace=False)
        return outcome["result"]  # type: ignore[no-any-return]
    raise AssertionError("unreachable")


@pytest.fixture
def axe_check() -> Callable[..., list[dict[str, Any]]]:
    """Run axe-core (WCAG 2 A and AA) on the page; fail on serious or critical violations.

    Returns all violations, so a test may look at the minor ones too.
    """
    if not AXE_SCRIPT.exists():
        _missing(f"axe-core not found at {AXE_SCRIPT}; run npm ci (make install)")
    source = AXE_SCRIPT.read_text(encoding="utf-8")

    def check(page: Page, *, tags: tuple[str, ...] = AXE_TAGS) -> list[dict[str, Any]]:
        page.wait_for_load_state("load")
        if not page.evaluate("() => typeof window.axe === 'object'"):
            # Evaluated through the DevTools protocol, not added as an inline <script>: the
            # Content Security Policy refuses inline scripts without the page's nonce.
            page.evaluate(source + "\n;0")
        result = _run_axe(page, tags)
        violations: list[dict[str, Any]] = result["violations"]
        blocking = [v for v in violations if v.get("impact") in AXE_BLOCKING]
        if blocking:
            print(json.dumps(blocking, indent=1)[:20_000])
            pytest.fail(_describe(blocking, page.url), pytrace=False)
        return violations

    return check
