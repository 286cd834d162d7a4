"""The directory's settings, read in one place (``LDAP_*`` in hanse/settings.py)."""

from __future__ import annotations

import os
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# Profile fields the directory may fill; "unit" and "manager" are resolved to rows.
PROFILE_FIELDS = ("first_name", "last_name", "email", "job_title", "phone", "mobile")
FIELDS = (*PROFILE_FIELDS, "unit", "manager")


@dataclass(frozen=True)
class DirectoryConfig:
    uri: str
    bind_dn: str
    bind_password: str
    user_base: str
    user_filter: str
    username_attribute: str
    attributes: dict[str, str]  # profile field -> directory attribute
    member_attribute: str
    group_base: str  # empty: the domain of user_base (directory.group_base)
    start_tls: bool
    ca_file: str
    require_cert: bool
    timeout: int
    max_deactivate_percent: int
    nesting_depth: int = 5  # levels of groups within a mapped group that are followed
    range_size: int = 0  # values asked for at a time (ranges.py); 0: as the directory hands out

    @property
    def list_filter(self) -> str:
        """The user filter with every name: everyone the sync should know."""
        return self.user_filter.replace("%(user)s", "*")


def enabled() -> bool:
    return bool(settings.LDAP_SERVER_URI)


def parse_attributes(entries: list[str]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for entry in entries:
        field, sep, attribute = entry.partition("=")
        field, attribute = field.strip(), attribute.strip()
        if not sep or field not in FIELDS or not attribute:
            raise ImproperlyConfigured(
                f"LDAP_ATTRIBUTES: {entry!r} is not field=attribute with a field among "
                f"{', '.join(FIELDS)}"
            )
        mapping[field] = attribute
    return mapping


def current() -> DirectoryConfig:
    if not enabled():
        raise ImproperlyConfigured("LDAP_SERVER_URI is not set: the directory is off.")
    if not settings.LDAP_USER_SEARCH_BASE:
        raise ImproperlyConfigured("LDAP_USER_SEARCH_BASE is required with LDAP_SERVER_URI.")
    if "%(user)s" not in settings.LDAP_USER_FILTER:
        raise ImproperlyConfigured("LDAP_USER_FILTER must contain %(user)s.")
    ca_file = settings.LDAP_TLS_CA_FILE
    if ca_file and not (os.path.isfile(ca_file) and os.access(ca_file, os.R_OK)):
        # python-ldap would only say "connect error" at the first connection.
        raise ImproperlyConfigured(f"LDAP_TLS_CA_FILE: {ca_file} is not a readable file.")
    range_size = settings.LDAP_RANGE_SIZE
    if range_size < 0:
        raise ImproperlyConfigured(
            f"LDAP_RANGE_SIZE: {range_size} is not a number of values (0: as the directory "
            "hands them out)."
        )
    return DirectoryConfig(
        uri=settings.LDAP_SERVER_URI,
        bind_dn=settings.LDAP_BIND_DN,
        bind_password=settings.LDAP_BIND_PASSWORD,
        user_base=settings.LDAP_USER_SEARCH_BASE,
        user_filter=settings.LDAP_USER_FILTER,
        username_attribute=settings.LDAP_USERNAME_ATTRIBUTE,
        attributes=parse_attributes(list(settings.LDAP_ATTRIBUTES)),
        member_attribute=settings.LDAP_GROUP_MEMBER_ATTRIBUTE,
        group_base=settings.LDAP_GROUP_SEARCH_BASE,
        start_tls=settings.LDAP_START_TLS,
        ca_file=ca_file,
        require_cert=settings.LDAP_TLS_REQUIRE_CERT,
        timeout=settings.LDAP_TIMEOUT,
        max_deactivate_percent=settings.LDAP_SYNC_MAX_DEACTIVATE_PERCENT,
        nesting_depth=max(0, settings.LDAP_GROUP_NESTING_DEPTH),
        range_size=range_size,
    )
