"""Administration of the file library."""

from __future__ import annotations

from django.contrib import admin

from hanse.files.models import FileVersion, Folder, LibraryFile


class FileVersionInline(admin.TabularInline):
    model = FileVersion
    extra = 0
    fields = ("number", "original_name", "content_type", "size", "uploader", "created_at")
    readonly_fields = fields
    can_delete = False


@admin.register(LibraryFile)
class LibraryFileAdmin(admin.ModelAdmin):
    list_display = ("name", "community", "folder", "version_count", "updated_at", "deleted_at")
    search_fields = ("name", "community__name")
    raw_id_fields = ("community", "folder", "created_by", "current_version")
    inlines = [FileVersionInline]


@admin.register(Folder)
class FolderAdmin(admin.ModelAdmin):
    list_display = ("name", "community", "parent")
    search_fields = ("name", "community__name")
    raw_id_fields = ("community", "parent", "created_by")
