"""Removed events and ideas go after RETENTION_REMOVED_CONTENT_DAYS like removed posts: with
their answers, comments, supports, files and index entries; hidden and recently removed ones
stay."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from hanse.core import moderation, retention_runs
from hanse.events.models import Event, Rsvp
from hanse.events.services.events import event_create
from hanse.ideas.models import Idea, IdeaAttachment, IdeaComment, IdeaSupport
from hanse.ideas.services import idea_comment, idea_create, idea_support
from hanse.moderation.models import Hiding
from hanse.search.models import SearchDocument

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


@pytest.fixture(autouse=True)
def _period(settings: Any) -> None:
    settings.RETENTION_REMOVED_CONTENT_DAYS = 30


def _hide(kind: str, pk: int, state: str, days: float) -> None:
    Hiding.objects.create(
        kind=kind, object_id=pk, state=state, reason="r", at=timezone.now() - days * DAY
    )


def _run() -> int:
    retention_runs.confirm(by=None, keys=["removed_content"])
    (outcome,) = [o for o in retention_runs.run() if o.key == "removed_content"]
    return outcome.deleted


def _event(by: Any, title: str) -> Event:
    start = timezone.now() + 7 * DAY
    return event_create(
        by=by, start=start, end=start + timedelta(hours=2), title=title, description="d"
    )


def test_events_and_ideas_have_a_purge() -> None:
    """Both types are purgeable, so the removed-content policy takes them."""
    for key in ("event", "idea"):
        mtype = moderation.get(key)
        assert mtype is not None and mtype.purge is not None, key


def test_a_removed_event_goes_with_its_answers_cover_and_index_entry(
    make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    anna, ben = make_user("anna"), make_user("ben")
    with django_capture_on_commit_callbacks(execute=True):
        removed = _event(anna, "Entferntes Zinstreffen")
        hidden = _event(anna, "Verstecktes Treffen")
        recent = _event(anna, "Frisch entferntes Treffen")
    Rsvp.objects.create(event=removed, user=ben, occurrence=removed.start, status="going")
    cover = default_storage.save(f"events/covers/{removed.pk}.png", ContentFile(b"png"))
    Event.objects.filter(pk=removed.pk).update(cover=cover)
    assert SearchDocument.objects.filter(type="event", object_id=removed.pk).exists()
    _hide("event", removed.pk, "removed", 40)
    _hide("event", hidden.pk, "hidden", 40)
    _hide("event", recent.pk, "removed", 5)
    with django_capture_on_commit_callbacks(execute=True):
        assert _run() == 1
    assert set(Event.objects.values_list("pk", flat=True)) == {hidden.pk, recent.pk}
    assert not Rsvp.objects.filter(event_id=removed.pk).exists()
    assert not default_storage.exists(cover)
    assert not SearchDocument.objects.filter(type="event", object_id=removed.pk).exists()
    assert set(Hiding.objects.values_list("object_id", flat=True)) == {hidden.pk, recent.pk}


def test_a_removed_idea_goes_with_comments_supports_files_and_index_entry(
    make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    anna, ben = make_user("anna"), make_user("ben")
    with django_capture_on_commit_callbacks(execute=True):
        removed = idea_create(author=anna, title="Entfernte Idee", description="Zinsen")
        kept = idea_create(author=anna, title="Versteckte Idee", description="Zinsen")
    idea_comment(idea=removed, author=ben, body="Gute Idee")
    idea_support(idea=removed, user=ben)
    name = default_storage.save(f"ideas/test/{removed.pk}.txt", ContentFile(b"x"))
    IdeaAttachment.objects.create(
        idea=removed,
        uploader=anna,
        kind="file",
        file=name,
        original_name="a.txt",
        content_type="text/plain",
        size=1,
    )
    assert SearchDocument.objects.filter(type="idea", object_id=removed.pk).exists()
    _hide("idea", removed.pk, "removed", 40)
    _hide("idea", kept.pk, "hidden", 40)
    with django_capture_on_commit_callbacks(execute=True):
        assert _run() == 1
    assert list(Idea.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not IdeaComment.objects.filter(idea_id=removed.pk).exists()
    assert not IdeaSupport.objects.filter(idea_id=removed.pk).exists()
    assert not IdeaAttachment.objects.exists()
    assert not default_storage.exists(name)
    assert not SearchDocument.objects.filter(type="idea", object_id=removed.pk).exists()
    assert list(Hiding.objects.values_list("object_id", flat=True)) == [kept.pk]
