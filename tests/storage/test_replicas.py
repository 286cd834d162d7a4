"""Read replicas on PostgreSQL: which database each read and write uses.

A second alias ("replica1") points at the same test database (what Django's TEST MIRROR
does), so routing decisions are visible as queries on one connection or the other; streaming
replication itself is PostgreSQL's (see docs/operations.md "Read replicas" for the lag)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connection, connections, router, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hanse.core import replicas
from hanse.people.models import User
from hanse.posts.models import Post
from tests.storage.conftest import ALIAS, replica_config
from tests.support.processes import child_env, free_port, last_json_line, run_python

pytestmark = [
    pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, ALIAS]),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="read replicas are a PostgreSQL setup"
    ),
]

WRITES = ("INSERT", "UPDATE", "DELETE")


def _point_alias_at(**changes: Any) -> None:
    """Give the replica alias another server (a fresh connection wrapper and pool)."""
    wrapper = connections[ALIAS]
    wrapper.close()
    if hasattr(wrapper, "close_pool"):
        wrapper.close_pool()
    del connections[ALIAS]
    connections.settings[ALIAS] = replica_config(**changes)


@pytest.fixture
def replica(settings: Any) -> Iterator[str]:
    """The replica alias with the router on, as hanse/settings.py sets them up from
    DATABASE_REPLICA_URLS (the alias itself is made once, in conftest.py)."""
    settings.DATABASE_REPLICAS = [ALIAS]
    settings.DATABASE_ROUTERS = ["hanse.core.replicas.ReplicaRouter"]
    settings.DATABASE_REPLICA_STICKY_SECONDS = 10
    replicas.forget_health()
    yield ALIAS
    replicas.forget_health()


@pytest.fixture
def people(make_user: Callable[..., User]) -> dict[str, User]:
    writer, reader = make_user("wanda"), make_user("rudi")
    Post.objects.create(author=reader, scope=Post.Scope.COMPANY, body="Hallo", body_html="Hallo")
    return {"writer": writer, "reader": reader}


def _queries(alias: str, run: Callable[[], Any]) -> list[str]:
    with CaptureQueriesContext(connections[alias]) as captured:
        run()
    return [q["sql"] for q in captured.captured_queries]


def _reads_posts(sqls: list[str]) -> bool:
    return any("posts_post" in sql and sql.lstrip().upper().startswith("SELECT") for sql in sqls)


def test_without_replicas_everything_uses_the_primary() -> None:
    from django.conf import settings

    assert settings.DATABASE_REPLICAS == []
    with replicas.replica_reads():
        assert replicas.read_alias() == DEFAULT_DB_ALIAS
        assert router.db_for_read(Post) == DEFAULT_DB_ALIAS


def test_only_heavy_reads_use_the_replica(replica: str, people: dict[str, User]) -> None:
    assert router.db_for_read(Post) == DEFAULT_DB_ALIAS  # outside a replica scope
    assert Post.objects.all().db == DEFAULT_DB_ALIAS
    with replicas.replica_reads():
        assert Post.objects.all().db == replica
        assert Post.objects.count() == 1  # the same data (a mirror of the test database)
        assert router.db_for_write(Post) == DEFAULT_DB_ALIAS
        with transaction.atomic():  # a transaction's reads must see its own writes
            assert Post.objects.all().db == DEFAULT_DB_ALIAS
    assert router.allow_migrate(replica, "posts") is False
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "posts") is True


def test_the_feed_reads_from_the_replica(
    replica: str, people: dict[str, User], client_for: Callable[..., Client]
) -> None:
    reader = client_for(people["reader"])
    on_replica = _queries(replica, lambda: reader.get(reverse("home:index")))
    assert _reads_posts(on_replica)
    assert not any(sql.lstrip().upper().startswith(WRITES) for sql in on_replica)
    # Search and the company stream too; a page that is not a heavy read does not.
    assert _queries(replica, lambda: reader.get(reverse("search:results") + "?q=Hallo"))
    assert _queries(replica, lambda: reader.get(reverse("posts:company")))
    assert not _queries(replica, lambda: reader.get(reverse("people:directory")))


def test_who_just_posted_reads_from_the_primary(
    replica: str, people: dict[str, User], client_for: Callable[..., Client], settings: Any
) -> None:
    """Read-your-writes: the writer's next pages come from the primary for the sticky
    seconds, others' still from the replica; the write itself never touches the replica."""
    settings.DATABASE_REPLICA_STICKY_SECONDS = 60
    writer = client_for(people["writer"])
    posted = _queries(
        replica,
        lambda: writer.post(reverse("posts:create"), {"body": "Neu von Wanda", "where": "company"}),
    )
    assert posted == []
    assert Post.objects.filter(body="Neu von Wanda").exists()

    def home() -> Any:
        return writer.get(reverse("home:index"))

    primary_sqls = _queries(DEFAULT_DB_ALIAS, home)
    assert not _queries(replica, home)
    assert _reads_posts(primary_sqls)
    assert "Neu von Wanda" in writer.get(reverse("home:index")).content.decode()
    # Someone else is not pinned.
    reader = client_for(people["reader"])
    assert _reads_posts(_queries(replica, lambda: reader.get(reverse("home:index"))))
    # Once the pin has expired, the writer reads from the replica again.
    cache.delete(replicas._pin_key(people["writer"].pk))
    assert _reads_posts(_queries(replica, home))


