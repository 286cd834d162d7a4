"""Shared fixtures and factories. Factories write through the ORM only where a service
would be circular (creating the people a service test needs); behaviour goes through
services."""

from __future__ import annotations

import itertools
import os
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from hanse.communities.models import Community, Membership
from hanse.people.models import Location, OrgUnit, User
from tests.realtime.servers import database_url
from tests.support import flush, pg_template, sqlite_template, static_files

# Transactional tests empty PostgreSQL with DELETE, not TRUNCATE, and keep the content types and
# permissions instead of writing them again after every test (tests/support/flush.py).
flush.install()
# Each test client lists the static files once per process, not once per client
# (tests/support/static_files.py).
static_files.install()

PASSWORD = "Hanse-Test-2026!"
_counter = itertools.count(1)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix: None) -> None:
    """pytest-django's hook before the test databases are made: each worker's test database is
    a copy of one migrated template, not migrated on its own (on PostgreSQL
    tests/support/pg_template.py, on SQLite tests/support/sqlite_template.py)."""
    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.postgresql":
        db.setdefault("TEST", {})["TEMPLATE"] = pg_template.migrated_template(database_url())
    elif db["ENGINE"] == "django.db.backends.sqlite3" and not db.get("TEST", {}).get("NAME"):
        # In memory: a copy of the migrated file (tests/support/sqlite_template.py).
        sqlite_template.memory_database_from(sqlite_template.migrated_file())


@pytest.fixture(autouse=True)
def _isolated_media(settings: Any, tmp_path: Any) -> None:
    """Uploaded files of one test never land in var/ or another test's folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_cache(settings: Any, monkeypatch: Any) -> None:
    """Cached values (bell counts, rate limits) never leak from one test into the next: ids
    are reused once a test's transaction is rolled back.

    On Redis the cache gets a key prefix of its own per test instead of being flushed: a
    flush would also wipe the channel layer and presence of servers that tests running in
    parallel have started against the same Redis database."""
    from django.core.cache import caches

    if settings.REDIS_URL:
        configured = dict(settings.CACHES)
        prefix = f"t-{uuid.uuid4().hex[:12]}"
        for alias in configured:
            configured[alias] = {**configured[alias], "KEY_PREFIX": f"{prefix}-{alias}"}
        settings.CACHES = configured
        # RedisCache.clear() is FLUSHDB: it would reset the rate limits and presence of the
        # tests running on the other workers at that moment.
        from django.core.cache.backends.redis import RedisCache

        def _refuse(self: Any) -> None:
            raise AssertionError("cache.clear() flushes the shared Redis database in tests")

        monkeypatch.setattr(RedisCache, "clear", _refuse)
    else:
        for alias in settings.CACHES:
            caches[alias].clear()


@pytest.fixture(autouse=True)
def _chat_send_limit_out_of_the_way(settings: Any) -> None:
    """Fixtures write many chat messages at once through the service; the tests of the send
    limit set CHAT_SEND_RATE_LIMIT themselves."""
    settings.CHAT_SEND_RATE_LIMIT = (10_000, 10)
    # Likewise posts and comments (RATE_LIMITS): tests of the limits set them themselves.
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "chat": "10000/10s",
        "post": "10000/10s",
        "comment": "10000/10s",
    }


@pytest.fixture(autouse=True)
def _english_by_default(settings: Any) -> None:
    """Tests assert English messages unless they ask for German explicitly."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def make_user(db: None) -> Callable[..., User]:
    def make(username: str | None = None, **fields: Any) -> User:
        n = next(_counter)
        username = username or f"user{n}"
        fields.setdefault("email", f"{username}@example.org")
        fields.setdefault("first_name", username.capitalize())
        fields.setdefault("last_name", f"Tester{n}")
        user = User.objects.create_user(username=username, password=PASSWORD, **fields)
        return user

    return make


@pytest.fixture
def user(make_user: Callable[..., User]) -> User:
    return make_user("anna", first_name="Anna", last_name="Becker")


@pytest.fixture
def admin_user(make_user: Callable[..., User]) -> User:
    return make_user("admin", is_staff=True, is_superuser=True)


@pytest.fixture
def client_for() -> Callable[[User | None], Client]:
    """A test client signed in as the given person (anonymous for None)."""

    def make(person: User | None) -> Client:
        client = Client()
        if person is not None:
            client.force_login(person)
        return client

    return make


