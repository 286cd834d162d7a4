"""Polls in the admin: settings and counts only. Who voted and named choices are not listed
here (they are personal data shown to the poll's author only); anonymous ballots have no rows."""

from django.contrib import admin

from hanse.participation.models import Poll, PollOption, PraiseValue


class PollOptionInline(admin.TabularInline):
    model = PollOption
    extra = 0
    fields = ("label", "position", "anonymous_count")
    readonly_fields = ("anonymous_count",)


@admin.register(Poll)
class PollAdmin(admin.ModelAdmin):
    list_display = ("id", "post", "kind", "anonymous", "results", "closes_at", "voter_count")
    list_filter = ("anonymous", "kind", "results")
    readonly_fields = ("post", "anonymous", "voter_count", "created_at", "reminded_at")
    inlines = [PollOptionInline]


@admin.register(PraiseValue)
class PraiseValueAdmin(admin.ModelAdmin):
    """The organisation's values that colleagues thank each other for."""

    list_display = ("name", "position", "active")
    list_editable = ("position", "active")
