from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from hanse.communities.models import Community, Invitation, JoinRequest, Membership
from hanse.communities.services import community_delete
from hanse.core.admin_deletes import ServiceDeleteAdmin


def recount_members(queryset: QuerySet[Community]) -> int:
    """Set member_count from the memberships (admin edits bypass the services)."""
    counts = (
        Membership.objects.filter(community=OuterRef("pk"))
        .order_by()
        .values("community")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return queryset.update(member_count=Coalesce(Subquery(counts), 0))


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]
    fields = ["user", "role", "joined_at"]
    readonly_fields = ["joined_at"]


@admin.register(Community)
class CommunityAdmin(ServiceDeleteAdmin):
    list_display = ["name", "slug", "kind", "member_count", "created_at"]
    list_filter = ["kind"]
    search_fields = ["name", "slug", "tagline"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["member_count", "created_by", "created_at"]
    inlines = [MembershipInline]
    actions = ["recount"]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        recount_members(Community.objects.filter(pk=form.instance.pk))

    def save_model(self, request: HttpRequest, obj: Community, form: Any, change: bool) -> None:
        if not change and obj.created_by_id is None:
            obj.created_by = request.user  # type: ignore[assignment]  # admin users are signed in
        super().save_model(request, obj, form, change)

    def delete_with_service(self, obj: Community, by: Any) -> None:
        community_delete(community=obj, by=by)

    @admin.action(description=_("Recount members"))
    def recount(self, request: HttpRequest, queryset: QuerySet[Community]) -> None:
        n = recount_members(queryset)
        self.message_user(
            request,
            ngettext(
                "Recounted the members of %(n)d community.",
                "Recounted the members of %(n)d communities.",
                n,
            )
            % {"n": n},
            messages.SUCCESS,
        )


@admin.register(JoinRequest)
class JoinRequestAdmin(admin.ModelAdmin):
    list_display = ["user", "community", "status", "created_at", "decided_by", "decided_at"]
    list_filter = ["status", "community__kind"]
    search_fields = ["user__username", "user__last_name", "community__name"]
    raw_id_fields = ["user", "community", "decided_by"]
    list_select_related = ["user", "community", "decided_by"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["invitee", "community", "status", "invited_by", "created_at", "decided_at"]
    list_filter = ["status", "community__kind"]
    search_fields = ["invitee__username", "invitee__last_name", "community__name"]
    raw_id_fields = ["invitee", "invited_by", "community"]
    list_select_related = ["invitee", "community", "invited_by"]
