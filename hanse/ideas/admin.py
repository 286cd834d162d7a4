from django.contrib import admin

from hanse.ideas.models import Campaign, Experiment, Idea


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["question", "community", "starts_on", "ends_on"]
    raw_id_fields = ["community", "created_by", "reviewers"]


@admin.register(Idea)
class IdeaAdmin(admin.ModelAdmin):
    list_display = ["title", "community", "status", "support_count", "created_at"]
    list_filter = ["status"]
    raw_id_fields = ["campaign", "community", "author", "merged_into"]


@admin.register(Experiment)
class ExperimentAdmin(admin.ModelAdmin):
    list_display = ["title", "community", "status", "result", "closed_at"]
    list_filter = ["status", "result"]
    raw_id_fields = ["idea", "community", "owner", "team"]
