from django.contrib import admin

from hanse.decisions.models import Proposal


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ["title", "community", "status", "outcome", "deadline", "review_on"]
    list_filter = ["status", "outcome"]
    raw_id_fields = ["community", "proposer", "deciders"]
