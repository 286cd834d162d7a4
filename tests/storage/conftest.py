"""Object storage and database replicas (issue 22, item 5): the real S3 API server, and a
replica alias for the routing tests on PostgreSQL."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import DEFAULT_DB_ALIAS, connections

from tests.support.s3 import s3_server, s3_storage  # noqa: F401  # moto in server mode

ALIAS = "replica1"


def replica_config(**changes: Any) -> dict[str, Any]:
    """The replica's settings as hanse/settings.py builds them from DATABASE_REPLICA_URLS,
    for the test database itself (Django's TEST MIRROR): a pool of its own, short timeouts."""
    config = copy.deepcopy(connections[DEFAULT_DB_ALIAS].settings_dict)
    options = config.setdefault("OPTIONS", {})
    if "pool" in options:
        options["pool"] = {**options["pool"], "name": f"hanse-{ALIAS}-test", "timeout": 2}
    options["connect_timeout"] = 2
    config["TEST"] = {**config.get("TEST", {}), "MIRROR": DEFAULT_DB_ALIAS}
    config.update(changes)
    return config


@pytest.fixture(scope="session", autouse=True)
def _replica_alias(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """On PostgreSQL, a "replica1" alias for the whole session (the test classes of
    pytest-django check the aliases a test names when it starts)."""
    if connections[DEFAULT_DB_ALIAS].vendor != "postgresql":
        yield
        return
    connections.settings[ALIAS] = replica_config()
    yield
    wrapper = connections[ALIAS]
    wrapper.close()
    if hasattr(wrapper, "close_pool"):
        wrapper.close_pool()
    del connections[ALIAS]
    del connections.settings[ALIAS]
