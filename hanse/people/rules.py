"""Who may change what about a person: the one place these decisions are made."""

from __future__ import annotations

from typing import Any

import rules

from hanse.core.rules import is_platform_admin


def _active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


@rules.predicate
def may_manage_people(user: Any) -> bool:
    """HR and administrators: they record a person's org unit, location and job title."""
    return _active(user) and (is_platform_admin(user) or bool(user.has_perm("people.change_user")))


@rules.predicate
def may_edit_profile(by: Any, person: Any) -> bool:
    """The person themself, or HR and administrators."""
    if not _active(by):
        return False
    return bool(by.pk == person.pk) or bool(may_manage_people(by))
