"""A device described from its user agent: "Firefox on Windows", enough to recognise it.

A dozen patterns instead of a parser library: the sessions page needs the browser family and
the operating system, nothing more. Order matters: Edge and Opera also say "Chrome", Chrome
also says "Safari", Android also says "Linux".
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

_BROWSERS = [
    ("Edge", re.compile(r"\bEdg(e|A|iOS)?/")),
    ("Opera", re.compile(r"\bOPR/|\bOpera\b")),
    ("Firefox", re.compile(r"\bFirefox/|\bFxiOS/")),
    ("Chromium", re.compile(r"\bChromium/")),
    ("Chrome", re.compile(r"\bChrome/|\bCriOS/|HeadlessChrome/")),
    ("Safari", re.compile(r"\bSafari/")),
]
_SYSTEMS = [
    ("iPhone", re.compile(r"\biPhone\b")),
    ("iPad", re.compile(r"\biPad\b")),
    ("Android", re.compile(r"\bAndroid\b")),
    ("Windows", re.compile(r"\bWindows\b")),
    ("macOS", re.compile(r"\bMac OS X\b|\bMacintosh\b")),
    ("ChromeOS", re.compile(r"\bCrOS\b")),
    ("Linux", re.compile(r"\bLinux\b")),
]


def _first(patterns: list[tuple[str, re.Pattern[str]]], text: str) -> str:
    return next((name for name, pattern in patterns if pattern.search(text)), "")


def describe(user_agent: str) -> str:
    """ "Firefox on Windows", "Safari on iPhone", "Unknown device"."""
    browser = _first(_BROWSERS, user_agent or "")
    system = _first(_SYSTEMS, user_agent or "")
    if browser and system:
        return _("%(browser)s on %(system)s") % {"browser": browser, "system": system}
    return browser or system or _("Unknown device")
