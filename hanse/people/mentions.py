"""Whom a person most likely means by "@an…": the ranking of the mention autocomplete.

A name that matches exactly comes first, then the people the author works with: the same
org unit, people they follow, and the signals apps above register from their ``ready()``
(chat: recent chat partners; communities: members of the community the text is written in).
People knows none of those apps; each signal is a subquery on the candidate's ``pk``, so the
ranking is one query however many signals there are and however many people match.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import (
    Case,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    Value,
    When,
)
from django.db.models.expressions import Combinable
from django.db.models.functions import Concat, Lower

from hanse.people.models import Follow, User


@dataclass(frozen=True, slots=True)
class MentionContext:
    """Who is writing, and where (a community's slug, when the text belongs to one)."""

    viewer: User
    community_slug: str = ""


@dataclass(frozen=True, slots=True)
class Signal:
    """A reason to rank a candidate higher: `condition` is a boolean expression on the
    candidate (``OuterRef("pk")`` in subqueries), or None when it does not apply here."""

    name: str
    weight: int
    condition: Callable[[MentionContext], Combinable | Q | None]


_SIGNALS: dict[str, Signal] = {}

# Weights: one strong tie (the same unit) beats one weaker tie, two weaker ties beat it.
SAME_UNIT = 4
FOLLOWED = 3


def register(signal: Signal) -> None:
    """Add (or replace, by name) a ranking signal; apps call this from ``ready()``."""
    _SIGNALS[signal.name] = signal


def signals() -> list[Signal]:
    return list(_SIGNALS.values())


def _same_unit(context: MentionContext) -> Q | None:
    unit_id = context.viewer.org_unit_id
    return Q(org_unit_id=unit_id) if unit_id else None


def _followed(context: MentionContext) -> Exists:
    return Exists(Follow.objects.filter(follower=context.viewer, followee=OuterRef("pk")))


register(Signal("same_unit", SAME_UNIT, _same_unit))
register(Signal("followed", FOLLOWED, _followed))


def _name_filter(prefix: str) -> Q:
    match = (
        Q(username__istartswith=prefix)
        | Q(first_name__istartswith=prefix)
        | Q(last_name__istartswith=prefix)
    )
    if " " in prefix:
        # "Anna Sch" (the API takes spaces; the composer stops at one).
        match |= Q(full_name__istartswith=prefix)
    return match


def mention_people(*, context: MentionContext, prefix: str, limit: int) -> list[User]:
    """Active people whose name starts with `prefix`, the ones the author likely means first.

    Order: an exact name (first, last, full or username) before a mere prefix; then the sum of
    the signals' weights; then the name. The author themself comes last (one rarely mentions
    oneself). Deactivated people never appear.
    """
    lowered = prefix.lower()
    score = Value(0, output_field=IntegerField())
    for signal in signals():
        condition = signal.condition(context)
        if condition is None:
            continue
        score = score + Case(  # type: ignore[assignment]  # Value + Case is a CombinedExpression
            When(condition, then=Value(signal.weight)),
            default=Value(0),
            output_field=IntegerField(),
        )
    people = (
        User.objects.filter(is_active=True)
        .annotate(full_name=Concat("first_name", Value(" "), "last_name"))
        .filter(_name_filter(prefix))
        .annotate(
            exact=Case(
                When(
                    Q(username__iexact=lowered)
                    | Q(first_name__iexact=lowered)
                    | Q(last_name__iexact=lowered)
                    | Q(full_name__iexact=lowered),
                    then=Value(1),
                ),
                default=Value(0),
                output_field=IntegerField(),
            ),
            is_self=Case(
                When(pk=context.viewer.pk, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
            affinity=score,
        )
        .select_related("org_unit")
        .order_by("is_self", "-exact", "-affinity", Lower("last_name"), Lower("first_name"), "id")
    )
    return list(people[:limit])
