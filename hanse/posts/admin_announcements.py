"""Admin for announcements. Only superusers may allow the named list of open confirmations;
the log of looks at that list can be read but never changed."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from hanse.core.admin_deletes import ServiceDeleteAdmin
from hanse.core.rules import is_platform_admin
from hanse.core.text import render_markdown
from hanse.posts.models import Announcement, ComplianceListAccess
from hanse.posts.services.announcements import announcement_delete


class ComplianceListAccessInline(admin.TabularInline):
    model = ComplianceListAccess
    extra = 0
    fields = ["viewer", "accessed_at", "via"]
    readonly_fields = ["viewer", "accessed_at", "via"]
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Announcement)
class AnnouncementAdmin(ServiceDeleteAdmin):
    list_display = [
        "title",
        "author",
        "is_draft",
        "publish_at",
        "expires_at",
        "must_read",
        "compliance_list_allowed",
    ]
    list_filter = ["is_draft", "must_read", "compliance_list_allowed"]
    search_fields = ["title", "body"]
    raw_id_fields = ["author"]
    filter_horizontal = ["audience_units"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [ComplianceListAccessInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        if not is_platform_admin(request.user):
            fields.append("compliance_list_allowed")
        return fields

    def save_model(self, request: HttpRequest, obj: Announcement, form: Any, change: bool) -> None:
        # Admin edits bypass the services; keep the rendered text in step with the source.
        obj.body_html = render_markdown(obj.body)
        super().save_model(request, obj, form, change)

    def delete_with_service(self, obj: Announcement, by: Any) -> None:
        # The service keeps announcements whose list of open confirmations was viewed.
        announcement_delete(announcement=obj, by=by)


@admin.register(ComplianceListAccess)
class ComplianceListAccessAdmin(admin.ModelAdmin):
    list_display = ["announcement", "viewer", "accessed_at", "via"]
    list_filter = ["via"]
    date_hierarchy = "accessed_at"
    raw_id_fields = ["announcement", "viewer"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
