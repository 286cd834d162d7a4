"""Screenshots of the main pages of a running Hanse, on a desktop and on a phone.

A developer tool, not a test: start the demo (``make run``), then

    .venv/bin/python scripts/screenshots.py
    .venv/bin/python scripts/screenshots.py --url http://127.0.0.1:8000 --user anna.schmidt \\
        --password "$DEMO_PASSWORD" --out test-artifacts/screens / /people/

It signs in through the real login form and saves full-page PNGs named after the path and the
device, e.g. ``people_org-desktop.png``. It uses Debian's Chromium (``CHROMIUM_PATH`` overrides
/usr/bin/chromium) and never downloads a browser.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path
from typing import Any

DEFAULT_PATHS = [
    "/",
    "/people/",
    "/people/org/",
    "/people/anna.schmidt/",
    "/people/me/edit/",
    "/communities/",
    "/communities/connectoren/",
    "/accounts/login/",
    "/api/v1/docs",
]
DEVICES = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 3,
        "is_mobile": True,
        "has_touch": True,
    },
}
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


def file_stem(path: str) -> str:
    """'/' -> 'home', '/people/org/' -> 'people_org', '/api/v1/docs' -> 'api_v1_docs'."""
    stem = re.sub(r"[^A-Za-z0-9.-]+", "_", path).strip("_")
    return stem or "home"


def capture(page: Any, target: Path, viewport: dict[str, int]) -> None:
    """A full-page screenshot in which fixed bars (the phone's bottom navigation) sit where
    they belong: the viewport grows to the page's height instead of being stitched."""
    height = page.evaluate("() => document.documentElement.scrollHeight")
    page.set_viewport_size({"width": viewport["width"], "height": max(height, viewport["height"])})
    try:
        page.screenshot(path=str(target))
    finally:
        page.set_viewport_size(viewport)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Save desktop and phone screenshots of a running Hanse."
    )
    parser.add_argument("paths", nargs="*", default=DEFAULT_PATHS, help="paths to capture")
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="the running server")
    parser.add_argument(
        "--user", default="anna.schmidt", help="demo account (default anna.schmidt)"
    )
    parser.add_argument(
        "--password",
        default=os.environ.get("DEMO_PASSWORD", "hanse-demo"),
        help="the demo password (default: $DEMO_PASSWORD, else seed_demo's hanse-demo)",
    )
    parser.add_argument("--out", default="test-artifacts/screens", help="output folder")
    parser.add_argument(
        "--devices",
        default="desktop,phone",
        help="comma-separated: desktop, phone (default both)",
    )
    parser.add_argument("--language", default="de-DE", help="browser locale (default de-DE)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    chromium = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if not os.access(chromium, os.X_OK):
        print(f"Chromium not found at {chromium}; install it with apt-get install chromium")
        return 2
    devices = [d.strip() for d in args.devices.split(",") if d.strip()]
    unknown = [d for d in devices if d not in DEVICES]
    if unknown:
        print(f"Unknown device(s): {', '.join(unknown)}; choose from {', '.join(DEVICES)}")
        return 2

    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    base = args.url.rstrip("/")
    problems = 0
    started = time.monotonic()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, headless=True, args=CHROMIUM_ARGS
        )
        try:
            for device in devices:
                context = browser.new_context(
                    base_url=base, locale=args.language, **DEVICES[device]
                )
                context.set_default_timeout(15_000)
                page = context.new_page()
                try:
                    page.goto("/accounts/login/")
                    page.locator("input[name=login]").fill(args.user)
                    page.locator("input[name=password]").fill(args.password)
                    with page.expect_navigation():
                        page.locator("input[name=password]").press("Enter")
                except PlaywrightError as exc:
                    print(f"{device}: could not reach the login form at {base}: {exc}")
                    return 1
                if "/accounts/login/" in page.url:
                    print(f"{device}: logging in as {args.user} failed; check --user/--password")
                    return 1
                for path in args.paths:
                    target = out / f"{file_stem(path)}-{device}.png"
                    if path.startswith("/accounts/login"):
                        # The login page as a visitor sees it: a context without the session.
                        visitor = browser.new_context(
                            base_url=base, locale=args.language, **DEVICES[device]
                        )
                        shot_page = visitor.new_page()
                    else:
                        visitor = None
                        shot_page = page
                    try:
                        response = shot_page.goto(path, wait_until="networkidle")
                        status = response.status if response else 0
                        capture(shot_page, target, DEVICES[device]["viewport"])
                        flag = "" if status < 400 else f"  (HTTP {status})"
                        problems += status >= 400
                        print(f"{device:7} {path:32} -> {target}{flag}")
                    except PlaywrightError as exc:
                        problems += 1
                        print(f"{device:7} {path:32} failed: {exc}")
                    finally:
                        if visitor is not None:
                            visitor.close()
                context.close()
        finally:
            browser.close()
    print(f"Saved screenshots to {out}/ in {time.monotonic() - started:.1f}s.")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
