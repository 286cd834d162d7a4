"""What the audit log hears without being called: sign-ins, role and permission changes,
administrator actions in Django admin and changes to the site configuration.

Connected in ``AuditConfig.ready()``. Every receiver writes inside the transaction of the
change it records (a rolled-back change leaves no entry). Only ids and setting values are
stored, never names or the password that was tried.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models import Model, Q
from django.db.models.signals import m2m_changed, post_save, pre_save
from django.http import HttpRequest

from hanse.audit.context import current
from hanse.audit.services import record
from hanse.core.models import SiteConfiguration

# The flags on a person that are roles: who may enter admin, who may do everything, who may
# sign in at all.
ROLE_FLAGS = ("is_staff", "is_superuser", "is_active")


# --- signing in and out ----------------------------------------------------------------------


def _logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    record("auth.login", actor=user, target=user, request=request)


def _logged_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is None:
        return
    record("auth.logout", actor=user, target=user, request=request)


def _login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    """A failed sign-in names the account that was tried (by id) when it exists, never the
    text that was typed: a mistyped password in the user name field must not be kept."""
    login = ""
    method = ""
    for key in ("username", "email", "login"):
        value = credentials.get(key)
        if isinstance(value, str) and value:
            login, method = value, key
            break
    users = get_user_model().objects
    account = None
    if login:
        account = users.filter(Q(username__iexact=login) | Q(email__iexact=login)).first()
    record(
        "auth.login_failed",
        actor=None,
        target=account,
        request=request,
        data={"known_account": account is not None, "by": method},
    )


# --- roles and permissions -------------------------------------------------------------------


def _remember_flags(sender: Any, instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
    if instance._state.adding or instance.pk is None:
        instance._audit_flags = None
        return
    if update_fields is not None and not set(update_fields) & set(ROLE_FLAGS):
        instance._audit_flags = None  # last_login and the like: no role can have changed
        return
    before = sender.objects.filter(pk=instance.pk).values(*ROLE_FLAGS).first()
    instance._audit_flags = before


def _flags_saved(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    if created:
        granted = {flag: True for flag in ("is_staff", "is_superuser") if getattr(instance, flag)}
        if granted:
            _record_role("roles.flags_changed", instance, {"created": True, **granted})
        return
    before = getattr(instance, "_audit_flags", None)
    instance._audit_flags = None
    if not before:
        return
    changed = {
        flag: [before[flag], getattr(instance, flag)]
        for flag in ROLE_FLAGS
        if before[flag] != getattr(instance, flag)
    }
    if changed:
        _record_role("roles.flags_changed", instance, changed)


def _record_role(action: str, target: Any, data: dict[str, Any]) -> None:
    request = current()
    record(action, target=target, request=request, data=data)


def _ids(pks: Iterable[Any] | None) -> list[Any]:
    return sorted(pks or [])


def _permission_codes(pks: Iterable[Any] | None) -> list[str]:
    rows = Permission.objects.filter(pk__in=list(pks or [])).values_list(
        "content_type__app_label", "codename"
    )
    return sorted(f"{app}.{code}" for app, code in rows)


_M2M_ACTIONS = {"post_add": "added", "post_remove": "removed", "pre_clear": "cleared"}


def _m2m_changed(
    sender: Any,
    instance: Any,
    action: str,
    reverse: bool,
    model: type[Model],
    pk_set: set[Any] | None,
    **kwargs: Any,
) -> None:
    """Group memberships and permissions of people and groups, from either side."""
    what = _M2M_ACTIONS.get(action)
    if what is None:
        return
    user_model = get_user_model()
    if action == "pre_clear":
        # The set is gone after the clear: read it now.
        pk_set = set(getattr(instance, _field_of(sender, instance)).values_list("pk", flat=True))
        if not pk_set:
            return
    if sender is user_model.groups.through:
        if reverse:  # group.user_set.add(...)
            for pk in sorted(pk_set or []):
                _record_role(f"roles.group_{what}", ("people.user", pk), {"groups": [instance.pk]})
        else:
            _record_role(f"roles.group_{what}", instance, {"groups": _ids(pk_set)})
    elif sender is user_model.user_permissions.through:
        if reverse:
            codes = _permission_codes([instance.pk])
            for pk in sorted(pk_set or []):
                _record_role(
                    f"roles.permission_{what}", ("people.user", pk), {"permissions": codes}
                )
        else:
            _record_role(
                f"roles.permission_{what}", instance, {"permissions": _permission_codes(pk_set)}
            )
    elif sender is Group.permissions.through:
        if reverse:
            codes = _permission_codes([instance.pk])
            for pk in sorted(pk_set or []):
                _record_role(
                    f"roles.group_permission_{what}", ("auth.group", pk), {"permissions": codes}
                )
        else:
            _record_role(
                f"roles.group_permission_{what}",
                instance,
                {"permissions": _permission_codes(pk_set)},
            )


def _field_of(sender: Any, instance: Any) -> str:
    user_model = get_user_model()
    if sender is user_model.groups.through:
        return "groups" if isinstance(instance, user_model) else "user_set"
    if sender is user_model.user_permissions.through:
        return "user_permissions" if isinstance(instance, user_model) else "user_set"
    return "permissions" if isinstance(instance, Group) else "group_set"


# --- the site configuration ------------------------------------------------------------------


def _config_fields() -> list[str]:
    return [f.attname for f in SiteConfiguration._meta.concrete_fields if f.attname != "id"]


def _remember_config(sender: Any, instance: SiteConfiguration, **kwargs: Any) -> None:
    before = None
    if instance.pk is not None:
        before = SiteConfiguration.objects.filter(pk=instance.pk).values(*_config_fields()).first()
    instance._audit_before = before  # type: ignore[attr-defined]


def _config_saved(sender: Any, instance: SiteConfiguration, created: bool, **kwargs: Any) -> None:
    before = getattr(instance, "_audit_before", None) or {}
    changed = {
        name: [before.get(name), getattr(instance, name)]
        for name in _config_fields()
        if before.get(name) != getattr(instance, name)
    }
    if created and not before:
        # The row is created with its defaults the first time anyone reads it: not a change.
        defaults = {f.attname: f.get_default() for f in SiteConfiguration._meta.concrete_fields}
        changed = {k: v for k, v in changed.items() if defaults.get(k) != v[1]}
    if changed:
        record("settings.changed", target=instance, request=current(), data={"fields": changed})


# --- Django admin ----------------------------------------------------------------------------


def _admin_entry(request: HttpRequest, obj: Any, kind: str, message: Any) -> None:
    fields: list[str] = []
    if isinstance(message, list):
        for part in message:
            for value in part.values() if isinstance(part, dict) else []:
                if isinstance(value, dict):
                    fields += [str(f) for f in value.get("fields", [])]
    elif isinstance(message, str) and message.startswith("["):
        try:
            return _admin_entry(request, obj, kind, json.loads(message))
        except ValueError:
            pass
    data: dict[str, Any] = {}
    if fields:
        data["fields"] = sorted(set(fields))
    record(f"admin.{kind}", target=obj, request=request, data=data)


def install_admin_hooks() -> None:
    """Every addition, change and deletion in Django admin becomes an audit entry.

    Django writes its own LogEntry rows through ``ModelAdmin.log_addition``, ``log_change``
    and ``log_deletions``; the last one uses ``bulk_create`` (no ``post_save``), so the audit
    entry is written by wrapping the three methods, which receive the request."""
    model_admin = admin.ModelAdmin
    if getattr(model_admin, "_audit_hooked", False):
        return
    original_addition = model_admin.log_addition
    original_change = model_admin.log_change
    original_deletions = model_admin.log_deletions

    def log_addition(self: Any, request: HttpRequest, obj: Any, message: Any) -> Any:
        entry = original_addition(self, request, obj, message)
        _admin_entry(request, obj, "added", message)
        return entry

    def log_change(self: Any, request: HttpRequest, obj: Any, message: Any) -> Any:
        entry = original_change(self, request, obj, message)
        _admin_entry(request, obj, "changed", message)
        return entry

    def log_deletions(self: Any, request: HttpRequest, queryset: Any) -> Any:
        entries = original_deletions(self, request, queryset)
        for obj in queryset:
            _admin_entry(request, obj, "deleted", None)
        return entries

    model_admin.log_addition = log_addition  # type: ignore[method-assign]
    model_admin.log_change = log_change  # type: ignore[method-assign]
    model_admin.log_deletions = log_deletions  # type: ignore[method-assign]
    model_admin._audit_hooked = True  # type: ignore[attr-defined]


def connect() -> None:
    user_model = get_user_model()
    user_logged_in.connect(_logged_in, dispatch_uid="audit-login")
    user_logged_out.connect(_logged_out, dispatch_uid="audit-logout")
    user_login_failed.connect(_login_failed, dispatch_uid="audit-login-failed")
    pre_save.connect(_remember_flags, sender=user_model, dispatch_uid="audit-flags-pre")
    post_save.connect(_flags_saved, sender=user_model, dispatch_uid="audit-flags-post")
    for through in (
        user_model.groups.through,
        user_model.user_permissions.through,
        Group.permissions.through,
    ):
        m2m_changed.connect(_m2m_changed, sender=through, dispatch_uid=f"audit-m2m-{through}")
    pre_save.connect(_remember_config, sender=SiteConfiguration, dispatch_uid="audit-config-pre")
    post_save.connect(_config_saved, sender=SiteConfiguration, dispatch_uid="audit-config-post")
    install_admin_hooks()
