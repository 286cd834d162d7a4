from typing import Any

from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from hanse.identity.models import (
    DirectoryAccount,
    DirectoryGroup,
    DirectorySyncRun,
    HrImportRun,
    NetworkPlace,
    ScimToken,
    SecondFactor,
    SignedInSession,
)
from hanse.identity.scim import auth
from hanse.identity.useragent import describe


@admin.register(NetworkPlace)
class NetworkPlaceAdmin(admin.ModelAdmin):
    list_display = ["network", "location"]
    list_select_related = ["location"]
    autocomplete_fields = ["location"]
    search_fields = ["network", "location__name"]


@admin.register(ScimToken)
class ScimTokenAdmin(admin.ModelAdmin):
    """Tokens for the identity provider's SCIM client: the value is shown once, on creation."""

    list_display = ["name", "prefix", "created_at", "created_by", "last_used_at", "revoked_at"]
    list_select_related = ["created_by"]
    fields = ["name", "prefix", "created_at", "created_by", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "created_at", "created_by", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def has_change_permission(self, request: HttpRequest, obj: ScimToken | None = None) -> bool:
        # A token is created and revoked, never edited.
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: ScimToken, form: Any, change: bool) -> None:
        if change:
            return
        token, raw = auth.token_create(name=obj.name, by=request.user, request=request)
        obj.pk = token.pk
        messages.warning(
            request,
            _("Copy the token now, it is shown only once: %(token)s") % {"token": raw},
        )

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request: HttpRequest, queryset: Any) -> None:
        for token in queryset:
            auth.token_revoke(token=token, by=request.user, request=request)
        self.message_user(request, _("The tokens were revoked."))


# allauth's own admins show names German cannot translate: ours show the same rows.
admin.site.unregister(Authenticator)
admin.site.unregister(UserSession)


@admin.register(SecondFactor)
class SecondFactorAdmin(admin.ModelAdmin):
    """A person who lost every factor and their recovery codes: delete their factors here;
    they enrol again at the next login (docs/operations.md)."""

    list_display = ["person", "kind", "added", "last_used"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__email"]
    fields = ["person", "kind", "added", "last_used"]
    readonly_fields = ["person", "kind", "added", "last_used"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("person"))
    def person(self, obj: SecondFactor) -> str:
        return str(obj.user)

    @admin.display(description=_("kind"))
    def kind(self, obj: SecondFactor) -> str:
        return str(obj.get_type_display())

    @admin.display(description=_("added"))
    def added(self, obj: SecondFactor) -> Any:
        return obj.created_at

    @admin.display(description=_("last used"))
    def last_used(self, obj: SecondFactor) -> Any:
        return obj.last_used_at


@admin.register(SignedInSession)
class SignedInSessionAdmin(admin.ModelAdmin):
    list_display = ["person", "device", "address", "signed_in", "last_seen"]
    list_select_related = ["user"]
    search_fields = ["user__username", "ip"]
    fields = ["person", "device", "address", "signed_in", "last_seen"]
    readonly_fields = ["person", "device", "address", "signed_in", "last_seen"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Deleting the record would not end the session: people end theirs on their page.
        return False

    @admin.display(description=_("person"))
    def person(self, obj: SignedInSession) -> str:
        return str(obj.user)

    @admin.display(description=_("device"))
    def device(self, obj: SignedInSession) -> str:
        return describe(obj.user_agent)

    @admin.display(description=_("address"))
    def address(self, obj: SignedInSession) -> str:
        return obj.ip

    @admin.display(description=_("signed in"))
    def signed_in(self, obj: SignedInSession) -> Any:
        return obj.created_at

    @admin.display(description=_("last seen"))
    def last_seen(self, obj: SignedInSession) -> Any:
        return obj.last_seen_at


@admin.register(DirectoryGroup)
class DirectoryGroupAdmin(admin.ModelAdmin):
    """What membership of a directory group means in Hanse (docs/operations.md "LDAP")."""

    list_display = ["dn", "org_unit", "role", "community"]
    list_select_related = ["org_unit", "role", "community"]
    search_fields = ["dn"]


@admin.register(DirectoryAccount)
class DirectoryAccountAdmin(admin.ModelAdmin):
    """Who comes from the directory; written by the sign-in and the sync only."""

    list_display = ["user", "dn", "synced_at", "deactivated_by_sync"]
    list_select_related = ["user"]
    search_fields = ["dn", "user__username"]
    readonly_fields = ["user", "dn", "synced_at", "deactivated_by_sync"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(DirectorySyncRun)
class DirectorySyncRunAdmin(admin.ModelAdmin):
    """The last runs of the directory sync and what each changed (read only)."""

    list_display = [
        "started_at",
        "status",
        "trigger",
        "people_seen",
        "created",
        "updated",
        "deactivated",
        "problems",
    ]
    list_filter = ["status", "trigger"]
    readonly_fields = [
        "started_at",
        "finished_at",
        "status",
        "trigger",
        "people_seen",
        "created",
        "updated",
        "deactivated",
        "problems",
        "report",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# The file's text is personal data and stays off the HR import run's admin page.
_HR_RUN_FIELDS = (
    "created_at",
    "started_at",
    "finished_at",
    "dry_run",
    "status",
    "trigger",
    "created_by",
    "preview_of",
    "file_name",
    "rows",
    "created",
    "updated",
    "deactivated",
    "errors",
    "report",
)


@admin.register(HrImportRun)
class HrImportRunAdmin(admin.ModelAdmin):
    """The HR import's runs (read only); the page /hr-import/ uploads and confirms files."""

    list_display = [
        "created_at",
        "dry_run",
        "status",
        "trigger",
        "created_by",
        "rows",
        "created",
        "updated",
        "deactivated",
        "errors",
    ]
    list_filter = ["status", "trigger", "dry_run"]
    list_select_related = ["created_by"]
    fields = _HR_RUN_FIELDS
    readonly_fields = _HR_RUN_FIELDS

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
