"""The flush between transactional tests (tests/support/flush.py) leaves every table empty but
the content types and permissions, which it keeps with their ids instead of having Django write
them again; on PostgreSQL the append-only audit log is emptied too."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import DatabaseError, connection
from django.db.models.signals import post_migrate

from hanse.audit.models import AuditEntry
from hanse.audit.services import record
from hanse.communities.models import Community, Membership
from hanse.posts.models import Post
from tests.support.flush import KEPT

pytestmark = pytest.mark.django_db(transaction=True)


def _counts() -> dict[str, int]:
    tables = connection.introspection.django_table_names(only_existing=True)
    with connection.cursor() as cursor:
        found = {}
        for table in tables:
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT count(*) FROM {quoted}")  # noqa: S608  # our table names
            found[table] = cursor.fetchone()[0]
    return found


def _write_a_little(owner: Any) -> None:
    community = Community.objects.create(name="Flush", slug="flush")
    Membership.objects.create(user=owner, community=community, role=Membership.Role.OWNER)
    Post.objects.create(author=owner, scope=Post.Scope.COMMUNITY, community=community, body="x")
    record("test.flush", actor=owner)


def _flush() -> None:
    call_command("flush", verbosity=0, interactive=False, reset_sequences=False)


def test_flush_empties_every_table_but_content_types_and_permissions(make_user: Any) -> None:
    _write_a_little(make_user())
    types_before = dict(ContentType.objects.values_list("id", "model"))
    permissions_before = Permission.objects.count()
    assert AuditEntry.objects.exists()

    _flush()

    left = {table: n for table, n in _counts().items() if n}
    assert set(left) == set(KEPT), left
    assert not AuditEntry.objects.exists()
    assert not Post.objects.exists()
    # Kept as they were, ids and all: nothing for post_migrate to write again.
    assert dict(ContentType.objects.values_list("id", "model")) == types_before
    assert Permission.objects.count() == permissions_before


def test_the_kept_tables_are_all_post_migrate_fills() -> None:
    """Leaving out the refill is only right while contenttypes and auth are the only receivers of
    post_migrate: a new receiver (a data seed, say) would be skipped after every flush."""
    receivers = set()
    for _key, reference, *_rest in post_migrate.receivers:
        receiver = reference() if callable(reference) else reference
        receivers.add(f"{receiver.__module__}.{receiver.__qualname__}")
    assert receivers == {
        "django.contrib.auth.management.create_permissions",
        "django.contrib.contenttypes.management.create_contenttypes",
    }


def test_refill_still_runs_when_the_content_types_are_gone() -> None:
    ContentType.objects.all().delete()  # takes the permissions with it
    _flush()
    assert ContentType.objects.get_for_model(Post).model == "post"
    assert Permission.objects.filter(codename="add_post").exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's append-only trigger")
def test_flush_empties_the_append_only_audit_log(make_user: Any) -> None:
    _write_a_little(make_user())
    # The audit log refuses DELETE (its trigger), so the flush has to truncate it.
    with pytest.raises(DatabaseError, match="append-only"), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry")
    _flush()
    assert not AuditEntry.objects.exists()