@pytest.fixture
def org(db: None) -> dict[str, OrgUnit | Location]:
    """A small bank: organisation -> two divisions -> departments, and two branches."""
    head = Location.objects.create(
        name="Hauptstelle", kind=Location.Kind.HEAD_OFFICE, city="Lübeck"
    )
    branch_loc = Location.objects.create(
        name="Filiale Mölln", kind=Location.Kind.BRANCH, city="Mölln"
    )
    from hanse.people.services import orgunit_create

    bank = orgunit_create(name="Sparkasse Hanse", kind=OrgUnit.Kind.ORGANISATION, location=head)
    private = orgunit_create(name="Privatkunden", kind=OrgUnit.Kind.DIVISION, parent=bank)
    it = orgunit_create(name="IT und Organisation", kind=OrgUnit.Kind.DIVISION, parent=bank)
    it_ops = orgunit_create(name="IT-Betrieb", kind=OrgUnit.Kind.DEPARTMENT, parent=it)
    moelln = orgunit_create(
        name="Filiale Mölln", kind=OrgUnit.Kind.BRANCH, parent=private, location=branch_loc
    )
    return {
        "bank": bank,
        "private": private,
        "it": it,
        "it_ops": it_ops,
        "moelln": moelln,
        "head_office": head,
        "moelln_location": branch_loc,
    }


@pytest.fixture
def make_community(db: None) -> Callable[..., Community]:
    """A community with the given owner (and optional moderators and members)."""

    def make(
        kind: str = Community.Kind.OPEN,
        *,
        owner: User,
        name: str | None = None,
        moderators: tuple[User, ...] = (),
        members: tuple[User, ...] = (),
    ) -> Community:
        from hanse.communities.services import community_create, membership_add

        n = next(_counter)
        community = community_create(
            by=owner, name=name or f"Community {n}", kind=kind, description="Test"
        )
        for person in moderators:
            membership_add(community=community, user=person, role=Membership.Role.MODERATOR)
        for person in members:
            membership_add(community=community, user=person, role=Membership.Role.MEMBER)
        community.refresh_from_db()
        return community

    return make


# Set by .ci/run for its second run of the suite (PostgreSQL and Redis): the tests marked
# own_stack build an installation of their own (a SQLite file, a Redis database of their own)
# and never touch the run's DATABASE_URL or REDIS_URL, so they are the same test on either
# stack; they ran in the first half and are deselected (not skipped) in the second.
OWN_STACK_RAN = "HANSE_TEST_OWN_STACK_RAN"


def pytest_report_header(config: pytest.Config) -> list[str]:
    db = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    lines = [f"hanse: database={db} redis={'yes' if settings.REDIS_URL else 'no'}"]
    if os.environ.get(OWN_STACK_RAN):
        lines.append(
            f"hanse: {OWN_STACK_RAN} is set: the own_stack tests (an installation of their "
            "own, the same on any stack) ran in the first half and are deselected here"
        )
    return lines


# How many tests at the front of the collection pytest-xdist hands out one at a time: more
# than there are heavy tests (about twenty), few enough that the small tests after them still
# go out in chunks, each chunk keeping its module's fixtures (a browser per module) on one
# worker.
ONE_AT_A_TIME = 32


def _django_order(item: pytest.Item) -> int:
    """pytest-django's order: 0 database tests in a rolled-back transaction, 1 transactional
    tests (they flush every table when they end, also the rows data migrations wrote, such as
    the role groups), 2 tests without the test database."""
    from pytest_django.plugin import validate_django_db

    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", [])
    transactional = bool(marker and any(validate_django_db(marker)[:2]))
    if transactional or "transactional_db" in fixtures or "live_server" in fixtures:
        return 1
    return 0 if marker or "db" in fixtures else 2


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked heavy run as early as they may, the many small ones after them:
    pytest-xdist hands out tests in collection order, and a test of several minutes that starts
    last keeps one worker busy long after the other has finished. A transactional test may
    not run before the rolled-back ones (its flush would take the data migrations' rows from
    the tests after it on its worker), so heavy transactional tests lead their own group;
    heavy tests without the test database lead everything."""

    def rank(item: pytest.Item) -> int:
        order, heavy = _django_order(item), item.get_closest_marker("heavy") is not None
        if order == 1:
            return 2 if heavy else 3
        if heavy:
            return 0
        return 1 if order == 0 else 4

    items.sort(key=rank)
    if os.environ.get(OWN_STACK_RAN):
        ran = [item for item in items if item.get_closest_marker("own_stack")]
        if ran:
            config.hook.pytest_deselected(items=ran)
            items[:] = [item for item in items if not item.get_closest_marker("own_stack")]


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """`--dist load` (make test), except that the first ONE_AT_A_TIME tests (the heavy ones,
    sorted to the front above) go to the workers one by one, each to the next worker that is
    free, instead of all of them in the first worker's first chunk."""
    if config.getvalue("dist") != "load":
        return None
    from xdist.scheduler import LoadScheduling

    class HeavyFirstScheduling(LoadScheduling):
        def _send_tests(self, node: Any, num: int) -> None:
            if self.pending and self.pending[0] < ONE_AT_A_TIME:
                # A worker runs a test once it knows the next one: keep two queued.
                num = min(num, max(1, 2 - len(self.node2pending[node])))
            super()._send_tests(node, num)

    return HeavyFirstScheduling(config, log)
