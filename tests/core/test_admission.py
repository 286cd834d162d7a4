"""The gate in front of Django lets in at most HTTP_CONCURRENCY requests, the others wait
instead of failing, and requests give their database connections back when the response is
made (hanse/core/admission.py; the load test is tests/bench/test_connections.py)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.utils.functional import SimpleLazyObject

from hanse.core.admission import ReleaseConnectionsMiddleware, RequestGate
from hanse.observability.middleware import person_id


def _scope(path: str = "/feed/") -> dict[str, Any]:
    return {"type": "http", "path": path, "method": "GET", "headers": []}


async def _receive() -> dict[str, Any]:
    return {"type": "http.request", "body": b"", "more_body": False}


class Recorder:
    """An ASGI app that counts how many requests are inside it at once."""

    def __init__(self, work: float = 0.01) -> None:
        self.inside = 0
        self.most = 0
        self.work = work

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        self.inside += 1
        self.most = max(self.most, self.inside)
        try:
            await asyncio.sleep(self.work)
        finally:
            self.inside -= 1
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


async def _ask(gate: Any, path: str = "/feed/") -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await gate(_scope(path), _receive, send)
    return sent


def test_twenty_requests_through_a_gate_of_five_are_all_answered_five_at_a_time() -> None:
    """20 at once: all answered 200, never more than 5 inside, and 5 were inside together."""
    app = Recorder()
    gate = RequestGate(app, 5)

    async def main() -> list[list[dict[str, Any]]]:
        return await asyncio.gather(*(_ask(gate) for _ in range(20)))

    answers = asyncio.run(main())
    assert [a[0]["status"] for a in answers] == [200] * 20
    assert app.most == 5
    assert gate.inside == 0


def test_the_liveness_probe_passes_a_full_gate() -> None:
    """With every place taken by a request that does not finish, /healthz is still answered."""
    blocked = asyncio.Event()

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["path"] != "/healthz":
            await blocked.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    gate = RequestGate(app, 1, bypass=("/healthz",))

    async def main() -> tuple[list[dict[str, Any]], bool]:
        stuck = asyncio.ensure_future(_ask(gate, "/feed/"))
        await asyncio.sleep(0)
        probe = await asyncio.wait_for(_ask(gate, "/healthz"), timeout=5)
        waiting = asyncio.ensure_future(_ask(gate, "/feed/"))
        await asyncio.sleep(0.05)
        second_waited = not waiting.done()
        blocked.set()
        await asyncio.gather(stuck, waiting)
        return probe, second_waited

    probe, second_waited = asyncio.run(main())
    assert probe[0]["status"] == 200
    assert second_waited
    assert gate.inside == 0


def test_a_request_leaves_the_gate_when_its_response_starts() -> None:
    """A slow body (a download) does not keep the next request out."""
    body_may_end = asyncio.Event()
    order: list[str] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        if scope["path"] == "/download":
            await body_may_end.wait()
        order.append(scope["path"])
        await send({"type": "http.response.body", "body": b""})

    gate = RequestGate(app, 1)

    async def main() -> None:
        download = asyncio.ensure_future(_ask(gate, "/download"))
        await asyncio.sleep(0)
        await asyncio.wait_for(_ask(gate, "/feed/"), timeout=5)
        body_may_end.set()
        await download

    asyncio.run(main())
    assert order == ["/feed/", "/download"]
    assert gate.inside == 0


def test_a_request_that_fails_gives_its_place_back() -> None:
    """An app that raises before answering does not keep its place."""

    async def app(scope: Any, receive: Any, send: Any) -> None:
        raise RuntimeError("boom")

    gate = RequestGate(app, 1)

    async def main() -> None:
        for _ in range(3):
            with pytest.raises(RuntimeError):
                await asyncio.wait_for(_ask(gate), timeout=5)

    asyncio.run(main())
    assert gate.inside == 0


def test_without_a_limit_the_gate_lets_everything_through() -> None:
    """0 (SQLite, or HTTP_CONCURRENCY=0): no bound."""
    app = Recorder(work=0.05)
    gate = RequestGate(app, 0)

    async def main() -> None:
        await asyncio.gather(*(_ask(gate) for _ in range(8)))

    asyncio.run(main())
    assert app.most == 8


def test_the_gate_is_the_pools_size_by_default() -> None:
    """With PostgreSQL's pool, as many requests as connections; otherwise no bound."""
    pool = settings.DATABASES["default"].get("OPTIONS", {}).get("pool")
    assert (pool["max_size"] if pool else 0) == settings.HTTP_CONCURRENCY


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite's test database lives in memory and is never closed",
)
@pytest.mark.django_db(transaction=True)
def test_a_request_gives_its_connection_back_when_the_response_is_made() -> None:
    """After the middleware, the connection is back in the pool, before the body is sent."""

    def view(request: HttpRequest) -> HttpResponse:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        assert connection.connection is not None
        return HttpResponse("ok")

    response = ReleaseConnectionsMiddleware(view)(RequestFactory().get("/"))
    assert response.status_code == 200
    assert connection.connection is None


@pytest.mark.django_db
def test_a_connection_inside_a_transaction_is_kept() -> None:
    """Inside a transaction (a test's, an outer atomic block) nothing is closed."""

    def view(request: HttpRequest) -> HttpResponse:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return HttpResponse("ok")

    with transaction.atomic():
        ReleaseConnectionsMiddleware(view)(RequestFactory().get("/"))
        assert connection.connection is not None
        assert connection.in_atomic_block


def test_the_request_log_does_not_load_the_person_itself() -> None:
    """A person not yet loaded (the database was out of reach) is logged as nobody, without
    a query that would wait for the pool again."""
    loaded: list[bool] = []

    def load() -> Any:
        loaded.append(True)
        raise AssertionError("the log line loaded the person")

    request = RequestFactory().get("/")
    request.user = SimpleLazyObject(load)  # type: ignore[assignment]  # what AuthenticationMiddleware sets
    assert person_id(request) is None
    assert loaded == []


@pytest.mark.django_db
def test_the_request_log_names_a_person_the_request_loaded(make_user: Any) -> None:
    """Once the request has loaded the person, the log line carries their id."""
    person = make_user()
    request = RequestFactory().get("/")
    request.user = SimpleLazyObject(lambda: person)  # type: ignore[assignment]  # as AuthenticationMiddleware
    assert request.user.is_authenticated
    assert person_id(request) == person.pk
