"""Retention per type: what is older than its period goes, nothing newer, nothing of another
type; the dry run deletes nothing; nothing goes before an administrator confirmed; the audit
chain verifies after its oldest entries went."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from hanse.analytics.models import Aggregate, InteractionEdge
from hanse.audit.models import AuditEntry, AuditHead
from hanse.audit.selectors import verify_chain
from hanse.audit.services import record
from hanse.chat.models import Channel, Message, MessageAttachment
from hanse.core import retention, retention_runs
from hanse.core.models import RetentionState
from hanse.moderation.models import Hiding
from hanse.notifications.models import Notification
from hanse.posts.models import Post
from hanse.search.models import SearchDocument

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


@pytest.fixture(autouse=True)
def _periods(settings: Any) -> None:
    settings.RETENTION_CHAT_DAYS = 30
    settings.RETENTION_NOTIFICATIONS_DAYS = 30
    settings.RETENTION_AUDIT_DAYS = 30
    settings.RETENTION_REMOVED_CONTENT_DAYS = 30


def _ago(days: float) -> Any:
    return timezone.now() - days * DAY


def _message(channel: Channel, author: Any, days: float, parent: Message | None = None) -> Message:
    return Message.objects.create(
        channel=channel, author=author, body="x", parent=parent, created_at=_ago(days)
    )


def _notification(person: Any, days: float, *, read: bool) -> Notification:
    n = Notification.objects.create(recipient=person, type="mention")
    Notification.objects.filter(pk=n.pk).update(
        updated_at=_ago(days), read_at=_ago(days) if read else None
    )
    return n


@pytest.fixture
def old_audit(monkeypatch: pytest.MonkeyPatch) -> list[AuditEntry]:
    """Five entries written 40 days ago, then three today."""
    when = _ago(40)
    monkeypatch.setattr("hanse.audit.services.timezone.now", lambda: when)
    old = [record("test.old") for _ in range(5)]
    monkeypatch.undo()
    return old + [record("test.new") for _ in range(3)]


def _keys(outcomes: list[retention_runs.Outcome]) -> dict[str, retention_runs.Outcome]:
    return {o.key: o for o in outcomes}


def test_every_type_is_registered() -> None:
    """Each app registered its policy from ready()."""
    assert {"chat", "notifications", "analytics_edges", "audit", "removed_content"} <= {
        p.key for p in retention.all_policies()
    }


def test_nothing_is_deleted_before_confirmation(make_user: Any) -> None:
    """The first scheduled run only records the preview."""
    anna = make_user("anna")
    old = _notification(anna, 40, read=True)
    result = retention_runs.apply_retention.call()
    assert result["notifications"] == 0
    assert Notification.objects.filter(pk=old.pk).exists()
    state = RetentionState.objects.get(key="notifications")
    assert (state.preview_count, state.preview_days, state.confirmed_days) == (1, 30, None)


def test_dry_run_deletes_nothing_and_prints_the_preview(make_user: Any) -> None:
    """Period, cut-off and count per type; nothing deleted even when confirmed."""
    anna = make_user("anna")
    _notification(anna, 40, read=True)
    retention_runs.confirm(by=None, keys=["notifications"])
    out = StringIO()
    call_command("hanse_retention", "--dry-run", stdout=out)
    text = out.getvalue()
    assert "notifications: 30 days (RETENTION_NOTIFICATIONS_DAYS), cut-off " in text
    assert "1 would be deleted, confirmed" in text
    assert "chat: 30 days" in text and "awaiting confirmation" in text
    assert Notification.objects.count() == 1


def test_notifications_older_than_the_period_go_and_nothing_else(make_user: Any) -> None:
    """Read and old: gone. Unread old, read recent, and other types: kept."""
    anna = make_user("anna")
    old = _notification(anna, 40, read=True)
    unread = _notification(anna, 40, read=False)
    recent = _notification(anna, 10, read=True)
    channel = Channel.objects.create(kind=Channel.Kind.PUBLIC, name="c")
    old_message = _message(channel, anna, 40)
    call_command("hanse_retention", "--confirm", "--only", "notifications", stdout=StringIO())
    outcomes = _keys(retention_runs.run())
    assert outcomes["notifications"].deleted == 1
    assert outcomes["chat"].status == "awaiting confirmation"
    assert set(Notification.objects.values_list("pk", flat=True)) == {unread.pk, recent.pk}
    assert not Notification.objects.filter(pk=old.pk).exists()
    assert Message.objects.filter(pk=old_message.pk).exists()
    assert AuditEntry.objects.filter(action="retention.confirmed").count() == 1
    assert AuditEntry.objects.filter(action="retention.run").count() == 1


def test_chat_goes_in_batches_and_threads_go_whole(make_user: Any, settings: Any) -> None:
    """Old messages go in several batches; a thread with a new reply keeps its first
    message; recent messages stay."""
    anna = make_user("anna")
    channel = Channel.objects.create(kind=Channel.Kind.PUBLIC, name="c")
    old = [_message(channel, anna, 40) for _ in range(5)]
    live_thread = _message(channel, anna, 50)
    old_reply = _message(channel, anna, 45, parent=live_thread)
    new_reply = _message(channel, anna, 5, parent=live_thread)
    recent = _message(channel, anna, 10)
    Message.objects.filter(pk=live_thread.pk).update(reply_count=2)
    calls: list[int] = []
    policy = retention.get("chat")
    assert policy is not None
    small = retention.RetentionPolicy(
        **{
            **policy.__dict__,
            "batch_size": 2,
            "delete": lambda ids: calls.append(len(ids)) or policy.delete(ids),
        }
    )
    retention.register(small)
    try:
        retention_runs.confirm(by=None, keys=["chat"])
        assert _keys(retention_runs.run(keys=["chat"]))["chat"].deleted == 6
    finally:
        retention.register(policy)
    assert calls == [2, 2, 2]
    assert set(Message.objects.values_list("pk", flat=True)) == {
        live_thread.pk,
        new_reply.pk,
        recent.pk,
    }
    live_thread.refresh_from_db()
    assert live_thread.reply_count == 1
    assert not Message.objects.filter(pk__in=[m.pk for m in old] + [old_reply.pk]).exists()


def test_a_changed_period_needs_a_new_confirmation(make_user: Any, settings: Any) -> None:
    """Confirmed for 30 days; the setting becomes 20: the job waits again."""
    anna = make_user("anna")
    n = _notification(anna, 25, read=True)
    retention_runs.confirm(by=None, keys=["notifications"])
    settings.RETENTION_NOTIFICATIONS_DAYS = 20
    assert _keys(retention_runs.run())["notifications"].status == "awaiting confirmation"
    assert Notification.objects.filter(pk=n.pk).exists()


def test_kept_forever_deletes_nothing(make_user: Any, settings: Any) -> None:
    """0 days: kept forever, even when confirmed before."""
    anna = make_user("anna")
    _notification(anna, 4000, read=True)
    retention_runs.confirm(by=None, keys=["notifications"])
    settings.RETENTION_NOTIFICATIONS_DAYS = 0
    assert _keys(retention_runs.run())["notifications"].status == "kept forever"
    assert Notification.objects.count() == 1


def test_removed_content_goes_hidden_and_recent_stay(make_user: Any) -> None:
    """A post removed 40 days ago goes with its Hiding row; a hidden one and a recently
    removed one stay."""
    anna = make_user("anna")
    posts = [
        Post.objects.create(author=anna, body=f"p{i}", scope=Post.Scope.COMPANY) for i in range(3)
    ]
    old_removed, old_hidden, new_removed = posts
    Hiding.objects.create(
        kind="post", object_id=old_removed.pk, state="removed", reason="r", at=_ago(40)
    )
    Hiding.objects.create(
        kind="post", object_id=old_hidden.pk, state="hidden", reason="r", at=_ago(40)
    )
    Hiding.objects.create(
        kind="post", object_id=new_removed.pk, state="removed", reason="r", at=_ago(5)
    )
    retention_runs.confirm(by=None, keys=["removed_content"])
    assert _keys(retention_runs.run())["removed_content"].deleted == 1
    assert set(Post.objects.values_list("pk", flat=True)) == {old_hidden.pk, new_removed.pk}
    assert set(Hiding.objects.values_list("object_id", flat=True)) == {
        old_hidden.pk,
        new_removed.pk,
    }


def test_audit_retention_keeps_the_chain_verifiable(old_audit: list[AuditEntry]) -> None:
    """The five old entries go; audit_verify still passes from the checkpoint; the run is
    recorded; the newer entries stay."""
    assert verify_chain() is None
    retention_runs.confirm(by=None, keys=["audit"])
    outcome = _keys(retention_runs.run(keys=["audit"]))["audit"]
    assert (outcome.status, outcome.deleted) == ("deleted", 5)
    assert not AuditEntry.objects.filter(action="test.old").exists()
    assert AuditEntry.objects.filter(action="test.new").count() == 3
    head = AuditHead.objects.get(pk=1)
    assert head.pruned_seq == old_audit[4].seq
    assert head.pruned_hash == old_audit[4].hash
    pruned = AuditEntry.objects.get(action="audit.pruned")
    assert pruned.data["through_seq"] == old_audit[4].seq
    assert AuditEntry.objects.filter(action="retention.run").exists()
    assert verify_chain() is None
    out = StringIO()
    call_command("audit_verify", stdout=out)
    assert "intact" in out.getvalue()


def test_audit_retention_in_batches_and_a_moved_checkpoint_is_detected(
    old_audit: list[AuditEntry],
) -> None:
    """Batches of two: three pruned entries; moving the checkpoint on is a broken chain."""
    policy = retention.get("audit")
    assert policy is not None
    retention.register(retention.RetentionPolicy(**{**policy.__dict__, "batch_size": 2}))
    try:
        retention_runs.confirm(by=None, keys=["audit"])
        assert _keys(retention_runs.run(keys=["audit"]))["audit"].deleted == 5
    finally:
        retention.register(policy)
    assert AuditEntry.objects.filter(action="audit.pruned").count() == 3
    assert verify_chain() is None
    # Someone deletes one more entry and moves the start on without a pruned entry for it.
    first = AuditEntry.objects.order_by("seq").first()
    assert first is not None
    AuditHead.objects.filter(pk=1).update(pruned_seq=first.seq, pruned_hash=first.hash)
    broken = verify_chain()
    assert broken is not None and "audit.pruned" in broken.reason


def test_audit_entries_newer_than_an_old_one_are_never_skipped(
    old_audit: list[AuditEntry], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only a prefix goes: an old-dated entry after a new one stays (the chain holds)."""
    when = _ago(40)
    monkeypatch.setattr("hanse.audit.services.timezone.now", lambda: when)
    late = record("test.late_old")
    monkeypatch.undo()
    retention_runs.confirm(by=None, keys=["audit"])
    assert _keys(retention_runs.run(keys=["audit"]))["audit"].deleted == 5
    assert AuditEntry.objects.filter(pk=late.pk).exists()
    assert verify_chain() is None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL roles")
