"""Administration of the stream: posts (with their earlier versions), comments, hashtags.

Announcements have their own admin, registered with the announcements code. Edits here
bypass the services, so text fields are read-only: moderation deletes, it does not rewrite
what people wrote."""

from __future__ import annotations

from django.contrib import admin
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from hanse.posts.models import Attachment, Comment, Post, PostRevision, Tag
from hanse.posts.services.posts import delete_files_on_commit


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
class PostAdmin(admin.ModelAdmin):
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

    def delete_model(self, request: HttpRequest, obj: Post) -> None:
        self.delete_queryset(request, Post.objects.filter(pk=obj.pk))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Post]) -> None:
        # Stored files go with their rows, as post_delete does it.
        with transaction.atomic():
            ids = list(queryset.values_list("id", flat=True))
            files = list(
                Attachment.objects.filter(Q(post_id__in=ids) | Q(comment__post_id__in=ids))
            )
            Post.objects.filter(pk__in=ids).delete()
            delete_files_on_commit(files)


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["id", "author", "post", "parent", "created_at", "edited_at"]
    search_fields = ["body", "author__username", "author__last_name"]
    list_select_related = ["author", "post"]
    readonly_fields = ["post", "author", "parent", "body", "created_at", "edited_at"]
    exclude = ["body_html", "reaction_count"]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "created_at"]
    search_fields = ["name"]


# The announcements admin lives with the announcements code; Django only discovers admin.py.
from hanse.posts import admin_announcements  # noqa: E402, F401
