from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from hanse.communities.models import Community
from hanse.decisions.models import Proposal
from hanse.decisions.services import proposal_create
from hanse.people.models import User


@pytest.fixture
def circle(
    make_user: Callable[..., User], make_community: Callable[..., Community]
) -> dict[str, Any]:
    """A private community: owner, moderator, two members, an outsider."""
    people = {name: make_user(name) for name in ("olga", "mona", "max", "mia", "otto")}
    community = make_community(
        Community.Kind.PRIVATE,
        owner=people["olga"],
        moderators=(people["mona"],),
        members=(people["max"], people["mia"]),
    )
    return {**people, "community": community}


@pytest.fixture
def make_proposal(db: None) -> Callable[..., Proposal]:
    def make(proposer: User, community: Community, **fields: Any) -> Proposal:
        fields.setdefault("title", "Kernarbeitszeit abschaffen")
        fields.setdefault("text", "Ab März gibt es keine Kernarbeitszeit mehr.")
        fields.setdefault("deadline", timezone.now() + timedelta(days=7))
        return proposal_create(proposer=proposer, community=community, **fields)

    return make
