from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from hanse.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin[AuditEntry]):
    """Read-only: the log is appended by the application, never edited by hand."""

    list_display = ["seq", "at", "action", "actor_id", "target_type", "target_id", "source_ip"]
    list_filter = ["action"]
    search_fields = ["action", "target_id", "request_id"]
    ordering = ["-seq"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
