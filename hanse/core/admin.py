from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from hanse.core.models import SiteConfiguration


@admin.register(SiteConfiguration)
class SiteConfigurationAdmin(admin.ModelAdmin):
    """A singleton: the list goes straight to the one row, which cannot be added or deleted."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not SiteConfiguration.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        config = SiteConfiguration.get()
        return HttpResponseRedirect(
            reverse("admin:core_siteconfiguration_change", args=[config.pk])
        )
