"""The search index in the admin: per type, documents, last update, lag, updates waiting and
the last failure (read-only; ``manage.py search_reindex`` rebuilds)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hanse.core import searchable
from hanse.jobs.models import OutboxEvent
from hanse.search.models import IndexState, SearchDocument
from hanse.search.tasks import update_index


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
        counts = SearchDocument.objects.values("type").annotate(n=Count("id"))
        self._documents = {row["type"]: row["n"] for row in counts}
        waiting = OutboxEvent.objects.filter(
            task_path=update_index.module_path, enqueued_at__isnull=True
        ).values_list("args", "created_at")
        self._waiting: dict[str, list[Any]] = {}
        for args, created_at in waiting:
            if args:
                self._waiting.setdefault(str(args[0]), []).append(created_at)
        return super().changelist_view(request, extra_context)

    @admin.display(description=_("documents"))
    def documents(self, obj: IndexState) -> int:
        return self._documents.get(obj.type, 0)

    @admin.display(description=_("lag (s)"))
    def lag(self, obj: IndexState) -> str:
        return "—" if obj.last_lag_seconds is None else f"{obj.last_lag_seconds:.1f}"

    @admin.display(description=_("updates waiting"))
    def waiting(self, obj: IndexState) -> int:
        return len(self._waiting.get(obj.type, []))

    @admin.display(description=_("oldest waiting (s)"))
    def oldest_waiting(self, obj: IndexState) -> str:
        moments = self._waiting.get(obj.type)
        if not moments:
            return "—"
        return f"{(timezone.now() - min(moments)).total_seconds():.0f}"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
