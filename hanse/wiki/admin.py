"""Administration of the wiki: look pages up, see their revisions, correct settings."""

from __future__ import annotations

from django.contrib import admin

from hanse.wiki.models import Page, Revision, WikiSettings


class RevisionInline(admin.TabularInline):
    model = Revision
    extra = 0
    fields = ("number", "title", "note", "author", "created_at")
    readonly_fields = fields
    can_delete = False


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    list_display = ("title", "community", "revision_count", "updated_at", "reviewed_at")
    list_filter = ("is_template",)
    search_fields = ("title", "community__name")
    raw_id_fields = ("community", "parent", "created_by", "reviewed_by", "current_revision")
    inlines = [RevisionInline]


@admin.register(WikiSettings)
class WikiSettingsAdmin(admin.ModelAdmin):
    list_display = ("community", "enabled", "edit_policy", "review_days")
    raw_id_fields = ("community",)
