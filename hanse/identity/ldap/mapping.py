"""Directory attributes to profile fields: one home, used by the login and by the sync."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from hanse.identity.ldap.config import PROFILE_FIELDS, DirectoryConfig
from hanse.identity.ldap.directory import Entry
from hanse.people.models import OrgUnit, User

USERNAME_MAX = User._meta.get_field("username").max_length or 150


def _limit(field: str) -> int:
    return getattr(User._meta.get_field(field), "max_length", None) or 150


def _clean(value: str, limit: int) -> str:
    # Stored text holds no control characters (NUL breaks PostgreSQL) and no runs of spaces.
    text = " ".join("".join(ch for ch in value if ch.isprintable()).split())
    return text[:limit]


def username_of(entry: Entry, config: DirectoryConfig) -> str:
    return _clean(entry.first(config.username_attribute), USERNAME_MAX)


def profile_values(entry: Entry, config: DirectoryConfig) -> dict[str, str]:
    """The profile fields the directory fills, cleaned to what the fields hold. An e-mail
    address that is not one is left out (the account keeps its own)."""
    values: dict[str, str] = {}
    for field in PROFILE_FIELDS:
        attribute = config.attributes.get(field)
        if not attribute:
            continue
        value = _clean(entry.first(attribute), _limit(field))
        if field == "email":
            if not value:
                continue
            try:
                validate_email(value)
            except ValidationError:
                continue
            value = value.lower()
        values[field] = value
    return values


def unit_name(entry: Entry, config: DirectoryConfig) -> str:
    attribute = config.attributes.get("unit")
    return _clean(entry.first(attribute), 150) if attribute else ""


def manager_dn(entry: Entry, config: DirectoryConfig) -> str:
    attribute = config.attributes.get("manager")
    return entry.first(attribute).strip() if attribute else ""


def find_unit(name: str) -> OrgUnit | None:
    """The org unit a directory names (short name or name, any letter case)."""
    if not name:
        return None
    return (
        OrgUnit.objects.filter(short_name__iexact=name).order_by("pk").first()
        or OrgUnit.objects.filter(name__iexact=name).order_by("pk").first()
    )
