from __future__ import annotations

from hanse.communities.models import Community
from hanse.people.models import User


def communities_of(*, user: User):
    return Community.objects.filter(memberships__user=user)
