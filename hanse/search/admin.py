"""The search index in the admin: per type, documents, last update, lag, updates waiting and
the last failure (read-only; ``manage.py search_reindex`` rebuilds)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count, F, Min, OuterRef, QuerySet, Subquery
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hanse.core import searchable
from hanse.jobs.models import OutboxEvent
from hanse.search.models import IndexState, SearchDocument
from hanse.search.tasks import update_index


def _per_type(queryset: QuerySet[Any], value: Any) -> Subquery:
    """One value per IndexState row from ``queryset`` grouped by its type (a subquery)."""
    return Subquery(queryset.values("group").annotate(value=value).values("value")[:1])


@admin.register(IndexState)
class IndexStateAdmin(admin.ModelAdmin):
    list_display = [
        "type",
        "documents",
        "last_update",
        "lag",
        "waiting",
        "oldest_waiting",
        "last_error",
        "last_error_at",
        "reindexed_at",
    ]
    ordering = ["type"]

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        # Every registered type has a row, also before its first update.
        for stype in searchable.all_types():
            IndexState.objects.get_or_create(type=stype.key)
        return super().changelist_view(request, extra_context)

    def get_queryset(self, request: HttpRequest) -> QuerySet[IndexState]:
        # The figures are annotations of each row: computed by the query of this request,
        # never kept on the admin instance that every request (and thread) shares.
        documents = SearchDocument.objects.filter(type=OuterRef("type")).annotate(group=F("type"))
        # Updates the outbox holds for a type: update_index(type_key, ids, …) as its args.
        waiting = (
            OutboxEvent.objects.filter(task_path=update_index.module_path, enqueued_at__isnull=True)
            .annotate(type_key=KT("args__0"), group=F("task_path"))
            .filter(type_key=OuterRef("type"))
        )
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_documents=Coalesce(_per_type(documents, Count("id")), 0),
                n_waiting=Coalesce(_per_type(waiting, Count("id")), 0),
                oldest_waiting_at=_per_type(waiting, Min("created_at")),
            )
        )

    @admin.display(description=_("documents"), ordering="n_documents")
    def documents(self, obj: IndexState) -> int:
        return getattr(obj, "n_documents", 0)

    @admin.display(description=_("lag (s)"))
    def lag(self, obj: IndexState) -> str:
        return "—" if obj.last_lag_seconds is None else f"{obj.last_lag_seconds:.1f}"

    @admin.display(description=_("updates waiting"), ordering="n_waiting")
    def waiting(self, obj: IndexState) -> int:
        return getattr(obj, "n_waiting", 0)

    @admin.display(description=_("oldest waiting (s)"))
    def oldest_waiting(self, obj: IndexState) -> str:
        oldest = getattr(obj, "oldest_waiting_at", None)
        if oldest is None:
            return "—"
        return f"{(timezone.now() - oldest).total_seconds():.0f}"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
