from django.contrib import admin

from hanse.moderation.models import Decision, Hiding, Report, Suspension


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["kind", "object_id", "category", "status", "outcome", "created_at"]
    list_filter = ["status", "category", "kind"]
    raw_id_fields = ["reporter", "author", "community", "decided_by"]


@admin.register(Hiding)
class HidingAdmin(admin.ModelAdmin):
    list_display = ["kind", "object_id", "state", "at"]
    list_filter = ["state", "kind"]
    raw_id_fields = ["author", "community", "by"]


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ["action", "kind", "object_id", "subject", "at"]
    list_filter = ["action"]
    raw_id_fields = ["subject", "by"]


@admin.register(Suspension)
class SuspensionAdmin(admin.ModelAdmin):
    list_display = ["user", "starts_at", "ends_at", "lifted_at"]
    raw_id_fields = ["user", "by"]
