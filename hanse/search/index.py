"""Building the index: from the registered types' objects to ``SearchDocument`` rows.

Rows are upserted by (type, object_id); an object that is gone or no longer indexable loses
its row. A full rebuild (``reindex_type``) walks the type's rows by primary key in batches and
then deletes the rows it did not write, except those written meanwhile by the task queue, so
it can run while Hanse serves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from hanse.core import searchable
from hanse.core.searchable import Document, SearchableType
from hanse.search import normalize
from hanse.search.models import IndexState, SearchDocument

BATCH = 1000
_UPDATE_FIELDS = [
    "title",
    "body",
    "title_exact",
    "body_exact",
    "title_stem",
    "body_stem",
    "tags",
    "author_id",
    "community_id",
    "unit_id",
    "file_type",
    "created_at",
    "scope",
    "indexed_at",
]
# The raw text kept on the row is for the admin; matching uses the normalised columns.
RAW_KEPT = 2000


def fold_tag(name: str) -> str:
    return "".join(normalize.fold(w) for w in normalize.words(name))


def row_for(type_key: str, doc: Document, now: datetime) -> SearchDocument:
    tags = [fold_tag(t) for t in doc.tags]
    body_words = " ".join(filter(None, [doc.body, doc.keywords, " ".join(doc.tags)]))
    stype = searchable.get(type_key)
    # A label-only title (a post's opening words) is in the body already: it gets no
    # title weight (hanse/core/searchable.py, SearchableType.titled).
    title = doc.title if stype is None or stype.titled else ""
    return SearchDocument(
        type=type_key,
        object_id=doc.object_id,
        title=doc.title[:RAW_KEPT],
        body=doc.body[:RAW_KEPT],
        title_exact=normalize.exact_text(title),
        body_exact=normalize.exact_text(body_words),
        title_stem=normalize.stem_text(title),
        body_stem=normalize.stem_text(body_words),
        tags=(" " + " ".join(t for t in tags if t) + " ") if tags else "",
        author_id=doc.author_id,
        community_id=doc.community_id,
        unit_id=doc.unit_id,
        file_type=(doc.facets.get("file_type") or "")[:20],
        created_at=doc.created_at,
        scope=doc.scope[:40],
        indexed_at=now,
    )


def _upsert(rows: list[SearchDocument]) -> None:
    if rows:
        SearchDocument.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["type", "object_id"],
            update_fields=_UPDATE_FIELDS,
        )


def index_objects(type_key: str, ids: Iterable[int]) -> tuple[int, int]:
    """Bring the rows of these objects up to date; returns (written, removed)."""
    stype = searchable.get(type_key)
    wanted = {int(i) for i in ids}
    if stype is None or not wanted:
        return 0, 0
    now = timezone.now()
    rows = []
    for obj in stype.queryset().filter(pk__in=wanted):
        doc = stype.to_document(obj)
        if doc is not None:
            rows.append(row_for(type_key, doc, now))
    kept = {row.object_id for row in rows}
    with transaction.atomic():
        _upsert(rows)
        removed, _ = SearchDocument.objects.filter(
            type=type_key, object_id__in=wanted - kept
        ).delete()
    return len(rows), removed


def reindex_type(
    stype: SearchableType, *, progress: Callable[[int], Any] | None = None, batch: int = BATCH
) -> int:
    """Rebuild one type's rows; returns the number of documents written."""
    started = timezone.now()
    written = 0
    last_pk: Any = None
    queryset = stype.queryset().order_by("pk")
    while True:
        chunk = queryset if last_pk is None else queryset.filter(pk__gt=last_pk)
        objects = list(chunk[:batch])
        if not objects:
            break
        last_pk = objects[-1].pk
        now = timezone.now()
        rows = []
        for obj in objects:
            doc = stype.to_document(obj)
            if doc is not None:
                rows.append(row_for(stype.key, doc, now))
        with transaction.atomic():
            _upsert(rows)
        written += len(rows)
        if progress is not None:
            progress(len(objects))
    # Rows not written by this pass belong to objects that are gone or no longer indexed;
    # rows the task queue wrote meanwhile are newer than the start and stay.
    SearchDocument.objects.filter(type=stype.key, indexed_at__lt=started).delete()
    IndexState.objects.update_or_create(
        type=stype.key, defaults={"reindexed_at": timezone.now(), "last_update": timezone.now()}
    )
    return written


def document_counts() -> dict[str, int]:
    rows = SearchDocument.objects.values("type").annotate(n=Count("id"))
    return {row["type"]: row["n"] for row in rows}
