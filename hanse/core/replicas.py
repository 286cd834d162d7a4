"""PostgreSQL read replicas for the heavy reads (feeds, search, analytics), with
read-your-writes for the person who just wrote (docs/operations.md "Read replicas").

- ``DATABASE_REPLICA_URLS`` empty: nothing here has any effect; every query uses the primary.
- Only code inside ``replica_reads`` (a view decorator and a context manager) may read from a
  replica; everything else, and every write, uses the primary ("default").
- A person whose last write (a POST, PUT, PATCH or DELETE they made) is younger than
  ``DATABASE_REPLICA_STICKY_SECONDS`` reads from the primary: a key per person in the shared
  cache (Redis), so every app process knows, whichever served the write.
- Inside a transaction on the primary, reads stay on the primary (they must see its writes).
- Each process checks a replica before it uses it and again every few seconds: a replica that
  cannot be reached, or lags more than ``DATABASE_REPLICA_MAX_LAG_SECONDS`` behind, is left
  out (one log line when that changes) and the reads go to the primary, never a 500.
"""

from __future__ import annotations

import functools
import inspect
import logging
import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# How far a replica is behind: 0 when it has replayed all it received (an idle primary sends
# nothing, so the replay time alone would grow); not in recovery (a mirror, a promoted
# replica): 0.
LAG_SQL = (
    "SELECT CASE WHEN NOT pg_is_in_recovery() THEN 0 "
    "WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 "
    "ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0) END"
)


def replica_aliases() -> list[str]:
    return list(getattr(settings, "DATABASE_REPLICAS", []))


# --- Which reads may go to a replica ------------------------------------------------------


@dataclass
class _Scope:
    user_id: int | None = None
    pinned: bool | None = None  # looked up once, on the first replica read
    alias: str | None = None  # the replica of this scope, once chosen


_request_user: ContextVar[int | None] = ContextVar("hanse_replica_user", default=None)
_scope: ContextVar[_Scope | None] = ContextVar("hanse_replica_scope", default=None)


@contextmanager
def replica_reads(user_id: int | None = None) -> Iterator[None]:
    """Reads inside may come from a replica (the heavy, read-only parts of a page or a task).
    ``user_id``: whose read-your-writes applies (default: the person of the request)."""
    if _scope.get() is not None:  # nested: the outer scope decides
        yield
        return
    token = _scope.set(_Scope(user_id=user_id if user_id is not None else _request_user.get()))
    try:
        yield
    finally:
        _scope.reset(token)


def replica_view(view: F) -> F:
    """A view whose reads may come from a replica (feeds, search, analytics pages)."""
    if inspect.iscoroutinefunction(view):

        @functools.wraps(view)
        async def async_wrapped(*args: Any, **kwargs: Any) -> Any:
            with replica_reads():
                return await view(*args, **kwargs)

        return async_wrapped  # type: ignore[return-value]

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        with replica_reads():
            return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


# --- Read-your-writes -------------------------------------------------------------------------


def _pin_key(user_id: int) -> str:
    return f"hanse:db:primary-after-write:{user_id}"


def pin_to_primary(user_id: int) -> None:
    """This person just wrote: their reads use the primary for the next seconds (everywhere:
    the key is in the shared cache)."""
    seconds = settings.DATABASE_REPLICA_STICKY_SECONDS
    if seconds > 0 and replica_aliases():
        try:
            cache.set(_pin_key(user_id), 1, seconds)
        except Exception:  # the cache is away: the pin is lost, the write is not
            logger.warning("Could not remember the write of person %s for replica reads", user_id)


def _pinned(user_id: int | None) -> bool:
    if user_id is None:
        return False
    try:
        return bool(cache.get(_pin_key(user_id)))
    except Exception:  # the cache is away: safest is the primary
        return True


class ReplicaMiddleware:
    """Knows the person of the request for the router, and pins to the primary whoever sends
    a write (an unsafe method). Without replicas it does nothing."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not replica_aliases():
            return self.get_response(request)
        user = getattr(request, "user", None)
        user_id = user.pk if user is not None and user.is_authenticated else None
        if user_id is not None and request.method in UNSAFE_METHODS:
            # Before the view: its own redirect target and the next page see the write.
            pin_to_primary(user_id)
        token = _request_user.set(user_id)
        try:
            return self.get_response(request)
        finally:
            _request_user.reset(token)


# --- Replica health ---------------------------------------------------------------------------


@dataclass
class _Health:
    usable: bool
    checked: float
    reason: str = ""


_health: dict[str, _Health] = {}
_health_lock = threading.Lock()


def _probe(alias: str) -> tuple[bool, str]:
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute(LAG_SQL)
            row = cursor.fetchone()
        lag = float(row[0] or 0) if row else 0.0
    except Exception as exc:
        connections[alias].close()
        return False, f"{type(exc).__name__}: {str(exc).strip()[:200]}"
    limit = settings.DATABASE_REPLICA_MAX_LAG_SECONDS
    if limit > 0 and lag > limit:
        return False, f"{lag:.1f} s behind the primary (limit {limit} s)"
    return True, ""


def usable(alias: str, *, now: float | None = None) -> bool:
    """Whether reads may go to ``alias`` now (checked at most every few seconds per process)."""
    now = time.monotonic() if now is None else now
    known = _health.get(alias)
    if known is not None and now - known.checked < settings.DATABASE_REPLICA_CHECK_SECONDS:
        return known.usable
    ok, reason = _probe(alias)
    with _health_lock:
        before = _health.get(alias)
        _health[alias] = _Health(ok, now, reason)
    if not ok and (before is None or before.usable):
        logger.warning(
            "Database replica %s is not used, reads go to the primary: %s", alias, reason
        )
    elif ok and before is not None and not before.usable:
        logger.info("Database replica %s is used again", alias)
    return ok


def forget_health() -> None:
    """Check every replica afresh (tests; after a configuration change)."""
    with _health_lock:
        _health.clear()


def health() -> dict[str, dict[str, Any]]:
    """For readiness: each replica, checked now."""
    forget_health()
    return {
        alias: {
            "ok": usable(alias),
            **({"reason": _health[alias].reason[:80]} if not _health[alias].usable else {}),
        }
        for alias in replica_aliases()
    }


# --- The router -------------------------------------------------------------------------------


def read_alias() -> str:
    """The database a read uses now."""
    scope = _scope.get()
    aliases = replica_aliases()
    if scope is None or not aliases:
        return DEFAULT_DB_ALIAS
    if connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return DEFAULT_DB_ALIAS
    if scope.pinned is None:
        scope.pinned = _pinned(scope.user_id)
    if scope.pinned:
        return DEFAULT_DB_ALIAS
    if scope.alias is not None and usable(scope.alias):
        return scope.alias
    candidates = [alias for alias in aliases if usable(alias)]
    if not candidates:
        scope.alias = None
        return DEFAULT_DB_ALIAS
    scope.alias = random.choice(candidates)  # noqa: S311  # spreading load, not a secret
    return scope.alias


class ReplicaRouter:
    """DATABASE_ROUTERS entry when DATABASE_REPLICA_URLS is set: heavy reads to a replica,
    everything else to the primary; migrations on the primary only."""

    def db_for_read(self, model: Any, **hints: Any) -> str:
        return read_alias()

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the same data everywhere

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS
