"""What Hanse stores about a person in the people app: the profile, skills, unit, location,
settings and whom they follow (by id), for the data export (hanse/core/personal_data.py)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from hanse.core import personal_data
from hanse.people.models import Follow, User


def _export(user: Any) -> personal_data.Export:
    person = User.objects.select_related("org_unit", "location").get(pk=user.pk)
    profile = {
        "kind": "profile",
        "id": person.pk,
        "username": person.username,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": person.email,
        "job_title": person.job_title,
        "org_unit": person.org_unit.name if person.org_unit else None,
        "location": person.location.name if person.location else None,
        "phone": person.phone,
        "mobile": person.mobile,
        "about": person.about,
        "skills": sorted(person.skills.values_list("name", flat=True)),
        "ask_me_about": sorted(person.ask_me_about.values_list("name", flat=True)),
        "languages": person.languages,
        "ui_language": person.ui_language,
        "show_presence": person.show_presence,
        "expert_from_activity": person.expert_from_activity,
        "is_active": person.is_active,
        "date_joined": person.date_joined,
        "last_login": person.last_login,
    }
    records = [profile]
    records += personal_data.rows(
        Follow.objects.filter(follower=person).order_by("created_at"),
        "followee_id",
        "created_at",
        kind="follows",
    )
    files = []
    if person.avatar and person.avatar.name:
        files.append(personal_data.file_entry("avatar", person.pk, person.avatar))
    return personal_data.Export(records, files)


def register() -> None:
    personal_data.register(
        personal_data.Exporter(
            key="profile",
            label=_("Profile"),
            description=_(
                "Your profile: name, e-mail, job title, unit, location, phone numbers, about "
                "text, skills, languages and settings; the people you follow (by id); your photo."
            ),
            export=_export,
            order=10,
        )
    )
