from __future__ import annotations

from hanse.people.models import User


def people_to_meet(*, user: User, limit: int = 6) -> list[User]:
    return []
