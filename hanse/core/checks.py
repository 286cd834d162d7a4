"""System checks of the services Hanse needs: ``manage.py check`` (and every command that runs
the checks, such as the worker and the scheduler) refuses to go on when the database or Redis
cannot be reached, instead of starting a server that answers every request with an error."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register
from django.db import connections


def _reason(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


@register("services")
def services_reachable(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """The configured database and Redis answer."""
    errors: list[CheckMessage] = []
    database = connections["default"]
    try:
        if database.vendor == "postgresql":
            # Straight to the server, not through the pool, which would retry for its timeout.
            import psycopg

            params = database.get_connection_params()
            params.setdefault("connect_timeout", 5)
            psycopg.connect(**params).close()
        else:
            with database.cursor() as cursor:
                cursor.execute("SELECT 1")
    except Exception as exc:
        errors.append(
            Error(
                f"The database cannot be reached: {_reason(exc)}",
                hint="Check DATABASE_URL (host, port, database name, user and password) and "
                "that the database server runs.",
                id="hanse.E001",
            )
        )
    finally:
        database.close()
    if settings.REDIS_URL:
        try:
            import redis

            client = redis.Redis.from_url(
                settings.REDIS_URL, socket_timeout=3, socket_connect_timeout=3
            )
            client.ping()
            client.close()
        except Exception as exc:
            errors.append(
                Error(
                    f"Redis cannot be reached: {_reason(exc)}",
                    hint="Check REDIS_URL and that the Redis server runs; unset REDIS_URL to "
                    "run without Redis on one machine.",
                    id="hanse.E002",
                )
            )
    return errors
