"""Guests in admin: their invitations, and their access's end (set or extend it there)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from hanse.guests.models import Guest, GuestInvitation


@admin.register(Guest)
class GuestAdmin(admin.ModelAdmin):
    list_display = ("username", "email", "guest_organisation", "guest_expires_at", "is_active")
    list_filter = ("is_active",)
    search_fields = ("username", "email", "guest_organisation")
    # Changes are recorded through admin's own log (admin.changed, hanse/audit/signals.py).
    fields = (
        "username",
        "email",
        "first_name",
        "last_name",
        "guest_organisation",
        "guest_expires_at",
        "is_active",
    )
    readonly_fields = ("username", "email")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).filter(is_guest=True)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # guests come in by invitation only


@admin.register(GuestInvitation)
class GuestInvitationAdmin(admin.ModelAdmin):
    list_display = ("email", "organisation", "community", "invited_by", "created_at", "accepted_at")
    search_fields = ("email", "organisation")
    readonly_fields = ("token_hash", "created_at", "accepted_at", "user", "invited_by")
    list_select_related = ("community", "invited_by")
