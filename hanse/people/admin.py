from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from hanse.core.rules import is_platform_admin
from hanse.people import services
from hanse.people.models import Location, OrgUnit, Skill, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = (
        "username",
        "email",
        "first_name",
        "last_name",
        "job_title",
        "org_unit",
        "location",
        "is_active",
        "is_staff",
    )
    list_filter = ("is_active", "is_staff", "is_superuser", "location", "org_unit", "groups")
    list_select_related = ("org_unit", "location")
    search_fields = ("username", "first_name", "last_name", "email", "job_title")
    ordering = ("last_name", "first_name")
    autocomplete_fields = ("org_unit", "location", "skills", "ask_me_about")
    readonly_fields = ("photo_preview", "roles_list", "last_login", "date_joined")
    # Photos go through avatar_set (content sniffing, re-encoding), never through a raw upload.
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email", "photo_preview")}),
        (
            _("Profile"),
            {
                "fields": (
                    "job_title",
                    "org_unit",
                    "location",
                    "phone",
                    "mobile",
                    "about",
                    "skills",
                    "ask_me_about",
                    "languages",
                    "ui_language",
                )
            },
        ),
        (
            _("Permissions"),
            {
                "fields": (
                    "roles_list",
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                ),
            },
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "email",
                    "first_name",
                    "last_name",
                    "password1",
                    "password2",
                ),
            },
        ),
    )

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        # Job title, org unit and location are HR's to record: they go through their own
        # service (and its permission check), not through the generic model save.
        hr = {
            name: form.cleaned_data[name]
            for name in services.HR_FIELDS
            if name in form.changed_data
        }
        if change and hr:
            stored = User.objects.only(*hr).get(pk=obj.pk)
            for name in hr:
                setattr(obj, name, getattr(stored, name))
        super().save_model(request, obj, form, change)
        if hr:
            services.person_hr_update(user=obj, by=request.user, **hr)  # type: ignore[arg-type]  # admin pages need a staff login

    @admin.display(description=_("roles"))
    def roles_list(self, obj: User) -> str:
        """The person's roles at a glance (hanse/identity/roles.py): the administrator flag
        and the groups; granted below, every change written to the audit log."""
        if obj.pk is None:
            return "—"
        names = [str(_("Administrator"))] if is_platform_admin(obj) else []
        names += sorted(obj.groups.values_list("name", flat=True))
        if not names:
            return str(_("no role"))
        return format_html_join(", ", "<strong>{}</strong>", ((name,) for name in names))

    @admin.display(description=_("photo"))
    def photo_preview(self, obj: User) -> str:
        if not obj.avatar_thumbnail:
            return "—"
        return format_html(
            '<img src="{}" alt="" width="64" height="64" style="border-radius:50%">',
            obj.avatar_thumbnail.url,
        )


class OrgUnitAdminForm(forms.ModelForm):
    class Meta:
        model = OrgUnit
        fields = (
            "name",
            "short_name",
            "slug",
            "kind",
            "parent",
            "manager",
            "location",
            "sort_order",
        )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        self.fields["slug"].help_text = _("Leave empty to make one from the name.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        parent = data.get("parent")
        if self.instance.pk and parent is not None and self.instance.path:
            fresh = OrgUnit.objects.filter(pk=parent.pk).values_list("path", flat=True).first()
            if fresh and fresh.startswith(self.instance.path):
                self.add_error(
                    "parent",
                    _("A unit cannot be moved below itself or one of its own sub-units."),
                )
        return data


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    form = OrgUnitAdminForm
    list_display = ("tree_name", "kind", "manager", "location", "slug")
    list_filter = ("kind", "location")
    list_select_related = ("manager", "location")
    search_fields = ("name", "short_name", "slug")
    autocomplete_fields = ("parent", "manager", "location")
    ordering = ("path",)  # depth-first tree order: each unit comes right after its parent
    readonly_fields = ("path", "depth")

    @admin.display(description=_("name"), ordering="path")
    def tree_name(self, obj: OrgUnit) -> str:
        return format_html('<span style="padding-left:{}em">{}</span>', obj.depth * 1.5, obj.name)

    def save_model(self, request: HttpRequest, obj: OrgUnit, form: Any, change: bool) -> None:
        # Saving goes through the services so that paths of moved subtrees stay right.
        data = form.cleaned_data
        if change:
            fields = {name: data[name] for name in form.changed_data if name in data}
            if "slug" in fields and not fields["slug"]:
                fields.pop("slug")
            unit = OrgUnit.objects.get(pk=obj.pk)
            services.orgunit_update(unit=unit, **fields)
        else:
            unit = services.orgunit_create(
                name=data["name"],
                kind=data["kind"],
                parent=data.get("parent"),
                manager=data.get("manager"),
                location=data.get("location"),
                short_name=data.get("short_name") or "",
                slug=data.get("slug") or None,
                sort_order=data.get("sort_order") or 0,
            )
            obj.pk = unit.pk
            obj._state.adding = False
        obj.refresh_from_db()


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "city", "postal_code")
    list_filter = ("kind",)
    search_fields = ("name", "city", "postal_code")


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
