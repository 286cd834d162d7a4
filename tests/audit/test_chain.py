"""The audit log's hash chain: appending, and detecting any alteration, deletion or reordering."""

from __future__ import annotations

import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory

from hanse.audit.models import AuditEntry, AuditHead
from hanse.audit.selectors import verify_chain
from hanse.audit.services import record

pytestmark = pytest.mark.django_db


def _raw(sql: str, params: list[object]) -> None:
    """Tamper as a database administrator would: beneath the application, on SQLite only
    (PostgreSQL refuses, see test_postgres_refuses_update_and_delete)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _three(user: object) -> list[AuditEntry]:
    return [
        record("auth.login", actor=user),
        record("roles.granted", actor=user, target=("people.user", 7), data={"role": "x"}),
        record("analytics.viewed", actor=user, data={"page": "dashboard"}),
    ]


def test_entries_form_a_chain(user) -> None:
    entries = _three(user)
    assert [e.seq for e in entries] == [1, 2, 3]
    assert entries[1].prev_hash == entries[0].hash
    assert entries[2].prev_hash == entries[1].hash
    assert AuditHead.objects.get(pk=1).hash == entries[2].hash
    assert verify_chain() is None
    assert entries[1].actor_id == user.pk
    assert (entries[1].target_type, entries[1].target_id) == ("people.user", "7")


def test_request_gives_actor_address_and_request_id(user) -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="2001:db8:0:0::1", HTTP_X_REQUEST_ID="abc-1")
    request.user = user
    entry = record("export.downloaded", request=request)
    entry.refresh_from_db()
    assert entry.actor_id == user.pk
    assert entry.source_ip == "2001:db8::1"
    assert entry.request_id == "abc-1"
    assert verify_chain() is None  # the stored (normalised) address hashes as written


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL refuses the tampering")
@pytest.mark.parametrize(
    ("sql", "reason"),
    [
        ('UPDATE audit_auditentry SET data = \'{"role": "y"}\' WHERE seq = 2', "altered"),
        ("UPDATE audit_auditentry SET actor_id = NULL WHERE seq = 2", "altered"),
        ("DELETE FROM audit_auditentry WHERE seq = 2", "missing"),
        ("DELETE FROM audit_auditentry WHERE seq = 3", "chain ends"),
        ("UPDATE audit_auditentry SET seq = seq + 10 WHERE seq = 1", "missing"),
    ],
)
def test_tampering_is_detected(user, sql: str, reason: str) -> None:
    _three(user)
    _raw(sql, [])
    broken = verify_chain()
    assert broken is not None and reason in broken.reason
    with pytest.raises(CommandError, match="broken at #"):
        call_command("audit_verify")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL refuses the tampering")
def test_swapping_two_entries_is_detected(user) -> None:
    _three(user)
    # Swap the contents of #1 and #2 but keep the sequence numbers: the links no longer hold.
    _raw("UPDATE audit_auditentry SET seq = 100 WHERE seq = 1", [])
    _raw("UPDATE audit_auditentry SET seq = 1 WHERE seq = 2", [])
    _raw("UPDATE audit_auditentry SET seq = 2 WHERE seq = 100", [])
    broken = verify_chain()
    assert broken is not None and broken.seq == 1


def test_verify_command_reports_an_intact_log(user, capsys) -> None:
    _three(user)
    call_command("audit_verify")
    assert "intact: 3 entries" in capsys.readouterr().out


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_postgres_refuses_update_and_delete(user) -> None:
    _three(user)
    for sql in ("UPDATE audit_auditentry SET action = 'x'", "DELETE FROM audit_auditentry"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            _raw(sql, [])
    assert AuditEntry.objects.count() == 3
    assert verify_chain() is None


def test_a_rolled_back_change_leaves_no_entry(user) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        record("roles.granted", actor=user)
        raise RuntimeError("the change failed")
    assert AuditEntry.objects.count() == 0
    assert verify_chain() is None
    assert record("auth.login", actor=user).seq == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_the_chain(user) -> None:
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers itself; the race needs PostgreSQL")
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            for i in range(10):
                record("test.concurrent", data={"writer": n, "i": i})
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert AuditEntry.objects.count() == 40
    assert verify_chain() is None
