"""Writing a post costs a fixed, small number of queries, through the form and the API, and
the API's answer describes the new post exactly as reading it back does (issue 13)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from hanse.analytics.recording import recording_enabled
from hanse.posts.models import Mention, Post, Tag

pytestmark = pytest.mark.usefixtures("no_previews")
JSON = "application/json"
BODY = "Danke @olga und @moritz für das Treffen! #Connectoren"
# Two outbox events (the stream's announcement and the search index update): a row each with
# the post, then one hand-off for both after the commit (a savepoint here, one claim of both
# rows, the two queued tasks: 7 statements of the 17; 10 of 20 while each event was handed
# off alone); on PostgreSQL one more statement relaxes the hand-off's commit
# (hanse/jobs/outbox.py).
QUERIES = 17 + (connection.vendor == "postgresql")


@pytest.fixture
def queued(settings: Any) -> None:
    """Side effects go to the database queue and are not run, as in production (tests run
    them inline otherwise, and their queries would count as the request's)."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["live", "default"]}
    }


@pytest.mark.parametrize("case", ["company", "community", "moderated", "share"])
def test_api_create_answers_as_a_read_does(
    cast: Any, client_for: Callable[..., Client], case: str
) -> None:
    """The post in the 201 answer is the post GET /api/v1/posts/<id> returns."""
    author = cast.moderator if case == "moderated" else cast.member
    client = client_for(author)
    payload: dict[str, Any] = {"body": BODY}
    if case in ("community", "moderated"):
        payload["community"] = cast.open.slug
    if case == "share":
        original = client.post(
            "/api/v1/posts", {"body": "Offen", "community": cast.open.slug}, content_type=JSON
        ).json()
        payload["shared_post_id"] = original["id"]
    created = client.post("/api/v1/posts", payload, content_type=JSON)
    assert created.status_code == 201, created.content
    read = client.get(f"/api/v1/posts/{created.json()['id']}")
    assert created.json() == read.json()
    assert created.json()["can_pin"] is (case == "moderated")
    assert 'href="/people/olga/"' in created.json()["body_html"]


def test_api_create_with_a_key_answers_with_the_first_post(
    cast: Any, client_for: Callable[..., Client]
) -> None:
    """A retry with the same Idempotency-Key describes the first post as it is now."""
    client = client_for(cast.member)
    first = client.post(
        "/api/v1/posts", {"body": BODY}, content_type=JSON, headers={"Idempotency-Key": "k1"}
    ).json()
    client_for(cast.owner).put(f"/api/v1/posts/{first['id']}/reactions/like")
    again = client.post(
        "/api/v1/posts", {"body": BODY}, content_type=JSON, headers={"Idempotency-Key": "k1"}
    )
    assert again.status_code == 201
    assert again.json()["id"] == first["id"] and again.json()["reaction_counts"] == {"like": 1}
    assert Post.objects.count() == 1


def test_api_create_query_count(
    cast: Any,
    client_for: Callable[..., Client],
    queued: None,
    django_assert_num_queries: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """A company post with two mentions and a known tag: the user, the mentioned people and
    communities, the writes, the queue's outbox mark and the answer's attachments. (Reading
    the post back through the visibility rule and its comments cost eight more.)"""
    Tag.objects.create(name="connectoren")
    client = client_for(cast.member)
    client.get("/api/v1/feed")  # the session is read once per client, as on any page
    # Network analytics' switch, as a running server holds it (read at most every 30 s).
    recording_enabled()
    with (
        django_assert_num_queries(QUERIES),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post("/api/v1/posts", {"body": BODY}, content_type=JSON)
    assert response.status_code == 201
    post = Post.objects.get()
    assert list(post.tags.values_list("name", flat=True)) == ["connectoren"]
    assert Mention.objects.filter(post=post).count() == 2


def test_form_create_query_count(
    cast: Any,
    client_for: Callable[..., Client],
    queued: None,
    django_assert_num_queries: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """The composer's form without JavaScript: the same writes, no read back after them."""
    Tag.objects.create(name="connectoren")
    client = client_for(cast.member)
    client.get(reverse("posts:create"))
    # Network analytics' switch, as a running server holds it (read at most every 30 s).
    recording_enabled()
    with (
        django_assert_num_queries(QUERIES),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(reverse("posts:create"), {"body": BODY, "where": "company"})
    assert response.status_code == 302
    post = Post.objects.get()
    assert list(post.tags.values_list("name", flat=True)) == ["connectoren"]
    assert Mention.objects.filter(post=post).count() == 2


def test_new_tag_is_created_once(cast: Any, make_post: Callable[..., Post]) -> None:
    """A tag new to the company is created with the post; the next post reuses the row."""
    first = make_post(cast.member, "#Neu und #neu, #Alt")
    second = make_post(cast.owner, "#neu")
    assert sorted(Tag.objects.values_list("name", flat=True)) == ["alt", "neu"]
    assert sorted(first.tags.values_list("name", flat=True)) == ["alt", "neu"]
    assert list(second.tags.values_list("name", flat=True)) == ["neu"]
