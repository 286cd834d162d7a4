from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from hanse.communities.models import Community
from hanse.ideas.models import Idea
from hanse.ideas.services import idea_create
from hanse.people.models import User


@pytest.fixture
def place(
    make_user: Callable[..., User], make_community: Callable[..., Community]
) -> dict[str, Any]:
    """An open community with an owner, a moderator, two members and an outsider."""
    owner = make_user("olga")
    moderator = make_user("mona")
    member = make_user("max")
    other = make_user("mia")
    outsider = make_user("otto")
    community = make_community(
        Community.Kind.OPEN, owner=owner, moderators=(moderator,), members=(member, other)
    )
    return {
        "owner": owner,
        "moderator": moderator,
        "member": member,
        "other": other,
        "outsider": outsider,
        "community": community,
    }


@pytest.fixture
def make_idea(db: None) -> Callable[..., Idea]:
    def make(author: User, **fields: Any) -> Idea:
        fields.setdefault("title", "Papierlose Kontoeröffnung")
        fields.setdefault("description", "Formulare am Tablet statt auf Papier.")
        return idea_create(author=author, **fields)

    return make
