"""Smoke: a post is indexed after its commit and found by its words."""

from __future__ import annotations

from typing import Any

from hanse.posts.services.posts import post_create
from tests.search.conftest import ids


def test_post_found_after_commit(user: Any, committed: Any, find: Any) -> None:
    with committed():
        post = post_create(author=user, body="Neue Kredite für die Filialen in Mölln")
    results = find(user, "Kredit Filiale")
    assert ids(results) == [post.pk]
    assert "<mark>Kredite</mark>" in results.hits[0].snippet
    assert results.counts["post"] == 1
