"""Every operation of /api/v1/, fuzzed by schemathesis from the OpenAPI document: no input gives
a server error, and every response matches the schema the document declares for its status.

The app runs in-process (WSGI) on the test database, seeded with the small demo bank; calls
authenticate with a personal access token of a demo person. Each call runs in a savepoint that
is rolled back, so every example meets the same data. HANSE_SCHEMATHESIS_EXAMPLES bounds the
generated examples per operation (default 5); the examples and coverage phases add the cases
the schema itself names.

The operations are dealt into PARTS tests (by a checksum of their label), so that pytest-xdist
runs them on every worker at once. The demo bank is seeded once per module run on a worker
(inside a transaction rolled back when the module's tests are done), not once per part, and
the OpenAPI document is read once per worker.
"""

from __future__ import annotations

import io
import os
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core import signals
from django.core.management import call_command
from django.db import close_old_connections, connection, transaction
from django.test import override_settings

schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, settings  # noqa: E402  # after the skip above
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import response_schema_conformance  # noqa: E402

from hanse.api.services import token_create  # noqa: E402
from hanse.people.models import User  # noqa: E402
from hanse.wsgi import application  # noqa: E402

MAX_EXAMPLES = int(os.environ.get("HANSE_SCHEMATHESIS_EXAMPLES", "5"))
CHECKS = (not_a_server_error, response_schema_conformance)
# Enough parts for two workers to share the work evenly; each part is a few dozen seconds.
PARTS = 8

# django_db: pytest-django sets the test database up (and wraps each part in a savepoint of
# its own, inside the transaction that holds the demo bank).
pytestmark = [pytest.mark.heavy, pytest.mark.django_db]


@pytest.fixture(scope="module")
def _same_connection() -> Iterator[None]:
    """Calls into the WSGI app keep the test's database connection (and its transaction).

    Django closes connections in an unusable state at the start and end of each request; inside
    the test's transaction that would end it. Django's own test client disconnects the same
    receivers for the same reason."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def _demo_bank(
    django_db_setup: None,
    django_db_blocker: Any,
    _same_connection: None,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[str]:
    """The small demo bank and a token of one of its people, for all parts that run one after
    the other on this worker; rolled back afterwards, so the next module meets an empty
    database as pytest-django promises it."""
    media: Path = tmp_path_factory.mktemp("schemathesis-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("seed_demo", size="small", stdout=io.StringIO())
            person = User.objects.get(username="anna.schmidt")
            yield token_create(user=person, name="schemathesis").raw
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
    assert not connection.in_atomic_block


@pytest.fixture
def demo_token(_demo_bank: str) -> str:
    return _demo_bank


@pytest.fixture(scope="module")
def _whole_schema(_demo_bank: str, django_db_blocker: Any) -> Any:
    with django_db_blocker.unblock():
        return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def api_schema(request: pytest.FixtureRequest, _whole_schema: Any) -> Any:
    # schemathesis 4.32 reads `node._nodeid`, which pytest 9.2 no longer sets.
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid
    return _whole_schema


schema = schemathesis.pytest.from_fixture("api_schema")


def _part_of(label: str) -> int:
    """The part an operation belongs to, by its label ("GET /api/v1/..."): always the same."""
    return zlib.crc32(label.encode()) % PARTS


def _test_of_part(part: int) -> Any:
    # The filter goes on the lazy schema: schemathesis replaces the filters of the schema the
    # fixture returns with these.
    def in_this_part(ctx: Any) -> bool:
        return _part_of(ctx.operation.label) == part

    in_this_part.__name__ = f"in_part_{part + 1}_of_{PARTS}"

    @schema.include(in_this_part).parametrize()
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def test(case: Any, demo_token: str) -> None:
        """No server error, and the response matches the declared schema, for any input."""
        with transaction.atomic():
            response = case.call(headers={"Authorization": f"Bearer {demo_token}"})
            transaction.set_rollback(True)
        case.validate_response(response, checks=CHECKS)

    return test


for _part in range(PARTS):
    globals()[f"test_api_conforms_to_its_schema_part{_part + 1}of{PARTS}"] = _test_of_part(_part)
