"""Sign-in with the directory password (django-auth-ldap), next to local accounts.

The person is searched with the service account (``LDAP_BIND_DN``), then their own password
is tried against their entry. Their Hanse account is the one whose user name is the
directory's (``LDAP_USERNAME_ATTRIBUTE``), created at the first sign-in and refreshed at each.
A local account with a password of its own is never taken over by a directory entry of the
same name (a break-glass administrator stays local); one without a password (made by SCIM or
an import) is linked. MFA follows the login whatever the backend (allauth's stage and
``MFARequiredMiddleware``).
"""

from __future__ import annotations

import logging
from typing import Any

import ldap
from django.db import transaction
from django.utils import timezone
from django_auth_ldap.backend import LDAPBackend
from django_auth_ldap.backend import _LDAPUser as LDAPUser
from django_auth_ldap.config import LDAPSearch, LDAPSettings

from hanse.identity.ldap import config as ldap_config
from hanse.identity.ldap.directory import Entry, tls_options
from hanse.identity.ldap.mapping import find_unit, profile_values, unit_name, username_of
from hanse.identity.models import DirectoryAccount
from hanse.people.models import User

logger = logging.getLogger(__name__)


def backend_settings() -> LDAPSettings:
    config = ldap_config.current()
    # A prefix nothing uses: every value comes from hanse's own LDAP_* settings.
    values = LDAPSettings(prefix="HANSE_DIRECTORY_UNUSED_")
    values.SERVER_URI = config.uri
    values.BIND_DN = config.bind_dn
    values.BIND_PASSWORD = config.bind_password
    values.START_TLS = config.start_tls
    values.CONNECTION_OPTIONS = tls_options(config)
    values.USER_SEARCH = LDAPSearch(config.user_base, ldap.SCOPE_SUBTREE, config.user_filter)
    values.USER_ATTR_MAP = {}  # filled by get_or_build_user (mapping.py)
    values.ALWAYS_UPDATE_USER = True
    return values


def _text(value: Any) -> str:
    return value.decode("utf-8", errors="replace") if isinstance(value, bytes) else str(value)


class DirectoryBackend(LDAPBackend):
    _settings: LDAPSettings | None = None

    @property  # built from hanse's settings, not AUTH_LDAP_*
    def settings(self) -> LDAPSettings:
        if self._settings is None:
            self._settings = backend_settings()
        return self._settings

    @settings.setter
    def settings(self, value: LDAPSettings) -> None:
        self._settings = value

    def authenticate(
        self,
        request: Any,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if not ldap_config.enabled():
            return None
        # allauth hands an e-mail address over as `email`; a filter such as
        # (|(uid=%(user)s)(mail=%(user)s)) lets people sign in with it.
        login = username if username is not None else kwargs.get("email")
        if not login or not password:
            return None
        return super().authenticate(request, username=login, password=password)

    def authenticate_ldap_user(self, ldap_user: LDAPUser, password: str) -> User | None:
        with transaction.atomic():
            user: User | None = ldap_user.authenticate(password)
            if user is None:
                return None
            DirectoryAccount.objects.update_or_create(
                user=user,
                defaults={"dn": ldap_user.dn, "synced_at": timezone.now()},
            )
        return user

    def get_or_build_user(self, username: str, ldap_user: LDAPUser) -> tuple[User, bool]:
        config = ldap_config.current()
        entry = Entry(
            ldap_user.dn, {k: [_text(v) for v in vs] for k, vs in ldap_user.attrs.items()}
        )
        name = username_of(entry, config)
        if not name:
            raise LDAPUser.AuthenticationFailed("the entry has no user name attribute")
        values = profile_values(entry, config)
        user = User.objects.filter(username__iexact=name).select_related("directory_account")
        existing = user.first()
        if existing is not None:
            linked = hasattr(existing, "directory_account")
            if not linked and existing.has_usable_password():
                raise LDAPUser.AuthenticationFailed("a local account has this user name")
            if not existing.is_active:
                raise LDAPUser.AuthenticationFailed("the account is deactivated")
        email = values.get("email", "")
        email_taken = (
            bool(email)
            and User.objects.filter(email__iexact=email)
            .exclude(pk=existing.pk if existing else 0)
            .exists()
        )
        if email_taken:
            values.pop("email")
        if existing is None:
            if not email or email_taken:
                logger.warning("directory sign-in refused: no e-mail address of its own")
                raise LDAPUser.AuthenticationFailed("no usable e-mail address")
            built = User(username=name)
            if unit := find_unit(unit_name(entry, config)):
                built.org_unit = unit
        else:
            built = existing
        for field, value in values.items():
            setattr(built, field, value)
        return built, existing is None

    # Permissions come from Hanse's roles, never from this backend (no directory round trip
    # on every permission check).
    def has_perm(self, user: Any, perm: str, obj: Any = None) -> bool:
        return False

    def has_module_perms(self, user: Any, app_label: str) -> bool:
        return False

    def get_all_permissions(self, user: Any, obj: Any = None) -> set[str]:
        return set()

    def get_group_permissions(self, user: Any, obj: Any = None) -> set[str]:
        return set()
