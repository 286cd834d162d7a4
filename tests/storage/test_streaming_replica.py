"""A real streaming replica: a private primary (initdb) and a replica made from it with
pg_basebackup, each a PostgreSQL server of its own on a free port. The router's replica
check reads the replica's true lag: caught up it is used; with replay paused while the primary
writes, it falls behind, is left out (one log line) and is used again once it has caught up."""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.db import connections

from hanse.core import replicas
from tests.support.postgres import PrivatePostgres, skip_or_fail_without_binaries
from tests.support.processes import free_port

ALIAS = "streaming_replica"


class Replica(PrivatePostgres):
    """A hot standby of ``primary``, copied with pg_basebackup (``-R``: it streams from it)."""

    def __init__(self, binaries: Path, port: int, primary: PrivatePostgres) -> None:
        super().__init__(binaries, port)
        self.primary = primary

    def init(self) -> Replica:
        if self.as_root:
            shutil.chown(self.root, "postgres", "postgres")
        self._run(
            "pg_basebackup", "-h", "127.0.0.1", "-p", str(self.primary.port), "-U", "postgres",
            "-D", str(self.data), "-R", "-X", "stream", "-c", "fast",
        )  # fmt: skip
        return self


@pytest.fixture(scope="module")
def streaming() -> Iterator[tuple[PrivatePostgres, Replica]]:
    binaries = skip_or_fail_without_binaries()
    primary = PrivatePostgres(binaries, free_port()).init()
    replica: Replica | None = None
    try:
        primary.start()
        primary.wait_accepting()
        replica = Replica(binaries, free_port(), primary).init()
        replica.start()
        replica.wait_accepting()
        yield primary, replica
    finally:
        if replica is not None:
            replica.remove()
        primary.remove()


@pytest.fixture
def replica_alias(
    streaming: tuple[PrivatePostgres, Replica], settings: Any, django_db_blocker: Any
) -> Iterator[str]:
    """The router's view of the streaming replica (an alias of its own, no pool)."""
    _primary, replica = streaming
    config = {
        **connections["default"].settings_dict,
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "postgres",
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": "127.0.0.1",
        "PORT": str(replica.port),
        "OPTIONS": {"connect_timeout": 2},
        "TEST": {},
    }
    connections.settings[ALIAS] = config
    settings.DATABASE_REPLICAS = [ALIAS]
    settings.DATABASE_REPLICA_MAX_LAG_SECONDS = 1
    replicas.forget_health()
    with django_db_blocker.unblock():
        yield ALIAS
        connections[ALIAS].close()
    replicas.forget_health()
    del connections[ALIAS]
    del connections.settings[ALIAS]


def _wait(condition: Any, what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting until {what}"
        time.sleep(0.2)


@pytest.mark.heavy
def test_lag_of_a_real_streaming_replica(
    streaming: tuple[PrivatePostgres, Replica],
    replica_alias: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    primary, replica = streaming
    with psycopg.connect(primary.url(), autocommit=True) as db:
        db.execute("CREATE TABLE IF NOT EXISTS beat (n int)")
        db.execute("INSERT INTO beat VALUES (1)")
    with psycopg.connect(replica.url(), autocommit=True) as standby:
        assert standby.execute("SELECT pg_is_in_recovery()").fetchone() == (True,)
        _wait(
            lambda: (
                standby.execute("SELECT count(*) FROM pg_class WHERE relname = 'beat'").fetchone()[
                    0
                ]
                == 1
            ),
            "the table reached the replica",
        )
        assert replicas.usable(replica_alias), "caught up: used"

        standby.execute("SELECT pg_wal_replay_pause()")
        try:
            with psycopg.connect(primary.url(), autocommit=True) as db:
                db.execute("INSERT INTO beat VALUES (2)")
            _wait(
                lambda: standby.execute(
                    "SELECT pg_last_wal_receive_lsn() > pg_last_wal_replay_lsn()"
                ).fetchone()[0],
                "the replica received WAL it has not replayed",
            )
            time.sleep(1.5)  # older than DATABASE_REPLICA_MAX_LAG_SECONDS (1)
            replicas.forget_health()
            with caplog.at_level(logging.WARNING, logger="hanse.core.replicas"):
                assert not replicas.usable(replica_alias), "behind: left out"
            assert any(
                "streaming_replica is not used" in r.getMessage() and "behind" in r.getMessage()
                for r in caplog.records
            )
        finally:
            standby.execute("SELECT pg_wal_replay_resume()")
        _wait(
            lambda: standby.execute("SELECT count(*) FROM beat").fetchone()[0] == 2,
            "the replica caught up",
        )
    replicas.forget_health()
    assert replicas.usable(replica_alias), "caught up again: used"
