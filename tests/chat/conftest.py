from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from hanse.chat import services
from hanse.chat.models import Channel
from hanse.people.models import User


@pytest.fixture
def people(make_user: Callable[..., User]) -> dict[str, User]:
    return {name: make_user(name) for name in ("anna", "ben", "cara", "dora")}


@pytest.fixture
def private_channel(people: dict[str, User]) -> Channel:
    """A private channel of anna (admin) with ben."""
    return services.channel_create(
        by=people["anna"], name="Vorstand intern", kind="private", members=[people["ben"]]
    )


@pytest.fixture
def public_channel(people: dict[str, User]) -> Channel:
    return services.channel_create(by=people["anna"], name="Kaffeeküche", kind="public")


@pytest.fixture
def post(django_capture_on_commit_callbacks: Any) -> Callable[..., Any]:
    """Post a message and run its after-commit effects (live push, notifications)."""

    def make(channel: Channel, author: User, body: str = "Hallo", **kw: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            message, _created = services.message_post(
                channel=channel, author=author, body=body, **kw
            )
        return message

    return make
