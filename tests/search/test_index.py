"""Index upkeep: writes reach the index after their commit; results follow edits, deletes,
moves and memberships at once, before the index catches up; a broken index never blocks a
write and /readyz says so; a full rebuild leaves the same index."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib import admin as django_admin
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from hanse.communities.models import Community
from hanse.communities.services import membership_leave
from hanse.jobs.heartbeat import Beater
from hanse.jobs.models import Heartbeat, OutboxEvent
from hanse.people.models import User
from hanse.posts.models import Post
from hanse.posts.services.comments import comment_create
from hanse.posts.services.posts import post_create, post_delete, post_update
from hanse.search.models import IndexState, SearchDocument
from hanse.search.services import search_index_touch
from hanse.search.tasks import update_index
from tests.search.conftest import ids

pytestmark = pytest.mark.django_db


def _doc(type_key: str, object_id: int) -> SearchDocument | None:
    return SearchDocument.objects.filter(type=type_key, object_id=object_id).first()


def test_create_edit_delete_reach_the_index_after_commit(user: User, committed: Any) -> None:
    with committed():
        post = post_create(author=user, body="Kredit für Mölln")
        # Nothing is written to the index inside the write's transaction.
        assert _doc("post", post.pk) is None
    doc = _doc("post", post.pk)
    assert doc is not None and doc.body_stem == "kredit fur moll"
    with committed():
        post_update(post=post, by=user, body="Darlehen für Ratzeburg")
    doc = _doc("post", post.pk)
    assert doc is not None and "ratzeburg" in doc.body_exact
    post_id = post.pk
    with committed():
        post_delete(post=post, by=user)
    assert _doc("post", post_id) is None
    state = IndexState.objects.get(type="post")
    assert state.last_update is not None and state.last_lag_seconds is not None


def test_an_edit_changes_results_before_the_index_does(
    user: User, committed: Any, find: Any
) -> None:
    with committed():
        post = post_create(author=user, body="Kredit für Mölln")
    post_update(post=post, by=user, body="Darlehen für Ratzeburg")  # not committed: index lags
    assert "molln" in _doc("post", post.pk).body_exact  # type: ignore[union-attr]  # exists
    assert ids(find(user, "Kredit")) == []
    # The live text makes the snippet, never the stale index.
    assert ids(find(user, "für")) == [post.pk]
    assert "Ratzeburg" in find(user, "für").hits[0].snippet


def test_a_delete_removes_the_hit_before_the_index_does(
    user: User, committed: Any, find: Any
) -> None:
    with committed():
        post = post_create(author=user, body="Kredit für Mölln")
    post_id = post.pk
    post_delete(post=post, by=user)
    assert _doc("post", post_id) is not None
    results = find(user, "Kredit")
    assert results.hits == [] and results.counts["post"] == 0 and results.total == 0


def test_a_move_to_a_secret_community_hides_the_post_and_its_comments(
    user: User, make_user: Any, make_community: Any, committed: Any, find: Any
) -> None:
    outsider = make_user("otto")
    with committed():
        post = post_create(author=user, body="Kredit für Mölln")
        comment = comment_create(post=post, author=user, body="Kredit abgelehnt")
        secret = make_community(Community.Kind.SECRET, owner=user)
    assert len(find(outsider, "Kredit").hits) == 2
    Post.objects.filter(pk=post.pk).update(scope="community", community=secret)  # index lags
    results = find(outsider, "Kredit")
    assert results.hits == [] and results.counts["post"] == 0 and results.counts["comment"] == 0
    # A move through save() re-indexes the post and its comments.
    moved = Post.objects.get(pk=post.pk)
    with committed():
        moved.save()
    assert ids(find(user, f"Kredit in:{secret.slug}")) == [post.pk]
    assert _doc("post", post.pk).scope == f"community:{secret.pk}"  # type: ignore[union-attr]
    assert _doc("comment", comment.pk).scope == f"community:{secret.pk}"  # type: ignore[union-attr]


def test_leaving_a_community_changes_results_and_counts_at_once(
    user: User, make_user: Any, make_community: Any, committed: Any, find: Any
) -> None:
    member = make_user("mia")
    with committed():
        private = make_community(Community.Kind.PRIVATE, owner=user, members=(member,))
        post_create(author=user, body="Kredit intern", community=private, scope="community")
    assert find(member, "Kredit").counts["post"] == 1
    membership_leave(community=private, user=member)
    results = find(member, "Kredit")
    assert results.hits == [] and results.counts["post"] == 0


def test_a_broken_index_never_blocks_a_write(
    user: User, committed: Any, client: Any, caplog: Any
) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # The FTS table is gone: the triggers fail every insert into the index.
            cursor.execute("DROP TABLE search_fts")
        else:
            cursor.execute(
                "ALTER TABLE search_searchdocument ADD CONSTRAINT broken CHECK (false) NOT VALID"
            )
    with committed():
        post = post_create(author=user, body="Kredit trotz kaputtem Index")
    assert Post.objects.filter(pk=post.pk).exists()
    state = IndexState.objects.get(type="post")
    assert state.last_error and state.last_error_at is not None
    for role in (Heartbeat.Role.WORKER, Heartbeat.Role.SCHEDULER):
        Beater(role).beat(timezone.now())
    response = client.get(reverse("core:readyz"))
    assert response.status_code == 503
    assert response.json()["checks"]["search"]["ok"] is False


def test_readyz_reports_a_healthy_index(client: Any, user: Any, committed: Any) -> None:
    with committed():
        post_create(author=user, body="Kredit")
    checks = client.get(reverse("core:readyz")).json()["checks"]
    assert checks["search"] == {"ok": True}
    assert "search" not in client.get(reverse("core:readyz") + "?scope=web").json()["checks"]


def test_reindex_rebuilds_the_same_index(user: User, committed: Any, find: Any) -> None:
    with committed():
        kept = post_create(author=user, body="Kredit eins")
        post_create(author=user, body="Kredit zwei")
    call_command("search_reindex", "--no-progress")  # the people written before the test
    before = sorted(SearchDocument.objects.values_list("type", "object_id", "body_stem"))
    # A stale row of a vanished object and a missing row: the rebuild fixes both.
    SearchDocument.objects.create(
        type="post",
        object_id=999_999,
        scope="public",
        indexed_at=timezone.now() - timedelta(hours=1),
    )
    SearchDocument.objects.filter(type="post", object_id=kept.pk).delete()
    call_command("search_reindex", "--no-progress")
    after = sorted(SearchDocument.objects.values_list("type", "object_id", "body_stem"))
    assert after == before
    assert len(find(user, "Kredit").hits) == 2


def test_reindex_one_type(user: User, committed: Any) -> None:
    with committed():
        post = post_create(author=user, body="Kredit eins")
    SearchDocument.objects.all().delete()
    call_command("search_reindex", "--type", "post", "--no-progress")
    assert set(SearchDocument.objects.values_list("type", flat=True)) == {"post"}
    assert _doc("post", post.pk) is not None


def test_touch_service_queues_bulk_updates(user: User, committed: Any) -> None:
    posts = Post.objects.bulk_create(
        [Post(author=user, body=f"Kredit {n}", scope="company") for n in range(3)]
    )
    assert not SearchDocument.objects.filter(type="post").exists()  # bulk: no signals
    with committed():
        search_index_touch(type_key="post", ids=[p.pk for p in posts])
    assert SearchDocument.objects.filter(type="post").count() == 3


def test_counter_updates_leave_the_index_alone(user: User, committed: Any) -> None:
    with committed():
        post = post_create(author=user, body="Kredit")
    before = _doc("post", post.pk).indexed_at  # type: ignore[union-attr]
    with committed():
        post.comment_count = 5
        post.save(update_fields=["comment_count"])
    assert _doc("post", post.pk).indexed_at == before  # type: ignore[union-attr]


def test_admin_shows_the_index_state(
    admin_user: User, client_for: Any, user: User, committed: Any
) -> None:
    with committed():
        post_create(author=user, body="Kredit")
    response = client_for(admin_user).get(reverse("admin:search_indexstate_changelist"))
    assert response.status_code == 200
    page = response.content.decode()
    for type_key in ("post", "comment", "person", "community", "event", "message", "hashtag"):
        assert f">{type_key}<" in page
    assert "Updates waiting" in page


def test_admin_counts_come_from_the_query_not_the_admin_instance(
    admin_user: User, client_for: Any, user: User, committed: Any
) -> None:
    """Documents and waiting updates per type are annotations of each row: nothing is kept
    on the ModelAdmin, which all requests (and threads) share."""
    with committed():
        post_create(author=user, body="Kredit")
        post_create(author=user, body="Darlehen")
    OutboxEvent.objects.create(task_path=update_index.module_path, args=["post", [1]])
    OutboxEvent.objects.create(task_path=update_index.module_path, args=["comment", [2]])
    page = client_for(admin_user).get(reverse("admin:search_indexstate_changelist"))
    assert page.status_code == 200
    model_admin = django_admin.site._registry[IndexState]
    assert not {"_documents", "_waiting"} & set(vars(model_admin))
    rows = {
        row.type: row
        for row in model_admin.get_queryset(page.wsgi_request).filter(type__in=["post", "event"])
    }
    assert model_admin.documents(rows["post"]) == 2
    assert model_admin.waiting(rows["post"]) == 1
    assert model_admin.oldest_waiting(rows["post"]) != "—"
    assert model_admin.waiting(rows["event"]) == 0
    assert model_admin.oldest_waiting(rows["event"]) == "—"
