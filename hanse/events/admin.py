"""Administration of events: look up, correct and cancel; RSVPs and overrides inline."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from hanse.events.models import CalendarToken, Event, OccurrenceOverride, ReminderSetting, Rsvp


class OccurrenceOverrideInline(admin.TabularInline):
    model = OccurrenceOverride
    extra = 0
    fields = ("recurrence_id", "cancelled", "start", "end", "title", "room", "sequence")


class RsvpInline(admin.TabularInline):
    model = Rsvp
    extra = 0
    fields = ("occurrence", "user", "status", "created_at")
    raw_id_fields = ("user",)


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("title", "start", "community", "organiser", "rrule", "capacity", "cancelled_at")
    list_filter = ("all_day", "cancelled_at")
    search_fields = ("title", "description", "organiser__username", "community__name")
    date_hierarchy = "start"
    raw_id_fields = ("organiser", "co_organisers", "community", "split_from", "notes_post")
    readonly_fields = ("uid", "sequence", "created_at", "updated_at", "description_html")
    list_select_related = ("community", "organiser")
    inlines = (OccurrenceOverrideInline, RsvpInline)


@admin.register(Rsvp)
class RsvpAdmin(admin.ModelAdmin):
    list_display = ("event", "occurrence", "user", "status", "created_at")
    list_filter = ("status",)
    search_fields = ("event__title", "user__username")
    raw_id_fields = ("event", "user")
    list_select_related = ("event", "user")


@admin.register(CalendarToken)
class CalendarTokenAdmin(admin.ModelAdmin):
    """Tokens can be looked at and revoked; the secret itself is never stored."""

    list_display = ("user", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("user", "token_hash", "created_at", "last_used_at")
    raw_id_fields = ("user",)

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(ReminderSetting)
class ReminderSettingAdmin(admin.ModelAdmin):
    list_display = ("user", "day_before", "hour_before", "updated_at")
    raw_id_fields = ("user",)
