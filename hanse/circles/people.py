"""Turning sign-ups into the matcher's people, and the hard-rule check of a proposal."""

from __future__ import annotations

from collections.abc import Sequence

from hanse.circles.matching import ONLINE, Person
from hanse.circles.models import SignUp, SignUpWish
from hanse.circles.models.circles import SLOTS

_SLOT_BIT = {slot: i for i, slot in enumerate(SLOTS)}
_LANG = {"de": 1, "en": 2, "both": 3}


def slot_mask(slots: Sequence[int]) -> int:
    mask = 0
    for slot in slots:
        if slot in _SLOT_BIT:
            mask |= 1 << _SLOT_BIT[slot]
    return mask


def slots_of(mask: int) -> list[int]:
    return [slot for slot, bit in _SLOT_BIT.items() if mask >> bit & 1]


def venue_mask(signup: SignUp) -> int:
    on_site = 1 << (1 + signup.location_id) if signup.location_id else 0
    if signup.mode == SignUp.Mode.ONLINE or not on_site:
        return ONLINE
    if signup.mode == SignUp.Mode.ON_SITE:
        return on_site
    return ONLINE | on_site


def location_of(mask: int) -> int | None:
    """The location id of the on-site bit of a common venue mask (None: online only)."""
    rest = mask & ~ONLINE
    return rest.bit_length() - 2 if rest else None


def people_of(signups: Sequence[SignUp]) -> list[Person]:
    """The matcher's view of sign-ups: ids are sign-up ids; wishes point to sign-ups of the
    same round (a wish about someone who did not sign up is dropped)."""
    by_user = {s.user_id: s.pk for s in signups}
    wants: dict[int, set[int]] = {s.pk: set() for s in signups}
    excludes: dict[int, set[int]] = {s.pk: set() for s in signups}
    wishes = SignUpWish.objects.filter(signup__in=[s.pk for s in signups]).values_list(
        "signup_id", "other_id", "kind"
    )
    for signup_id, other_id, kind in wishes:
        other = by_user.get(other_id)
        if other is None:
            continue
        (wants if kind == SignUpWish.Kind.WITH else excludes)[signup_id].add(other)
    return [
        Person(
            id=s.pk,
            slots=slot_mask(s.slots),
            venues=venue_mask(s),
            languages=_LANG.get(s.language, 1),
            unit=s.user.org_unit_id,
            wants=frozenset(wants[s.pk]),
            excludes=frozenset(excludes[s.pk]),
        )
        for s in signups
    ]
