"""Every operation of /api/v1/, fuzzed by schemathesis from the OpenAPI document: no input gives
a server error, and every response matches the schema the document declares for its status.

The app runs in-process (WSGI) on the test database, seeded with the small demo bank; calls
authenticate with a personal access token of a demo person. Each call runs in a savepoint that
is rolled back, so every example meets the same data. HANSE_SCHEMATHESIS_EXAMPLES bounds the
generated examples per operation (default 5: about a minute per database on two cores).
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from typing import Any

import pytest
from django.core import signals
from django.core.management import call_command
from django.db import close_old_connections, transaction

schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, settings  # noqa: E402  # after the skip above
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import response_schema_conformance  # noqa: E402

from hanse.api.services import token_create  # noqa: E402
from hanse.people.models import User  # noqa: E402
from hanse.wsgi import application  # noqa: E402

MAX_EXAMPLES = int(os.environ.get("HANSE_SCHEMATHESIS_EXAMPLES", "5"))
CHECKS = (not_a_server_error, response_schema_conformance)


@pytest.fixture
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


@pytest.fixture
def api_schema(request: pytest.FixtureRequest, db: None, _same_connection: None) -> Any:
    # schemathesis 4.32 reads `node._nodeid`, which pytest 9.2 no longer sets.
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def demo_token(db: None) -> str:
    call_command("seed_demo", size="small", stdout=io.StringIO())
    person = User.objects.get(username="anna.schmidt")
    return token_create(user=person, name="schemathesis").raw


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case: Any, demo_token: str) -> None:
    """No server error, and the response matches the declared schema, for any input."""
    with transaction.atomic():
        response = case.call(headers={"Authorization": f"Bearer {demo_token}"})
        transaction.set_rollback(True)
    case.validate_response(response, checks=CHECKS)
