"""Two reactions of the same kind at the same moment leave one row and a correct counter."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, connections

from hanse.posts.models import Post, Reaction
from hanse.posts.services.reactions import reaction_add, reaction_toggle


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite serialises writers on one file lock, so two threads never race inside the "
    "database; the real race is tested on PostgreSQL (set DATABASE_URL).",
)
@pytest.mark.parametrize("service", ["add", "toggle"])
def test_two_reactions_at_once_leave_one(cast: Any, service: str) -> None:
    """Two threads with their own connections react at the same moment: one row, count 1."""
    post = Post.objects.create(author=cast.member, scope="company", body="x", body_html="x")
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def react() -> None:
        try:
            barrier.wait(timeout=10)
            if service == "add":
                reaction_add(user=cast.owner, kind="like", post=post)
            else:
                reaction_toggle(user=cast.owner, kind="like", post=post)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=react) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert Reaction.objects.filter(post=post, user=cast.owner, kind="like").count() == 1
    post.refresh_from_db()
    assert post.reaction_count == 1


def test_reaction_add_twice_keeps_one_row(cast: Any) -> None:
    """On any database: the second add hits the unique constraint and changes nothing."""
    post = Post.objects.create(author=cast.member, scope="company", body="x", body_html="x")
    assert reaction_add(user=cast.owner, kind="like", post=post) is True
    assert reaction_add(user=cast.owner, kind="like", post=post) is False
    assert Reaction.objects.filter(post=post).count() == 1
    post.refresh_from_db()
    assert post.reaction_count == 1
