"""Logging set-up: one JSON object per line in production, readable text on the console.

``LOG_FORMAT`` (``json`` or ``console``; default ``console`` for ``HANSE_ENV=development``, the
environment of ``make run``, else ``json``) and ``LOG_LEVEL`` (default ``INFO``) come from the
environment. Every log record, ours and Django's and the libraries', goes through the same
structlog formatter, so a JSON line always carries ``timestamp``, ``level``, ``logger``,
``event`` and, while a request or a task runs, its ``request_id``.

What may be logged of a person: the internal id (``person_id``) only, never a name, an e-mail
address or anything they wrote. Request lines carry the path without its query string (which
may hold a search) and the view's name."""

from __future__ import annotations

from typing import Any

import structlog

FORMATS = ("json", "console")

_SHARED: list[Any] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]


def _renderer(fmt: str) -> Any:
    if fmt == "console":
        # A plain traceback: with rich installed, structlog's default prints every frame's
        # locals, which evaluates lazy objects (request.user: a database query inside the
        # logging of a PoolTimeout, itself failing) and would put content and names into the
        # log.
        return structlog.dev.ConsoleRenderer(
            colors=False, exception_formatter=structlog.dev.plain_traceback
        )
    return structlog.processors.JSONRenderer()


def logging_config(*, level: str = "INFO", fmt: str = "json") -> dict[str, Any]:
    """The ``LOGGING`` setting, and structlog configured to hand its events to it."""
    if fmt not in FORMATS:
        raise ValueError(f"LOG_FORMAT must be one of {', '.join(FORMATS)}, not {fmt!r}.")
    structlog.configure(
        processors=[
            *_SHARED,
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    final: list[Any] = [structlog.stdlib.ProcessorFormatter.remove_processors_meta]
    if fmt == "json":
        final.append(structlog.processors.format_exc_info)
    final.append(_renderer(fmt))
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "hanse": {
                "()": structlog.stdlib.ProcessorFormatter,
                "processors": final,
                # No ExtraAdder: Django's own records carry the request (its query string) as extra.
                "foreign_pre_chain": _SHARED,
            }
        },
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "hanse"}},
        "root": {"handlers": ["console"], "level": level},
    }


def get_logger(name: str) -> Any:
    return structlog.stdlib.get_logger(name)
