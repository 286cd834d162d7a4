"""Badges on profiles and directory cards, contributed by apps above people.

People sits below the apps that know what a badge means (the multipliers' programme, WOL
circles), so those apps register a provider from their ``AppConfig.ready()``; people renders
what the providers answer and imports none of them. A provider gets the ids of a page of
people and the viewer, and answers in one or two queries for the whole page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hanse.people.models import User


@dataclass(frozen=True)
class Badge:
    label: str
    detail: str = ""
    url: str = ""


Provider = Callable[[Sequence[int], "User"], dict[int, list[Badge]]]
_providers: dict[str, Provider] = {}


def register(key: str, provider: Provider) -> None:
    """Register a provider; the same key again replaces it (autoreload, tests)."""
    _providers[key] = provider


def for_people(person_ids: Sequence[int], viewer: User) -> dict[int, list[Badge]]:
    found: dict[int, list[Badge]] = {}
    if not person_ids:
        return found
    for key in sorted(_providers):
        for pid, badges in _providers[key](person_ids, viewer).items():
            found.setdefault(pid, []).extend(badges)
    return found


def attach(people: Sequence[Any], viewer: User) -> None:
    """Set ``badges`` on each person of a page (the directory's cards read it)."""
    found = for_people([p.pk for p in people], viewer)
    for person in people:
        person.badges = found.get(person.pk, [])
