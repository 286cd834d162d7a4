"""Sections that apps above people add to a profile page (the person's posts, praise, ...).

People sits below the apps that own what a profile shows about a person's activity, so those
apps register a section from their ``AppConfig.ready()``, like badges (``badges.py``); the
profile renders what the sections answer and neither its view nor its template names the
apps. A section gets the request and the person and answers HTML ("" to show nothing); it
decides itself what the viewer may see.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.safestring import SafeString, mark_safe

if TYPE_CHECKING:
    from django.http import HttpRequest

    from hanse.people.models import User

Render = Callable[["HttpRequest", "User"], str]


@dataclass(frozen=True)
class Section:
    key: str
    render: Render
    # Lower comes first on the page.
    order: int = 100


_sections: dict[str, Section] = {}


def register(key: str, render: Render, *, order: int = 100) -> None:
    """Register a section; the same key again replaces it (autoreload, tests)."""
    _sections[key] = Section(key=key, render=render, order=order)


def render_all(request: HttpRequest, person: User) -> SafeString:
    """Every registered section for this profile, in order."""
    parts = [s.render(request, person) for s in sorted(_sections.values(), key=_order)]
    # Each part is a rendered template (escaped by Django's templates).
    return mark_safe("".join(parts))  # noqa: S308


def _order(section: Section) -> tuple[int, str]:
    return (section.order, section.key)
