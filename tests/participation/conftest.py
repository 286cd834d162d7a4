from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from hanse.participation.models import Poll
from hanse.participation.services import poll_create
from hanse.people.models import User


@pytest.fixture
def make_poll(db: None) -> Callable[..., Poll]:
    """A poll with the answers Ja / Nein / Vielleicht unless given."""

    def make(author: User, **fields: Any) -> Poll:
        fields.setdefault("question", "Sollen wir freitags im Homeoffice arbeiten?")
        fields.setdefault("options", ["Ja", "Nein", "Vielleicht"])
        return poll_create(author=author, **fields)

    return make


def option_ids(poll: Poll) -> list[int]:
    return list(poll.options.order_by("position").values_list("pk", flat=True))
