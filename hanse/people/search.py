"""People as a searchable type: name, username, job title, skills, "ask me about", unit and
branch (hanse/core/searchable.py)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hanse.core import searchable
from hanse.people.guests import people_visible_to
from hanse.people.models import Location, OrgUnit, Skill, User


def _queryset() -> QuerySet[User]:
    return User.objects.select_related("org_unit", "location").prefetch_related(
        "skills", "ask_me_about"
    )


def _visible(user: Any) -> QuerySet[User]:
    """The directory's rule: every signed-in employee sees every active colleague; a guest
    the people they share a community or channel with."""
    if user is None or not user.is_authenticated or not user.is_active:
        return User.objects.none()
    return people_visible_to(user, User.objects.filter(is_active=True))


def _document(person: User) -> searchable.Document | None:
    if not person.is_active:
        return None
    unit = person.org_unit
    location = person.location
    skills = [s.name for s in person.skills.all()]
    ask = [s.name for s in person.ask_me_about.all() if s.name not in skills]
    # The body is what the snippet shows under the card's job title, unit and place: what
    # they know. The rest is searched as keywords; a branch is often both the unit and the
    # place ("Filiale Mölln"), it is said once.
    body = " · ".join(dict.fromkeys(part for part in [", ".join(skills), ", ".join(ask)] if part))
    keywords = " ".join(
        dict.fromkeys(
            part
            for part in [
                person.job_title,
                unit.name if unit else "",
                location.name if location else "",
                person.username,
                unit.short_name if unit else "",
                location.city if location else "",
                person.about,
            ]
            if part
        )
    )
    return searchable.Document(
        object_id=person.pk,
        title=person.get_full_name() or person.username,
        body=body,
        author_id=person.pk,
        unit_id=person.org_unit_id,
        created_at=person.date_joined,
        keywords=keywords,
    )


def _people_of_unit(unit: OrgUnit) -> Any:
    return User.objects.filter(org_unit=unit).values_list("pk", flat=True)


def _people_of_location(location: Location) -> Any:
    return User.objects.filter(location=location).values_list("pk", flat=True)


def _people_with_skill(skill: Skill) -> Any:
    return (
        User.objects.filter(Q(skills=skill) | Q(ask_me_about=skill))
        .distinct()
        .values_list("pk", flat=True)
    )


def register() -> None:
    searchable.register(
        searchable.SearchableType(
            key="person",
            label=_("Person"),
            label_plural=_("People"),
            model=User,
            queryset=_queryset,
            to_document=_document,
            visible_to=_visible,
            url=lambda person: reverse("people:profile", args=[person.username]),
            order=40,
            dated=False,
            ignore_fields=frozenset({"last_login", "password", "ui_language", "show_presence"}),
            related=(
                (OrgUnit, _people_of_unit),
                (Location, _people_of_location),
                (Skill, _people_with_skill),
            ),
        )
    )


register()
