"""People pages: directory, profile, profile editing, follow, org chart and unit pages."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hanse.core import http
from hanse.core.errors import ServiceError
from hanse.people import badges, selectors, services
from hanse.people.forms import DirectoryFilterForm, ProfileForm
from hanse.people.models import LANGUAGE_CHOICES, User
from hanse.people.services import skill_slug


@require_GET
def directory(request: http.Request) -> HttpResponse:
    """Find colleagues by name, title, skill or unit; works with and without JavaScript."""
    form = DirectoryFilterForm(request.GET or None)
    data: dict[str, Any] = {}
    if form.is_bound and not form.is_valid():
        # Keep the valid filters; an unknown unit or location is simply not applied.
        data = {k: v for k, v in form.cleaned_data.items() if k not in form.errors}
    elif form.is_bound:
        data = form.cleaned_data
    skill_text = data.get("skill") or ""
    skill = selectors.skill_by_slug(skill_slug(skill_text)) if skill_text else None
    people = selectors.people_directory(
        viewer=http.viewer(request),
        q=data.get("q") or "",
        unit=data.get("unit"),
        location=data.get("location"),
        skill=skill,
    )
    if skill_text and skill is None:
        people = people.none()  # an unknown skill matches nobody rather than everybody
    paginator = Paginator(people, settings.DIRECTORY_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    # Badges that apps above people contribute (hanse/people/badges.py), one batch per page.
    page.object_list = list(page.object_list)
    badges.attach(page.object_list, http.viewer(request))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "count": paginator.count,
        "query": query.urlencode(),
        "filtered": any(request.GET.get(k) for k in ("q", "unit", "location", "skill")),
    }
    if request.htmx and request.htmx.target == "directory-results":
        return render(request, "people/_directory_results.html", context)
    return render(request, "people/directory.html", context)


def _languages(codes: list[str]) -> list[str]:
    names = dict(LANGUAGE_CHOICES)
    return [str(names.get(code, code)) for code in codes or []]


@require_GET
def profile(request: HttpRequest, username: str) -> HttpResponse:
    person = selectors.get_person_for(viewer=http.viewer(request), username=username)
    facts = selectors.profile_facts(viewer=http.viewer(request), person=person)
    return render(
        request,
        "people/profile.html",
        {
            "person": person,
            "facts": facts,
            "badges": badges.for_people([person.pk], http.viewer(request)).get(person.pk, []),
            "languages": _languages(person.languages),
            "is_me": person.pk == request.user.pk,
        },
    )


def _render_edit(
    request: HttpRequest, *, form: ProfileForm | None = None, status: int = 200
) -> HttpResponse:
    me = http.viewer(request)
    if form is None:
        form = ProfileForm(initial=ProfileForm.initial_for(me))
    facts = selectors.profile_facts(viewer=me, person=me)
    return render(
        request,
        "people/profile_edit.html",
        {"form": form, "person": me, "manager": facts.manager},
        status=status,
    )


# Service errors that concern the photo, shown at its field rather than above the form.
_PHOTO_ERRORS = {"not_an_image", "image_too_large", "file_too_large", "empty_file"}


@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest) -> HttpResponse:
    """Edit one's own profile, photo included, in one form with one save. Errors appear next
    to the fields they concern, everything typed stays in the form, and nothing is saved
    until all of it is valid."""
    me = http.viewer(request)
    if request.method == "GET":
        return _render_edit(request)
    form = ProfileForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.profile_save(user=me, by=me, **form.service_kwargs())
        except ValidationError as exc:
            form.add_error(None, exc)
        except ServiceError as exc:
            form.add_error("photo" if exc.code in _PHOTO_ERRORS else None, str(exc.message))
        else:
            messages.success(request, _("Your profile has been saved."))
            return redirect("people:profile", username=me.username)
    if form.cleaned_data.get("photo") and "photo" not in form.errors:
        # Browsers cannot keep a chosen file across a page load: say so where it was chosen.
        form.add_error(
            "photo", _("Your photo was not saved yet. Please choose it again before saving.")
        )
    # Nothing was saved: show the stored photo and name, not what the refused write set.
    me.refresh_from_db()
    return _render_edit(request, form=form, status=400)


def _follow_response(request: http.Request, person: User, *, following: bool) -> HttpResponse:
    if request.htmx:
        facts = selectors.profile_facts(viewer=http.viewer(request), person=person)
        return render(
            request,
            "people/_follow_button.html",
            {"person": person, "viewer_follows": following, "facts": facts, "oob": True},
        )
    # Back where the button was (the start page's first-day checklist), else the profile.
    return http.redirect_next(request, reverse("people:profile", args=[person.username]))


@require_POST
def follow(request: http.Request, username: str) -> HttpResponse:
    person = selectors.get_person_for(viewer=http.viewer(request), username=username)
    try:
        services.follow(follower=http.viewer(request), followee=person)
    except ServiceError as exc:
        messages.error(request, str(exc.message))
        return redirect(reverse("people:profile", args=[person.username]))
    if not request.htmx:
        messages.success(request, _("You now follow %(name)s.") % {"name": person.display_name})
    return _follow_response(request, person, following=True)


@require_POST
def unfollow(request: http.Request, username: str) -> HttpResponse:
    person = selectors.get_person_for(viewer=http.viewer(request), username=username)
    try:
        services.unfollow(follower=http.viewer(request), followee=person)
    except ServiceError as exc:
        messages.error(request, str(exc.message))
        return redirect(reverse("people:profile", args=[person.username]))
    if not request.htmx:
        messages.success(
            request, _("You no longer follow %(name)s.") % {"name": person.display_name}
        )
    return _follow_response(request, person, following=False)


@require_GET
def org_chart(request: HttpRequest) -> HttpResponse:
    return render(request, "people/org_chart.html", {"tree": selectors.org_tree()})


@require_GET
def unit(request: HttpRequest, slug: str) -> HttpResponse:
    detail = selectors.unit_detail(viewer=http.viewer(request), slug=slug)
    paginator = Paginator(detail.members, settings.DIRECTORY_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "people/unit.html",
        {"detail": detail, "unit": detail.unit, "page": page, "count": paginator.count},
    )
