"""Background work in the admin: the outbox, read-only (rows that wait show what the queue
did not take, and why)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from hanse.jobs.models import OutboxEvent


@admin.register(OutboxEvent)
class OutboxEventAdmin(admin.ModelAdmin):
    list_display = ["id", "task_path", "created_at", "enqueued_at", "attempts"]
    list_filter = [("enqueued_at", admin.EmptyFieldListFilter), "task_path"]
    search_fields = ["task_path"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "task_path",
        "args",
        "kwargs",
        "created_at",
        "enqueued_at",
        "attempts",
        "last_error",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
