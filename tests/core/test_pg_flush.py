"""The PostgreSQL flush between transactional tests (tests/support/pg_flush.py) leaves every
table empty, the append-only audit log included, and keeps the tables Django fills after a
flush (content types, permissions)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import DatabaseError, connection

from hanse.audit.models import AuditEntry
from hanse.audit.services import record
from hanse.communities.models import Community, Membership
from hanse.posts.models import Post

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's flush"),
]


def _counts() -> dict[str, int]:
    tables = connection.introspection.django_table_names(only_existing=True)
    with connection.cursor() as cursor:
        found = {}
        for table in tables:
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT count(*) FROM {quoted}")  # noqa: S608  # our table names
            found[table] = cursor.fetchone()[0]
    return found


def test_flush_empties_every_table_the_audit_log_too(make_user: Any) -> None:
    owner = make_user()
    community = Community.objects.create(name="Flush", slug="flush")
    Membership.objects.create(user=owner, community=community, role=Membership.Role.OWNER)
    Post.objects.create(author=owner, scope=Post.Scope.COMMUNITY, community=community, body="x")
    record("test.flush", actor=owner)
    assert AuditEntry.objects.exists()
    # The audit log refuses DELETE (its trigger), so the flush has to truncate it.
    with pytest.raises(DatabaseError, match="append-only"), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry")

    call_command("flush", verbosity=0, interactive=False, reset_sequences=False)

    left = {table: n for table, n in _counts().items() if n}
    # Django fills these again after every flush (post_migrate), as after TRUNCATE.
    refilled = {ContentType._meta.db_table, Permission._meta.db_table}
    assert set(left) <= refilled | {"auth_group", "auth_group_permissions", "django_site"}, left
    assert ContentType.objects.exists()
    assert not AuditEntry.objects.exists()
    assert not Post.objects.exists()
