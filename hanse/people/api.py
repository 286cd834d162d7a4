"""The people API: the directory, profiles (own profile editable), follows and org units."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from pydantic import ConfigDict
from pydantic import ValidationError as PydanticValidationError

from hanse.api.pagination import OffsetPage, OffsetQuery, offset_page
from hanse.api.schemas import ERRORS, Id, PersonRef, UnitRef, limit_field
from hanse.core import http
from hanse.core.errors import ServiceError
from hanse.core.text import UnstorableTextError, check_storable
from hanse.people import selectors, services
from hanse.people.models import Location, OrgUnit, User

people_router = Router(tags=["people"])
orgunits_router = Router(tags=["org units"])

MAX_LIMIT = 100


# --- Schemas ----------------------------------------------------------------------------------


class LocationRef(Schema):
    id: int = Field(description="The location's id.")
    name: str = Field(description="The branch or site name.")
    city: str = Field(description="The city the location is in.")


class PersonOut(Schema):
    username: str = Field(description="The login name; identifies the person in URLs.")
    display_name: str = Field(description="First and last name (or the username).")
    first_name: str
    last_name: str
    email: str = Field(description="Work e-mail address.")
    job_title: str = Field(description="Job title or role, free text.")
    org_unit: UnitRef | None = Field(description="The org unit the person belongs to.")
    location: LocationRef | None = Field(description="The branch or site the person works at.")
    phone: str = Field(description="Office phone number.")
    mobile: str = Field(description="Mobile phone number.")
    skills: list[str] = Field(description="Skill names, alphabetical.")
    avatar_url: str | None = Field(description="URL of the 256x256 profile thumbnail, if any.")
    is_guest: bool = Field(
        default=False,
        description="A guest from a partner organisation (shown with a guest mark).",
    )
    guest_organisation: str = Field(
        default="", description="A guest's organisation; empty otherwise."
    )


class PersonDetailOut(PersonOut):
    about: str = Field(description="Free text the person wrote about themself.")
    ask_me_about: list[str] = Field(description="Topics colleagues may ask the person about.")
    languages: list[str] = Field(description="Language codes the person speaks, e.g. 'de'.")
    photo_url: str | None = Field(description="URL of the full-size profile photo, if any.")
    followers_count: int = Field(description="How many active colleagues follow the person.")
    following_count: int = Field(description="How many active colleagues the person follows.")
    is_followed: bool = Field(description="Whether the caller follows the person.")
    manager: PersonRef | None = Field(description="The manager of the person's org unit.")


class MeOut(PersonDetailOut):
    ui_language: str = Field(description="Interface language ('de', 'en'), empty for browser's.")


class PeoplePage(OffsetPage[PersonOut]):
    """A page of the people directory."""


class PeopleQuery(OffsetQuery):
    q: str = Field("", description="Words that must each match a name, title, skill or unit.")
    unit: str | None = Field(None, description="Org unit slug; includes all its sub-units.")
    location: Id | None = Field(None, description="Location id.")
    skill: str | None = Field(None, description="Skill slug (skills and ask-me-about topics).")
    limit: int = Field(24, ge=1, le=MAX_LIMIT, description="Page size, 1 to 100.")


class ProfilePatch(Schema):
    """Only the fields sent are changed. Lists replace the whole list.

    Job title, org unit, location and manager are recorded by HR: sending them is refused
    with 422 and nothing is changed.
    """

    model_config = ConfigDict(extra="forbid")

    first_name: str | None = Field(None, description="First name, 1 to 150 characters.")
    last_name: str | None = Field(None, description="Last name, 1 to 150 characters.")
    phone: str | None = Field(None, description="Digits, spaces and + ( ) / - only.")
    mobile: str | None = Field(None, description="Digits, spaces and + ( ) / - only.")
    about: str | None = Field(None, description="At most 4000 characters.")
    languages: list[str] | None = Field(None, description="Language codes, e.g. ['de', 'en'].")
    skills: list[str] | None = Field(None, description="At most 30 names of 1 to 60 characters.")
    ask_me_about: list[str] | None = Field(
        None, description="At most 30 topics of 1 to 60 characters."
    )
    ui_language: str | None = Field(None, description="'de', 'en' or '' for the browser's.")


class FollowOut(Schema):
    username: str = Field(description="The person followed or unfollowed.")
    following: bool = Field(description="Whether the caller now follows the person.")
    followers_count: int = Field(description="The person's follower count afterwards.")


class OrgUnitOut(Schema):
    id: int
    slug: str = Field(description="The unit's address.")
    name: str
    short_name: str
    kind: str = Field(description="organisation, division, department, branch or team.")
    parent_id: int | None = Field(description="The parent unit's id; null for the top.")
    path: str = Field(description="Materialised path of ids, e.g. '0001.0004.'.")
    depth: int = Field(description="0 for the top of the organisation.")
    sort_order: int
    manager: PersonRef | None = Field(description="The unit's manager, if recorded.")
    location: LocationRef | None


class OrgUnitDetailOut(OrgUnitOut):
    headcount: int = Field(description="Active people directly in this unit.")
    total: int = Field(description="Active people in this unit and all its sub-units.")
    children: list[UnitRef] = Field(description="Direct sub-units.")
    members: list[PersonRef] = Field(description="Active people directly in this unit.")


# --- People -----------------------------------------------------------------------------------


def _ref(person: User | None) -> dict[str, Any] | None:
    if person is None:
        return None
    return PersonRef.of(person).model_dump()


def _person(person: User) -> dict[str, Any]:
    unit, location = person.org_unit, person.location
    return {
        "username": person.username,
        "display_name": person.display_name,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": person.email,
        "job_title": person.job_title,
        "org_unit": {"id": unit.pk, "slug": unit.slug, "name": unit.name} if unit else None,
        "location": (
            {"id": location.pk, "name": location.name, "city": location.city} if location else None
        ),
        "phone": person.phone,
        "mobile": person.mobile,
        "skills": [skill.name for skill in person.skills.all()],
        "avatar_url": person.avatar_thumbnail.url if person.avatar_thumbnail else None,
        "is_guest": person.is_guest,
        "guest_organisation": person.guest_organisation if person.is_guest else "",
    }


def _detail(request: HttpRequest, person: User) -> dict[str, Any]:
    facts = selectors.profile_facts(viewer=http.viewer(request), person=person)
    data = _person(person)
    data.update(
        about=person.about,
        ask_me_about=[skill.name for skill in person.ask_me_about.all()],
        languages=list(person.languages or []),
        photo_url=person.avatar.url if person.avatar else None,
        followers_count=facts.followers_count,
        following_count=facts.following_count,
        is_followed=facts.viewer_follows,
        manager=_ref(facts.manager),
    )
    return data


@people_router.get("", response={200: PeoplePage, **ERRORS}, summary="Search the directory")
def people_list(request: HttpRequest, filters: Query[PeopleQuery]) -> dict[str, Any]:
    """Active people, alphabetical; every word of `q` must match somewhere."""
    unit = OrgUnit.objects.filter(slug=filters.unit).first() if filters.unit else None
    location = Location.objects.filter(pk=filters.location).first() if filters.location else None
    skill = selectors.skill_by_slug(filters.skill) if filters.skill else None
    people = selectors.people_directory(
        viewer=http.viewer(request), q=filters.q, unit=unit, location=location, skill=skill
    )
    if (
        (filters.unit and unit is None)
        or (filters.location and location is None)
        or (filters.skill and skill is None)
    ):
        people = people.none()
    return offset_page(people, filters, _person)


def _me_out(request: HttpRequest) -> dict[str, Any]:
    me = selectors.get_person_for(
        viewer=http.viewer(request), username=http.viewer(request).username
    )
    data = _detail(request, me)
    data["ui_language"] = me.ui_language
    return data


@people_router.get("/me", response={200: MeOut, **ERRORS}, summary="Your own profile")
def me_get(request: HttpRequest) -> dict[str, Any]:
    return _me_out(request)


# Recorded by HR (services.person_hr_update); "manager" is the org unit's manager.
_HR_FIELDS = {"job_title", "org_unit", "location", "manager"}
_LIST_FIELDS = {"languages", "skills", "ask_me_about"}


def _profile_patch(request: HttpRequest) -> dict[str, Any]:
    """The fields sent, checked against ProfilePatch; every refusal in the API's error shape.

    The body is parsed here rather than by ninja so that a wrong field or a body that is not
    an object is answered in our error shape and language, and never silently dropped.
    """
    try:
        data = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError) as exc:
        raise ServiceError(_("The request body is not valid JSON."), code="invalid_json") from exc
    if not isinstance(data, dict):
        raise ServiceError(
            _("Please send a JSON object with the fields to change."), code="invalid_body"
        )
    try:
        # The one check of every incoming text (hanse/api/parser.py), which this endpoint's
        # own parsing would otherwise skip.
        check_storable(data)
    except UnstorableTextError as exc:
        field = str(exc.path[0]) if exc.path else "__all__"
        raise ValidationError({field: [str(exc.message)]}) from exc
    errors: dict[str, list[str]] = {}
    for field in sorted(set(data) & _HR_FIELDS):
        errors[field] = [
            _("This is managed by HR: you cannot change it yourself. Nothing was saved.")
        ]
    try:
        payload = ProfilePatch.model_validate({k: v for k, v in data.items() if k not in errors})
    except PydanticValidationError as exc:
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else "__all__"
            if error["type"] == "extra_forbidden":
                message = _("There is no such field.")
            elif field in _LIST_FIELDS:
                message = _("Please send a list of texts, or null.")
            else:
                message = _("Please send a text, or null.")
            if message not in errors.setdefault(field, []):
                errors[field].append(message)
    if errors:
        raise ValidationError(errors)
    return payload.model_dump(exclude_unset=True)


@people_router.patch(
    "/me",
    response={200: MeOut, **ERRORS},
    summary="Edit your profile",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": ProfilePatch.model_json_schema()}},
        }
    },
)
def me_patch(request: HttpRequest) -> dict[str, Any]:
    """Change the fields sent; the same rules as the profile page apply.

    Job title, org unit, location and manager are recorded by HR and cannot be sent: the
    request is refused with 422 (`errors` names each such field) and nothing is saved. So is
    an unknown field, and a body that is not a JSON object (400).
    """
    changes = _profile_patch(request)
    for text_field in ("first_name", "last_name", "phone", "mobile", "about"):
        if text_field in changes and changes[text_field] is None:
            changes[text_field] = ""
    for list_field in _LIST_FIELDS:
        if list_field in changes and changes[list_field] is None:
            changes[list_field] = []
    if "ui_language" in changes and changes["ui_language"] is None:
        changes["ui_language"] = ""
    services.profile_update(user=http.viewer(request), by=http.viewer(request), **changes)
    return _me_out(request)


@people_router.get("/{username}", response={200: PersonDetailOut, **ERRORS}, summary="A profile")
def person_get(request: HttpRequest, username: str) -> dict[str, Any]:
    person = selectors.get_person_for(viewer=http.viewer(request), username=username)
    return _detail(request, person)


def _follow_out(request: HttpRequest, person: User, following: bool) -> dict[str, Any]:
    facts = selectors.profile_facts(viewer=http.viewer(request), person=person)
    return {
        "username": person.username,
        "following": following,
        "followers_count": facts.followers_count,
    }


@people_router.post(
    "/{username}/follow",
    response={200: FollowOut, **ERRORS},
    summary="Follow a person",
)
def person_follow(request: HttpRequest, username: str) -> dict[str, Any]:
    """Idempotent: following someone twice changes nothing."""
    person = selectors.get_person_for(viewer=http.viewer(request), username=username)
    services.follow(follower=http.viewer(request), followee=person)
    return _follow_out(request, person, True)


@people_router.delete(
    "/{username}/follow",
    response={200: FollowOut, **ERRORS},
    summary="Stop following a person",
)
def person_unfollow(request: HttpRequest, username: str) -> dict[str, Any]:
    """Idempotent: unfollowing someone you do not follow changes nothing."""
    person = selectors.get_person_for(viewer=http.viewer(request), username=username)
    services.unfollow(follower=http.viewer(request), followee=person)
    return _follow_out(request, person, False)


# --- Org units --------------------------------------------------------------------------------


class OrgUnitPage(OffsetPage[OrgUnitOut]):
    """A page of org units in tree order."""


class OrgUnitQuery(OffsetQuery):
    limit: int = limit_field(500, 1000)


@orgunits_router.get("", response={200: OrgUnitPage, **ERRORS}, summary="All org units")
def orgunits_list(request: HttpRequest, query: Query[OrgUnitQuery]) -> dict[str, Any]:
    """Every unit in tree order: each unit comes after its parent."""
    return offset_page(list(selectors.orgunits_flat()), query, lambda unit: unit)


@orgunits_router.get("/{slug}", response={200: OrgUnitDetailOut, **ERRORS}, summary="One org unit")
def orgunit_get(request: HttpRequest, slug: str) -> dict[str, Any]:
    detail = selectors.unit_detail(viewer=http.viewer(request), slug=slug)
    unit = get_object_or_404(selectors.orgunits_flat(), pk=detail.unit.pk)
    members = list(detail.members)
    data = {
        "id": unit.pk,
        "slug": unit.slug,
        "name": unit.name,
        "short_name": unit.short_name,
        "kind": unit.kind,
        "parent_id": unit.parent_id,
        "path": unit.path,
        "depth": unit.depth,
        "sort_order": unit.sort_order,
        "manager": _ref(unit.manager),
        "location": (
            {"id": unit.location.pk, "name": unit.location.name, "city": unit.location.city}
            if unit.location
            else None
        ),
    }
    data.update(
        headcount=len(members),
        total=detail.total,
        children=[
            {"id": n.unit.pk, "slug": n.unit.slug, "name": n.unit.name} for n in detail.sub_units
        ],
        members=[_ref(p) for p in members],
    )
    return data
