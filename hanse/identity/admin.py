from django.contrib import admin

from hanse.identity.models import NetworkPlace


@admin.register(NetworkPlace)
class NetworkPlaceAdmin(admin.ModelAdmin):
    list_display = ["network", "location"]
    list_select_related = ["location"]
    autocomplete_fields = ["location"]
    search_fields = ["network", "location__name"]