def test_the_pin_lasts_the_sticky_seconds(replica: str, settings: Any) -> None:
    settings.DATABASE_REPLICA_STICKY_SECONDS = 1
    replicas.pin_to_primary(4711)
    with replicas.replica_reads(user_id=4711):
        assert Post.objects.all().db == DEFAULT_DB_ALIAS
    with replicas.replica_reads(user_id=4712):
        assert Post.objects.all().db == replica
    time.sleep(1.5)
    with replicas.replica_reads(user_id=4711):
        assert Post.objects.all().db == replica


def test_a_replica_that_is_down_falls_back_to_the_primary(
    replica: str,
    people: dict[str, User],
    client_for: Callable[..., Client],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A replica nobody answers on: the page is served from the primary (200, not 500), and
    the log says why, once."""
    _point_alias_at(HOST="127.0.0.1", PORT=str(free_port()))
    try:
        reader = client_for(people["reader"])
        with caplog.at_level(logging.WARNING, logger="hanse.core.replicas"):
            first = reader.get(reverse("home:index"))
            second = reader.get(reverse("home:index"))
        assert first.status_code == second.status_code == 200
        assert "Hallo" in second.content.decode()
        lines = [r.getMessage() for r in caplog.records if r.name == "hanse.core.replicas"]
        assert len(lines) == 1
        assert lines[0].startswith("Database replica replica1 is not used, reads go to the primary")
        # Readiness stays ready (the primary serves) and shows the replica's state.
        ready = client_for(None).get(reverse("core:readyz") + "?scope=web")
        assert ready.status_code == 200
        assert ready.json()["checks"]["database_replicas"]["replicas"][ALIAS]["ok"] is False
    finally:
        _point_alias_at()


def test_a_replica_too_far_behind_is_left_out(
    replica: str,
    people: dict[str, User],
    monkeypatch: pytest.MonkeyPatch,
    settings: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The lag the replica reports decides: beyond the limit its reads go to the primary, and
    once it has caught up (after the next check) it is used again."""
    settings.DATABASE_REPLICA_MAX_LAG_SECONDS = 30
    monkeypatch.setattr(replicas, "LAG_SQL", "SELECT 45.0")
    with caplog.at_level(logging.WARNING, logger="hanse.core.replicas"), replicas.replica_reads():
        assert Post.objects.all().db == DEFAULT_DB_ALIAS
    assert any("45.0 s behind the primary" in r.getMessage() for r in caplog.records)
    monkeypatch.setattr(replicas, "LAG_SQL", "SELECT 3.0")
    replicas.forget_health()
    with replicas.replica_reads():
        assert Post.objects.all().db == replica


def test_the_lag_query_runs_on_postgresql(replica: str) -> None:
    """The real query on a server that is not a replica (the mirror): no lag."""
    with connections[replica].cursor() as cursor:
        cursor.execute(replicas.LAG_SQL)
        assert float(cursor.fetchone()[0]) == 0.0


@pytest.mark.django_db(transaction=False)
def test_settings_build_pooled_replicas_from_the_environment() -> None:
    """hanse/settings.py as a process started with DATABASE_REPLICA_URLS sees it: an alias per
    URL with a pool of its own like the primary's, the router, and a usable replica."""
    primary = connections[DEFAULT_DB_ALIAS].settings_dict
    url = f"postgres://{primary['USER']}@{primary['HOST']}:{primary['PORT']}/{primary['NAME']}"
    script = (
        "import json; from django.conf import settings; from django.db import connections\n"
        "from hanse.core import replicas\n"
        "r = connections['replica2'].settings_dict\n"
        "print(json.dumps({'replicas': settings.DATABASE_REPLICAS,"
        " 'routers': settings.DATABASE_ROUTERS, 'pool': r['OPTIONS'].get('pool'),"
        " 'mirror': r['TEST'].get('MIRROR'), 'usable': replicas.usable('replica2')}))\n"
    )
    env = child_env(DATABASE_URL=url, DATABASE_REPLICA_URLS=f"{url},{url}", HANSE_ENV="test")
    found = last_json_line(run_python(["manage.py", "shell", "-c", script], env))
    assert found["replicas"] == ["replica1", "replica2"]
    assert found["routers"] == ["hanse.core.replicas.ReplicaRouter"]
    assert found["mirror"] == DEFAULT_DB_ALIAS
    assert found["usable"] is True
    if primary["OPTIONS"].get("pool"):
        assert found["pool"]["name"] == "hanse-replica2"
        assert found["pool"]["max_size"] == primary["OPTIONS"]["pool"]["max_size"]
        assert found["pool"]["timeout"] == 2
