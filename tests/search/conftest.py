"""Fixtures of the search tests: writes that commit (so the index task runs, as in
production, after the commit) and a small bank with content to find."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import pytest

from hanse.search.selectors import SearchQuery, SearchResults, search


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Callable[[], AbstractContextManager[Any]]:
    """``with committed(): ...`` runs the after-commit work of the writes inside (the index
    update through the outbox and the immediate task backend)."""

    @contextmanager
    def run() -> Iterator[None]:
        with django_capture_on_commit_callbacks(execute=True):
            yield

    return run


@pytest.fixture
def find() -> Callable[..., SearchResults]:
    def run(user: Any, text: str, **options: Any) -> SearchResults:
        return search(user=user, query=SearchQuery(text=text, **options))

    return run


def titles(results: SearchResults) -> list[str]:
    return [hit.title for hit in results.hits]


def ids(results: SearchResults, type_key: str = "post") -> list[int]:
    return [hit.object_id for hit in results.hits if hit.type == type_key]


# The stream's cast (open, private and secret communities with an owner, a moderator, a
# member, an outsider and an admin) and its factories, for the UI, file and expert tests.
from tests.posts.conftest import Cast, cast, make_post, no_previews, png_upload  # noqa: E402, F401
