"""Administration of the stream: posts (with their earlier versions), comments, hashtags.

Announcements have their own admin, registered with the announcements code. Edits here
bypass the services, so text fields are read-only: moderation deletes, it does not rewrite
what people wrote. Deletes go through the services (hanse/core/admin_deletes.py)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from hanse.core.admin_deletes import ServiceDeleteAdmin
from hanse.posts.models import Comment, Post, PostRevision, Tag
from hanse.posts.services.comments import comment_delete
from hanse.posts.services.posts import post_delete


class PostRevisionInline(admin.TabularInline):
    model = PostRevision
    extra = 0
    can_delete = False
    fields = ["created_at", "edited_by", "body"]
    readonly_fields = ["created_at", "edited_by", "body"]

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Post)
class PostAdmin(ServiceDeleteAdmin):
    list_display = ["id", "author", "scope", "community", "created_at", "edited_at", "pinned_at"]
    list_filter = ["scope", "created_at"]
    search_fields = ["body", "author__username", "author__last_name", "community__name"]
    list_select_related = ["author", "community"]
    raw_id_fields = ["author", "community", "shared_post", "pinned_by", "link_preview"]
    readonly_fields = [
        "author",
        "scope",
        "community",
        "body",
        "created_at",
        "edited_at",
        "shared_post",
        "comment_count",
        "reaction_count",
    ]
    exclude = ["tags", "body_html", "link_preview"]
    inlines = [PostRevisionInline]
    date_hierarchy = "created_at"
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def delete_with_service(self, obj: Post, by: Any) -> None:
        post_delete(post=obj, by=by)


@admin.register(Comment)
class CommentAdmin(ServiceDeleteAdmin):
    list_display = ["id", "author", "post", "parent", "created_at", "edited_at"]
    search_fields = ["body", "author__username", "author__last_name"]
    list_select_related = ["author", "post"]
    readonly_fields = ["post", "author", "parent", "body", "created_at", "edited_at"]
    exclude = ["body_html", "reaction_count"]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def delete_with_service(self, obj: Comment, by: Any) -> None:
        comment_delete(comment=obj, by=by)

    def delete_order(self, objects: list[Comment]) -> list[Comment]:
        # Replies first: each is counted off its post before the comment it answers goes.
        return sorted(objects, key=lambda c: c.parent_id is None)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "created_at"]
    search_fields = ["name"]


# The announcements admin lives with the announcements code; Django only discovers admin.py.
from hanse.posts import admin_announcements  # noqa: E402, F401
