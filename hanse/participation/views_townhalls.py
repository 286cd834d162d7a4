"""Town-hall pages: the list (upcoming, live, past), a town hall with its questions (live
over WebSockets), the presenter view for a meeting-room screen, creating and editing, and
the forms that ask, upvote and moderate. Views parse input and call one service; the rules
and selectors decide."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hanse.core import http
from hanse.core.errors import PermissionRefused, ServiceError
from hanse.participation import rules, selectors
from hanse.participation import townhalls as services
from hanse.participation.forms import TownHallForm, TownHallNewForm
from hanse.participation.models import TownHall
from hanse.people import selectors as people_selectors

PAGE_QUESTIONS = 200


def _url(townhall_id: int) -> str:
    return reverse("participation:townhall", args=[townhall_id])


@require_GET
def townhall_list(request: HttpRequest) -> HttpResponse:
    viewer = http.viewer(request)
    now = timezone.now()
    sections = [
        ("live", _("Live now"), list(selectors.townhalls(viewer=viewer, phase="live", now=now))),
        (
            "upcoming",
            _("Upcoming"),
            list(selectors.townhalls(viewer=viewer, phase="upcoming", now=now)[:50]),
        ),
        (
            "past",
            _("Archive"),
            list(selectors.townhalls(viewer=viewer, phase="past", now=now)[:50]),
        ),
    ]
    return render(
        request,
        "participation/townhalls.html",
        {"sections": sections, "can_create": rules.may_create_townhall(viewer)},
    )


def _context(request: HttpRequest, townhall: TownHall) -> dict[str, Any]:
    viewer = http.viewer(request)
    found = list(
        selectors.townhall_question_queryset(viewer=viewer, townhall=townhall)[:PAGE_QUESTIONS]
    )
    views = selectors.townhall_question_views(viewer=viewer, townhall=townhall, questions=found)
    moderator = rules.may_moderate_townhall(viewer, townhall)
    phase = townhall.phase()
    open_questions = [v for v in views if v.question.status == "approved"]
    current = next((v for v in views if v.current), None)
    return {
        "townhall": townhall,
        "phase": phase,
        "open_questions": open_questions,
        # The presenter view: the question being answered, else the most upvoted one.
        "shown": current or (open_questions[0] if open_questions else None),
        "pending": [v for v in views if v.question.status == "pending"],
        "answered": [v for v in views if v.question.status == "answered"],
        "current": current,
        "moderator": moderator,
        "can_edit": rules.may_edit_townhall(viewer, townhall),
        "can_ask": rules.may_ask_in_townhall(viewer, townhall),
    }


@require_GET
def townhall(request: HttpRequest, townhall_id: int) -> HttpResponse:
    """The town hall with its questions; htmx asks for the questions block alone."""
    townhall = selectors.get_townhall_for(viewer=http.viewer(request), townhall_id=townhall_id)
    context = _context(request, townhall)
    if getattr(request, "htmx", False):
        return render(request, "participation/_townhall_questions.html", context)
    return render(request, "participation/townhall.html", context)


@require_GET
def presenter(request: HttpRequest, townhall_id: int) -> HttpResponse:
    """The question being answered, large, for a screen in the meeting room; the next ones
    small below it. Updates itself."""
    townhall = selectors.get_townhall_for(viewer=http.viewer(request), townhall_id=townhall_id)
    context = _context(request, townhall)
    if getattr(request, "htmx", False):
        return render(request, "participation/_presenter.html", context)
    return render(request, "participation/presenter.html", context)


def _save(
    request: HttpRequest, form: TownHallForm, townhall: TownHall | None
) -> HttpResponse | None:
    viewer = http.viewer(request)
    if not form.is_valid():
        return None
    hosts = form.people("hosts")
    moderators = form.people("moderators")
    starts_at, ends_at = form.times()
    if form.errors:
        return None
    fields: dict[str, Any] = {
        "by": viewer,
        "title": form.cleaned_data["title"],
        "description": form.cleaned_data["description"],
        "starts_at": starts_at,
        "ends_at": ends_at,
        "hosts": hosts,
        "moderators": moderators,
        "company_wide": form.cleaned_data["company_wide"],
        "units": list(form.cleaned_data["units"]),
        "approval_required": form.cleaned_data["approval_required"],
    }
    try:
        if townhall is None:
            saved = services.townhall_create(
                **fields, with_event=form.cleaned_data.get("with_event", False)
            )
            messages.success(request, _("The town hall is ready."))
        else:
            saved = services.townhall_update(townhall=townhall, **fields)
            messages.success(request, _("The town hall was saved."))
    except ServiceError as exc:
        http.raise_if_hidden(exc)
        form.add_error(None, str(exc))
        return None
    return HttpResponseRedirect(_url(saved.pk))


@require_http_methods(["GET", "POST"])
def townhall_new(request: HttpRequest) -> HttpResponse:
    viewer = http.viewer(request)
    if not rules.may_create_townhall(viewer):
        raise PermissionDenied(_("You may not create town halls."))
    form = TownHallNewForm(
        request.POST or None,
        initial={"company_wide": True, "hosts": viewer.username},
    )
    if request.method == "POST" and (done := _save(request, form, None)) is not None:
        return done
    return render(
        request, "participation/townhall_form.html", {"form": form, "townhall": None}, status=200
    )


@require_http_methods(["GET", "POST"])
def townhall_edit(request: HttpRequest, townhall_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    townhall = selectors.get_townhall_for(viewer=viewer, townhall_id=townhall_id)
    if not rules.may_edit_townhall(viewer, townhall):
        raise PermissionDenied(_("You may not change this town hall."))
    tz = timezone.get_current_timezone()
    initial = {
        "title": townhall.title,
        "description": townhall.description,
        "starts_at": townhall.starts_at.astimezone(tz).replace(tzinfo=None),
        "ends_at": townhall.ends_at.astimezone(tz).replace(tzinfo=None),
        "hosts": ", ".join(h.username for h in townhall.hosts.all()),
        "moderators": ", ".join(m.username for m in townhall.moderators.all()),
        "company_wide": townhall.company_wide,
        "units": list(townhall.units.all()),
        "approval_required": townhall.approval_required,
    }
    form = TownHallForm(request.POST or None, initial=initial)
    if request.method == "POST" and (done := _save(request, form, townhall)) is not None:
        return done
    return render(request, "participation/townhall_form.html", {"form": form, "townhall": townhall})


def _back(request: HttpRequest, townhall_id: int) -> HttpResponse:
    """After a form: the questions block for htmx, else the page again."""
    if getattr(request, "htmx", False):
        return _partial(request, townhall_id)
    return HttpResponseRedirect(_url(townhall_id) + "#questions")


def _partial(request: HttpRequest, townhall_id: int) -> HttpResponse:
    townhall = selectors.get_townhall_for(viewer=http.viewer(request), townhall_id=townhall_id)
    return render(request, "participation/_townhall_questions.html", _context(request, townhall))


def _refused(request: HttpRequest, exc: ServiceError, townhall_id: int) -> HttpResponse:
    http.raise_if_hidden(exc)
    if isinstance(exc, PermissionRefused):
        raise PermissionDenied(str(exc))
    messages.error(request, str(exc))
    if getattr(request, "htmx", False):
        response = _partial(request, townhall_id)
        response.status_code = 200
        return response
    return HttpResponseRedirect(_url(townhall_id) + "#questions")


@require_POST
def ask(request: HttpRequest, townhall_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    townhall = selectors.get_townhall_for(viewer=viewer, townhall_id=townhall_id)
    try:
        question = services.townhall_question_ask(
            townhall=townhall,
            author=viewer,
            body=request.POST.get("body", ""),
            anonymous=request.POST.get("anonymous") == "1",
        )
    except ServiceError as exc:
        return _refused(request, exc, townhall_id)
    if question.status == question.Status.PENDING:
        messages.success(request, _("Thank you. Your question shows once a moderator approves it."))
    else:
        messages.success(request, _("Thank you for your question."))
    return HttpResponseRedirect(_url(townhall_id) + "#questions")


@require_POST
def upvote(request: HttpRequest, question_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    question = selectors.get_townhall_question_for(viewer=viewer, question_id=question_id)
    try:
        if request.POST.get("on", "1") == "1":
            services.townhall_upvote(question=question, user=viewer)
        else:
            services.townhall_upvote_withdraw(question=question, user=viewer)
    except ServiceError as exc:
        return _refused(request, exc, question.townhall_id)
    return _back(request, question.townhall_id)


@require_POST
def moderate(request: HttpRequest, question_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    question = selectors.get_townhall_question_for(viewer=viewer, question_id=question_id)
    action = request.POST.get("action", "")
    try:
        if action == "merge":
            raw = request.POST.get("into", "")
            if not raw.isdigit():
                raise ServiceError(_("Choose the question to merge into."), code="invalid_target")
            into = selectors.get_townhall_question_for(viewer=viewer, question_id=int(raw))
            services.townhall_question_merge(question=question, into=into, by=viewer)
        else:
            services.townhall_question_moderate(
                question=question, by=viewer, action=action, answer=request.POST.get("answer", "")
            )
    except ServiceError as exc:
        return _refused(request, exc, question.townhall_id)
    return _back(request, question.townhall_id)


PEOPLE_SUGGESTIONS = 8
PEOPLE_QUERY_CHARS = 100


@require_GET
def people_suggest(request: HttpRequest) -> JsonResponse:
    """The person picker of the host and moderator fields (``townhall_people.js``): up to
    eight active colleagues whose name, username or unit matches every typed word. Only
    for people who may create a town hall or edit one (who else fills these fields); what it
    shows is what the people directory shows every employee."""
    viewer = http.viewer(request)
    if not rules.may_pick_townhall_people(viewer):
        raise PermissionDenied(_("You may not create town halls."))
    text = str(request.GET.get("q") or "").strip().lstrip("@")[:PEOPLE_QUERY_CHARS]
    found: list[dict[str, str]] = []
    if len(text) >= 2:
        for person in people_selectors.people_directory(viewer=viewer, q=text)[:PEOPLE_SUGGESTIONS]:
            unit = person.org_unit.name if person.org_unit else ""
            found.append(
                {
                    "username": person.username,
                    "name": person.display_name,
                    "detail": " · ".join(filter(None, [person.job_title, unit])),
                }
            )
    return JsonResponse({"people": found})
