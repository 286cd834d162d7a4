"""The request id of the work in progress, carried from a web request into its tasks.

A request takes its id from ``X-Request-ID`` (when it is a sane token) or makes one
(hanse/observability/middleware.py); the task backends (hanse/jobs/backends.py) store it with
each task queued while it is set, and the worker sets it again while that task runs, so the
request's log line and its tasks' lines share one ``request_id``. Tasks queued by a task carry
it on (a retry, a notification's deliveries)."""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar, Token

import structlog

_request_id: ContextVar[str | None] = ContextVar("hanse_request_id", default=None)

# What a proxy or client may hand us: a bounded token of safe characters, nothing that could
# break a log line or a header.
_VALID = re.compile(r"^[A-Za-z0-9._:@/+=-]{1,128}$")


def new_id() -> str:
    return uuid.uuid4().hex


def clean(value: str | None) -> str | None:
    """The given id when it is usable, else None (a new one is made)."""
    if value and _VALID.match(value):
        return value
    return None


def current() -> str | None:
    return _request_id.get()


def bind(request_id: str | None, **fields: object) -> Token[str | None]:
    """Set the request id (and more log fields) for the code that runs from here on."""
    structlog.contextvars.clear_contextvars()
    if request_id:
        structlog.contextvars.bind_contextvars(request_id=request_id)
    if fields:
        structlog.contextvars.bind_contextvars(**fields)
    return _request_id.set(request_id)


def unbind(token: Token[str | None]) -> None:
    structlog.contextvars.clear_contextvars()
    try:
        _request_id.reset(token)
    except ValueError:  # reset from another context (a thread pool): clearing is enough
        _request_id.set(None)
