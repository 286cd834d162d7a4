"""Administration of circles: rounds, week agendas and multipliers are edited here; circles
show only their roster facts. Goals, relationship lists, check-ins, sign-ups and wishes are
not registered at all: administrators do not read what is said in a circle.

The circles' meetings and chat channels belong to the events and chat apps; their admin
lists leave them out (the subclasses below replace those apps' list pages), so a circle's
chat does not appear among the channels an administrator browses.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from hanse.chat.admin import ChannelAdmin
from hanse.chat.models import Channel
from hanse.circles.models import (
    Circle,
    CircleRound,
    Multiplier,
    OnboardingItem,
    Programme,
    WeekAgenda,
)
from hanse.events.admin import EventAdmin
from hanse.events.models import Event


@admin.register(CircleRound)
class CircleRoundAdmin(admin.ModelAdmin):
    list_display = ["name", "signup_closes", "starts_on", "weeks", "status"]
    list_filter = ["status"]
    exclude = ["proposal"]
    readonly_fields = ["created_by", "created_at", "confirmed_at"]


@admin.register(Circle)
class CircleAdmin(admin.ModelAdmin):
    list_display = ["name", "round", "starts_on", "status", "member_count"]
    list_filter = ["status", "round"]
    fields = ["name", "round", "starts_on", "weeks", "slot", "online", "location", "status"]
    readonly_fields = ["round", "starts_on", "weeks", "slot", "online", "location"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Circle]:
        return super().get_queryset(request).annotate(n_members=Count("members"))

    @admin.display(description=_("members"), ordering="n_members")
    def member_count(self, obj: Circle) -> int:
        return int(getattr(obj, "n_members", 0))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(WeekAgenda)
class WeekAgendaAdmin(admin.ModelAdmin):
    list_display = ["week", "title"]


@admin.register(Multiplier)
class MultiplierAdmin(admin.ModelAdmin):
    list_display = ["user", "topics", "status", "decided_at"]
    list_filter = ["status"]
    search_fields = ["user__username", "user__last_name", "topics"]
    raw_id_fields = ["user", "decided_by"]


@admin.register(OnboardingItem)
class OnboardingItemAdmin(admin.ModelAdmin):
    """The Connectoren's checklist (coordinators also edit it on the site). Who ticked what
    is not registered: coordinators and administrators see counts only."""

    list_display = ["position", "title", "link"]
    list_display_links = ["title"]


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    """Links the programme to an existing community (else one is founded on the first
    approval)."""

    raw_id_fields = ["community"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not Programme.objects.exists()


class _WithoutCircles:
    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).filter(circle__isnull=True)  # type: ignore[misc]  # mixin over a ModelAdmin


class CircleFreeChannelAdmin(_WithoutCircles, ChannelAdmin):
    """The chat's channel list without circle channels."""


class CircleFreeEventAdmin(_WithoutCircles, EventAdmin):
    """The events list without circle meetings."""


for model, model_admin in ((Channel, CircleFreeChannelAdmin), (Event, CircleFreeEventAdmin)):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, model_admin)
