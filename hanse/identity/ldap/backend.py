"""Sign-in with the directory password (django-auth-ldap), next to local accounts.

The person is searched with the service account (``LDAP_BIND_DN``), then their own password
is tried against their entry. Their Hanse account is the one whose user name is the
directory's (``LDAP_USERNAME_ATTRIBUTE``), created at the first sign-in and refreshed at each.
A local account with a password of its own is never taken over by a directory entry of the
same name (a break-glass administrator stays local); one without a password (made by SCIM or
an import) is linked. MFA follows the login whatever the backend (allauth's stage and
``MFARequiredMiddleware``).

Each sign-in also applies the mapped directory groups (org unit, roles, communities) as the
sync does (``groups.py``): the person's groups are found with django-auth-ldap's nested group
type, limited to ``LDAP_GROUP_NESTING_DEPTH`` like the sync. A directory error (unreachable,
TLS refused) refuses the sign-in, writes nothing, logs why and tells the person the directory
could not be reached.
"""

from __future__ import annotations

import logging
from typing import Any

import ldap
from django.contrib import messages
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_auth_ldap.backend import LDAPBackend, ldap_error
from django_auth_ldap.backend import _LDAPUser as LDAPUser
from django_auth_ldap.config import LDAPSearch, LDAPSettings, NestedMemberDNGroupType

from hanse.identity.ldap import config as ldap_config
from hanse.identity.ldap.directory import Entry, describe_error, group_base, tls_options
from hanse.identity.ldap.groups import Mappings, apply_group_effects, group_effects
from hanse.identity.ldap.mapping import profile_values, username_of
from hanse.identity.models import DirectoryAccount
from hanse.people.models import User

logger = logging.getLogger(__name__)


class NestedGroupType(NestedMemberDNGroupType):
    """django-auth-ldap's nested groups of member DNs (what NestedGroupOfNamesType and
    NestedActiveDirectoryGroupType are with ``member``, NestedGroupOfUniqueNamesType with
    ``uniqueMember``), searched from the person upwards: the groups that list them, then the
    groups that list those. Unlike the library's, it stops after ``depth`` + 1 rounds, the
    levels the sync follows downwards (``directory.nested_members``); a group met again is not
    searched again, so a cycle ends the walk.

    It never reads a group's member list: the directory answers the filter
    ``(member=<person's DN>)`` over every value, so a group larger than Active Directory's
    MaxValRange is found as completely as a small one (the sync, which does read member lists,
    follows the ranges: ``directory.Directory.values``). GROUP_SEARCH asks for no attributes
    ("1.1"), so no ranged attribute can come back either."""

    def __init__(self, member_attr: str, depth: int) -> None:
        super().__init__(member_attr)
        self.depth = depth

    def user_groups(self, ldap_user: LDAPUser, group_search: LDAPSearch) -> list[Any]:
        found: dict[str, Any] = {}
        searched: set[str] = set()
        frontier = {ldap_user.dn.lower()}
        for _round in range(self.depth + 1):
            if not frontier:
                break
            infos = self.find_groups_with_any_member(frontier, group_search, ldap_user.connection)
            searched |= frontier
            new = {dn: info for dn, info in ((info[0], info) for info in infos) if dn not in found}
            found.update(new)
            frontier = set(new) - searched
        return list(found.values())


def backend_settings() -> LDAPSettings:
    config = ldap_config.current()
    # A prefix nothing uses: every value comes from hanse's own LDAP_* settings.
    values = LDAPSettings(prefix="HANSE_DIRECTORY_UNUSED_")
    values.SERVER_URI = config.uri
    values.BIND_DN = config.bind_dn
    values.BIND_PASSWORD = config.bind_password
    values.START_TLS = config.start_tls
    values.CONNECTION_OPTIONS = tls_options(config)
    # Only the attributes Hanse maps, as the sync reads them (directory.people): nothing that
    # Active Directory could hand out in ranges (memberOf of a person in many groups).
    attributes = [config.username_attribute, *config.attributes.values()]
    values.USER_SEARCH = LDAPSearch(
        config.user_base, ldap.SCOPE_SUBTREE, config.user_filter, attributes
    )
    values.USER_ATTRLIST = attributes
    values.USER_ATTR_MAP = {}  # filled by get_or_build_user (mapping.py)
    values.ALWAYS_UPDATE_USER = True
    # "1.1": no attributes, only the groups' DNs (not their member lists).
    values.GROUP_SEARCH = LDAPSearch(
        group_base(config), ldap.SCOPE_SUBTREE, "(objectClass=*)", ["1.1"]
    )
    values.GROUP_TYPE = NestedGroupType(config.member_attribute, config.nesting_depth)
    return values


def _report(exc: ldap.LDAPError, request: HttpRequest | None) -> None:
    """A directory error during a sign-in: why, in the log; to the person, that the directory
    could not be reached (the same for every user name: nothing about the account)."""
    logger.error("directory sign-in failed: %s", describe_error(exc, ldap_config.current()))
    if request is not None and hasattr(request, "_messages"):
        messages.error(
            request,
            _(
                "The directory could not be reached, so your directory password could not be "
                "checked. Please try again later; if it keeps happening, tell the IT service desk."
            ),
        )


def _text(value: Any) -> str:
    return value.decode("utf-8", errors="replace") if isinstance(value, bytes) else str(value)


def _entry(ldap_user: LDAPUser) -> Entry:
    return Entry(ldap_user.dn, {k: [_text(v) for v in vs] for k, vs in ldap_user.attrs.items()})


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
        try:
            return super().authenticate(request, username=login, password=password)
        except ldap.LDAPError as exc:
            # Reading the person's groups failed (authenticate_ldap_user): nothing written.
            _report(exc, request)
            return None

    def authenticate_ldap_user(self, ldap_user: LDAPUser, password: str) -> User | None:
        with transaction.atomic():
            user: User | None = ldap_user.authenticate(password)
            if user is None:
                return None
            DirectoryAccount.objects.update_or_create(
                user=user,
                defaults={"dn": ldap_user.dn, "synced_at": timezone.now()},
            )
            self._apply_groups(user, ldap_user)
        return user

    def _apply_groups(self, user: User, ldap_user: LDAPUser) -> None:
        """The mapped directory groups, as the sync applies them (groups.py)."""
        mappings = Mappings()
        # No mapped group: nothing to look up (and no role the directory manages).
        groups = mappings.of(ldap_user.group_dns) if mappings.groups else []
        effects = group_effects(
            user=user,
            groups=groups,
            mappings=mappings,
            entry=_entry(ldap_user),
            config=ldap_config.current(),
        )
        if effects.unit is not None and user.org_unit_id != effects.unit.pk:
            user.org_unit = effects.unit
            user.save(update_fields=["org_unit"])
        apply_group_effects(user=user, effects=effects)

    def get_or_build_user(self, username: str, ldap_user: LDAPUser) -> tuple[User, bool]:
        config = ldap_config.current()
        entry = _entry(ldap_user)
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
            built = User(username=name)  # its unit: _apply_groups
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


# django-auth-ldap catches the errors of the person's search itself (server down, TLS
# refused) and hands them to this signal instead of raising them.
@receiver(ldap_error, sender=DirectoryBackend)
def _directory_error(sender: Any, context: str, exception: Any, **kwargs: Any) -> None:
    _report(exception, kwargs.get("request"))
