"""The praise on a profile: a section registered in hanse/people/profile_sections.py, so the
profile shows it without people knowing about participation."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.template.loader import render_to_string

from hanse.core import http
from hanse.participation import rules, selectors

if TYPE_CHECKING:
    from django.http import HttpRequest

    from hanse.people.models import User


def profile_section(request: HttpRequest, person: User) -> str:
    """The thanks a person received that the viewer may see ("" when there are none to show
    and it is not the person's own profile: the template decides)."""
    viewer = http.viewer(request)
    found = selectors.praise_for_profile(viewer=viewer, person=person)
    return render_to_string(
        "participation/_profile_praise.html",
        {
            "praise_list": found,
            "person": person,
            "own": viewer.pk == person.pk,
            "may_hide": bool(found) and rules.may_hide_praise(viewer, found[0]),
        },
        request=request,
    )
