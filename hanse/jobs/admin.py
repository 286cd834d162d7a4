"""Background work in the admin: the outbox, read-only (rows that wait show what the queue
did not take, and why)."""

from __future__ import annotations

from datetime import datetime

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_tasks.exceptions import InvalidTaskError
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

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


# The task results as django-tasks registers them, with the columns and fields German names
# can reach: the package's own labels for "id", "task name", "run after" and "traceback"
# are plain English strings, so those four are shown through our translated displays.
admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskResultAdmin(DBTaskResultAdmin):
    list_display = (
        "short_id",
        "display_task_name",
        "status",
        "enqueued_at",
        "started_at",
        "finished_at",
        "priority",
        "queue_name",
    )

    def get_readonly_fields(
        self, request: HttpRequest, obj: DBTaskResult | None = None
    ) -> list[str]:
        fields = super().get_readonly_fields(request, obj)
        fields[fields.index("id")] = "display_id"
        return fields

    @admin.display(description=_("ID"), ordering="id")
    def display_id(self, obj: DBTaskResult) -> str:
        return str(obj.id)

    @admin.display(description=_("ID"), ordering="id")
    def short_id(self, obj: DBTaskResult) -> str:
        # The first block of the UUID tells rows apart; the whole one wrapped over four lines.
        return f"{str(obj.id)[:8]}…"

    @admin.display(description=_("task"))
    def display_task_name(self, obj: DBTaskResult) -> str:
        try:
            return obj.task_name
        except InvalidTaskError:
            # A task the current backend refuses (a setting changed since it was queued):
            # the list still opens and shows where the task lives.
            return obj.task_path.rsplit(".", 1)[-1]

    @admin.display(description=_("traceback"))
    def formatted_traceback(self, obj: DBTaskResult) -> str:
        return super().formatted_traceback(obj)

    @admin.display(description=_("run after"))
    def display_run_after(self, obj: DBTaskResult) -> datetime | str:
        return super().display_run_after(obj)
