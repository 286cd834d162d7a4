"""Polls in the admin: settings and counts only. Who voted and named choices are not listed
here (they are personal data shown to the poll's author only); anonymous ballots have no rows."""

from django.contrib import admin

from hanse.participation.models import Poll, PollOption, PraiseValue, TownHall


class PollOptionInline(admin.TabularInline):
    model = PollOption
    extra = 0
    fields = ("label", "position", "anonymous_count")
    readonly_fields = ("anonymous_count",)


@admin.register(Poll)
class PollAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "post",
        "message",
        "kind",
        "anonymous",
        "results",
        "closes_at",
        "voter_count",
    )
    list_filter = ("anonymous", "kind", "results")
    readonly_fields = (
        "post",
        "message",
        "anonymous",
        "voter_count",
        "created_at",
        "reminded_at",
    )
    inlines = [PollOptionInline]


@admin.register(PraiseValue)
class PraiseValueAdmin(admin.ModelAdmin):
    """The organisation's values that colleagues thank each other for."""

    list_display = ("name", "position", "active")
    list_editable = ("position", "active")


@admin.register(TownHall)
class TownHallAdmin(admin.ModelAdmin):
    """Town halls' settings. Questions are not listed here: anonymous ones name nobody anyway,
    and moderation happens on the town hall's page. Who may create town halls is the
    permission "Can create and host town halls" on a person or a group."""

    list_display = ("title", "starts_at", "ends_at", "company_wide", "approval_required")
    search_fields = ("title",)
    filter_horizontal = ("hosts", "moderators", "units")
    fields = (
        "title",
        "description",
        "starts_at",
        "ends_at",
        "company_wide",
        "units",
        "hosts",
        "moderators",
        "approval_required",
        "event",
    )
    raw_id_fields = ("event",)
