"""People and org units as SCIM resources, and SCIM resources written back to them.

Serialisation and validation use scim2-models (RFC 7643/7644 as pydantic models); what is
stored is Hanse's own: a person's user name, e-mail address, given and family name, job title
and whether the account is active; an org unit's name and its members (a person belongs to
one unit: adding them to a group moves them there). Other SCIM attributes are accepted and not
stored.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from scim2_models import Email, GroupMember, GroupMembership, Meta, Name
from scim2_models import Group as ScimGroupResource
from scim2_models import User as ScimUserResource

from hanse.audit.services import record
from hanse.core import signals as domain_events
from hanse.identity.models import ScimGroup, ScimUser
from hanse.identity.services import person_deactivate
from hanse.people.models import OrgUnit, User
from hanse.people.services import orgunit_create, orgunit_update

WORK = Email.Type.work
USERNAME_MAX = User._meta.get_field("username").max_length or 150
NAME_MAX = User._meta.get_field("first_name").max_length or 150
TITLE_MAX = User._meta.get_field("job_title").max_length or 120
UNIT_NAME_MAX = OrgUnit._meta.get_field("name").max_length or 150


class ScimError(Exception):
    """A request SCIM answers with an error (RFC 7644 3.12)."""

    def __init__(self, status: int, detail: str, scim_type: str | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.scim_type = scim_type


def _url(request: HttpRequest, kind: str, pk: int) -> str:
    return request.build_absolute_uri(f"/scim/v2/{kind}/{pk}")


def users() -> Any:
    """Everyone SCIM may see: the people it did not delete."""
    return (
        User.objects.filter(scim__deleted_at__isnull=True)
        .select_related("scim", "org_unit")
        .order_by("pk")
    )


def groups() -> Any:
    return OrgUnit.objects.select_related("scim").order_by("pk")


def user_resource(request: HttpRequest, user: User) -> ScimUserResource:
    scim = getattr(user, "scim", None)
    modified = scim.updated_at if scim is not None else user.date_joined
    unit = user.org_unit
    return ScimUserResource(
        id=str(user.pk),
        external_id=(scim.external_id or None) if scim is not None else None,
        user_name=user.username,
        name=Name(
            given_name=user.first_name or None,
            family_name=user.last_name or None,
            formatted=user.get_full_name() or None,
        ),
        display_name=user.get_full_name() or user.username,
        title=user.job_title or None,
        emails=[Email(value=user.email, primary=True, type=WORK)] if user.email else None,
        active=user.is_active,
        groups=(
            [GroupMembership(value=str(unit.pk), ref=None, display=unit.name, type="direct")]
            if unit is not None
            else None
        ),
        meta=Meta(
            resource_type="User",
            created=user.date_joined,
            last_modified=max(modified, user.date_joined),
            location=_url(request, "Users", user.pk),
        ),
    )


def group_resource(request: HttpRequest, unit: OrgUnit) -> ScimGroupResource:
    scim = getattr(unit, "scim", None)
    members = unit.members.filter(scim__deleted_at__isnull=True).order_by("pk")
    return ScimGroupResource(
        id=str(unit.pk),
        external_id=(scim.external_id or None) if scim is not None else None,
        display_name=unit.name,
        members=[
            GroupMember(
                value=str(person.pk),
                ref=None,
                display=person.get_full_name() or person.username,
                type="User",
            )
            for person in members.only("pk", "first_name", "last_name", "username")
        ]
        or None,
        meta=Meta(
            resource_type="Group",
            last_modified=scim.updated_at if scim is not None else None,
            location=_url(request, "Groups", unit.pk),
        ),
    )


def _text(value: str | None, *, field: str, limit: int, required: bool = False) -> str:
    text = " ".join((value or "").split())
    if required and not text:
        raise ScimError(400, f"{field} is required.", "invalidValue")
    if len(text) > limit:
        raise ScimError(400, f"{field} may be at most {limit} characters long.", "invalidValue")
    return text


def _email_of(resource: ScimUserResource) -> str:
    emails = resource.emails or []
    chosen = next((e for e in emails if e.primary), emails[0] if emails else None)
    address = str(chosen.value or "").strip() if chosen is not None else ""
    if not address:
        raise ScimError(400, "An e-mail address (emails) is required.", "invalidValue")
    try:
        validate_email(address)
    except ValidationError as exc:
        raise ScimError(400, f"“{address}” is not a valid e-mail address.", "invalidValue") from exc
    return address


def _clean_user(resource: ScimUserResource, *, pk: int | None) -> dict[str, Any]:
    username = _text(resource.user_name, field="userName", limit=USERNAME_MAX, required=True)
    email = _email_of(resource)
    name = resource.name or Name()
    fields = {
        "username": username,
        "email": email,
        "first_name": _text(name.given_name, field="name.givenName", limit=NAME_MAX),
        "last_name": _text(name.family_name, field="name.familyName", limit=NAME_MAX),
        "job_title": _text(resource.title, field="title", limit=TITLE_MAX),
    }
    others = User.objects.exclude(pk=pk or 0)
    if others.filter(username__iexact=username).exists():
        raise ScimError(409, "Another person already has this userName.", "uniqueness")
    if others.filter(email__iexact=email).exists():
        raise ScimError(409, "Another person already has this e-mail address.", "uniqueness")
    return fields


def user_create(*, request: HttpRequest, resource: ScimUserResource) -> User:
    fields = _clean_user(resource, pk=None)
    active = resource.active is not False
    with transaction.atomic():
        user = User(**fields, is_active=active)
        user.set_unusable_password()
        user.save()
        ScimUser.objects.create(user=user, external_id=resource.external_id or "")
        record("scim.user_created", target=user, request=request, data=_by(request))
    return user


def user_replace(*, request: HttpRequest, user: User, resource: ScimUserResource) -> User:
    """Write the resource over the person (PUT, and PATCH after applying its operations)."""
    fields = _clean_user(resource, pk=user.pk)
    with transaction.atomic():
        changed = [name for name, value in fields.items() if getattr(user, name) != value]
        for name in changed:
            setattr(user, name, fields[name])
        reactivate = resource.active is True and not user.is_active
        if reactivate:
            user.is_active = True
            changed.append("is_active")
        if changed:
            user.save(update_fields=changed)
        ScimUser.objects.update_or_create(
            user=user, defaults={"external_id": resource.external_id or "", "deleted_at": None}
        )
        if resource.active is False and user.is_active:
            person_deactivate(user=user, actor=None, reason="scim", request=request)
        record(
            "scim.user_updated",
            target=user,
            request=request,
            data={**_by(request), "fields": sorted(changed)},
        )
    return user


def user_delete(*, request: HttpRequest, user: User) -> None:
    """The account stays (what the person wrote keeps its author), deactivated; SCIM no longer
    finds it."""
    with transaction.atomic():
        person_deactivate(user=user, actor=None, reason="scim_delete", request=request)
        ScimUser.objects.update_or_create(user=user, defaults={"deleted_at": timezone.now()})
        record("scim.user_deleted", target=user, request=request, data=_by(request))


def _member_ids(resource: ScimGroupResource) -> list[int]:
    ids: list[int] = []
    for member in resource.members or []:
        raw = str(member.value or "")
        if not raw.isdigit() or len(raw) > 18:
            raise ScimError(400, f"There is no person with the id “{raw}”.", "invalidValue")
        ids.append(int(raw))
    found = set(users().filter(pk__in=ids).values_list("pk", flat=True))
    missing = [pk for pk in ids if pk not in found]
    if missing:
        raise ScimError(400, f"There is no person with the id “{missing[0]}”.", "invalidValue")
    return sorted(set(ids))


def _set_members(unit: OrgUnit, ids: list[int]) -> None:
    leaving = list(
        User.objects.filter(org_unit=unit).exclude(pk__in=ids).values_list("pk", flat=True)
    )
    joining = list(
        User.objects.filter(pk__in=ids).exclude(org_unit=unit).values_list("pk", flat=True)
    )
    User.objects.filter(pk__in=leaving).update(org_unit=None)
    User.objects.filter(pk__in=joining).update(org_unit=unit)
    _units_changed(leaving + joining)


def _units_changed(user_ids: list[int]) -> None:
    """update() sends no save signal: the open town-hall feeds are re-checked from here."""
    if user_ids:
        domain_events.send_on_commit(
            domain_events.units_changed, domain_events.UnitsChanged(tuple(user_ids))
        )


def group_create(*, request: HttpRequest, resource: ScimGroupResource) -> OrgUnit:
    name = _text(resource.display_name, field="displayName", limit=UNIT_NAME_MAX, required=True)
    ids = _member_ids(resource)
    with transaction.atomic():
        unit = orgunit_create(name=name, kind=OrgUnit.Kind.DEPARTMENT)
        ScimGroup.objects.create(org_unit=unit, external_id=resource.external_id or "")
        _set_members(unit, ids)
        record("scim.group_created", target=unit, request=request, data=_by(request))
    return unit


def group_replace(*, request: HttpRequest, unit: OrgUnit, resource: ScimGroupResource) -> OrgUnit:
    name = _text(resource.display_name, field="displayName", limit=UNIT_NAME_MAX, required=True)
    ids = _member_ids(resource)
    with transaction.atomic():
        if name != unit.name:
            unit = orgunit_update(unit=unit, name=name)
        ScimGroup.objects.update_or_create(
            org_unit=unit, defaults={"external_id": resource.external_id or ""}
        )
        _set_members(unit, ids)
        record(
            "scim.group_updated",
            target=unit,
            request=request,
            data={**_by(request), "members": len(ids)},
        )
    return unit


def group_delete(*, request: HttpRequest, unit: OrgUnit) -> None:
    if OrgUnit.objects.filter(parent=unit).exists():
        raise ScimError(409, "This group is an org unit with units below it.", "mutability")
    with transaction.atomic():
        members = list(User.objects.filter(org_unit=unit).values_list("pk", flat=True))
        User.objects.filter(pk__in=members).update(org_unit=None)
        _units_changed(members)
        record("scim.group_deleted", target=unit, request=request, data=_by(request))
        unit.delete()


def _by(request: HttpRequest) -> dict[str, Any]:
    token = getattr(request, "scim_token", None)
    return {"token_id": token.pk} if token is not None else {}