def test_audit_retention_is_refused_for_an_unprivileged_role(
    old_audit: list[AuditEntry],
) -> None:
    """The app's role may not lift the append-only trigger: the run says so, deletes nothing,
    and the other types are not held up."""
    retention_runs.confirm(by=None, keys=["audit"])
    with connection.cursor() as cursor:
        cursor.execute(
            "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'hanse_app_test') "
            "THEN CREATE ROLE hanse_app_test NOSUPERUSER; END IF; END $$"
        )
        cursor.execute("GRANT ALL ON ALL TABLES IN SCHEMA public TO hanse_app_test")
        cursor.execute("GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO hanse_app_test")
        cursor.execute("SET ROLE hanse_app_test")
        try:
            outcome = _keys(retention_runs.run(keys=["audit"]))["audit"]
        finally:
            cursor.execute("RESET ROLE")
    assert outcome.status.startswith("refused: PostgreSQL keeps the audit log append-only")
    assert outcome.deleted == 0
    assert AuditEntry.objects.filter(action="test.old").count() == 5
    assert AuditEntry.objects.filter(action="retention.run").exists()
    assert "append-only" in RetentionState.objects.get(key="audit").last_error
    assert verify_chain() is None


def test_chat_retention_takes_files_and_index_entries_along(
    make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """A deleted message's file leaves the storage and its search row the index; a kept
    message's stay."""
    anna = make_user("anna")
    channel = Channel.objects.create(kind=Channel.Kind.PUBLIC, name="c")
    with django_capture_on_commit_callbacks(execute=True):
        old = Message.objects.create(channel=channel, author=anna, body="alte Zinsen")
        kept = Message.objects.create(channel=channel, author=anna, body="neue Zinsen")
    Message.objects.filter(pk=old.pk).update(created_at=_ago(40))
    files = {}
    for message in (old, kept):
        name = default_storage.save(f"chat/test/{message.pk}.txt", ContentFile(b"x"))
        MessageAttachment.objects.create(
            message=message,
            kind="file",
            file=name,
            original_name="a.txt",
            content_type="text/plain",
            size=1,
        )
        files[message.pk] = name
    assert SearchDocument.objects.filter(type="message", object_id=old.pk).exists()
    retention_runs.confirm(by=None, keys=["chat"])
    with django_capture_on_commit_callbacks(execute=True):
        assert _keys(retention_runs.run(keys=["chat"]))["chat"].deleted == 1
    assert not default_storage.exists(files[old.pk])
    assert default_storage.exists(files[kept.pk])
    assert not SearchDocument.objects.filter(type="message", object_id=old.pk).exists()
    assert SearchDocument.objects.filter(type="message", object_id=kept.pk).exists()


def test_removed_chat_message_goes_through_chat_purge(make_user: Any) -> None:
    """Removed content of another type (a chat message) goes with its Hiding row."""
    anna = make_user("anna")
    channel = Channel.objects.create(kind=Channel.Kind.PUBLIC, name="c")
    removed = _message(channel, anna, 1)
    Hiding.objects.create(
        kind="chat_message", object_id=removed.pk, state="removed", reason="r", at=_ago(40)
    )
    retention_runs.confirm(by=None, keys=["removed_content"])
    assert _keys(retention_runs.run())["removed_content"].deleted == 1
    assert not Message.objects.filter(pk=removed.pk).exists()
    assert not Hiding.objects.exists()


def test_analytics_edges_fold_then_go(make_user: Any) -> None:
    """Edges before the horizon go (after their periods were folded); newer ones stay."""
    a, b = make_user("a"), make_user("b")
    if a.pk > b.pk:
        a, b = b, a
    today = timezone.localdate()
    old = InteractionEdge.objects.create(kind="chat", a=a, b=b, day=today - timedelta(days=200))
    new = InteractionEdge.objects.create(kind="chat", a=a, b=b, day=today - timedelta(days=2))
    retention_runs.confirm(by=None, keys=["analytics_edges"])
    assert _keys(retention_runs.run(keys=["analytics_edges"]))["analytics_edges"].deleted == 1
    assert list(InteractionEdge.objects.values_list("pk", flat=True)) == [new.pk]
    assert not InteractionEdge.objects.filter(pk=old.pk).exists()
    assert Aggregate.objects.exists()
