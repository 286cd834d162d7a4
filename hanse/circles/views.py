"""Pages of WOL circles: rounds and sign-up, the circle space, coordination."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hanse.circles import rules, selectors
from hanse.circles.forms import (
    CheckInForm,
    FriendCircleForm,
    GoalForm,
    MeetingLinkForm,
    RelationshipForm,
    RetrospectiveForm,
    RoundForm,
    SignUpForm,
    StoryForm,
)
from hanse.circles.models import Circle
from hanse.circles.services import completion as completion_services
from hanse.circles.services import friends as friend_services
from hanse.circles.services import rounds as round_services
from hanse.circles.services import space as space_services
from hanse.core import http
from hanse.core.errors import ServiceError
from hanse.people.models import User


@require_GET
def index(request: http.Request) -> HttpResponse:
    me = http.viewer(request)
    rounds = list(selectors.rounds_for(viewer=me)[:20])
    return render(
        request,
        "circles/index.html",
        {
            "open_rounds": [r for r in rounds if rules.signup_open(r)],
            "my_signups": selectors.my_signups(viewer=me),
            "circles": list(selectors.my_circles(viewer=me)),
            "is_coordinator": rules.is_coordinator(me),
            "friend_circles": selectors.my_friend_circles(viewer=me),
        },
    )


@require_http_methods(["GET", "POST"])
def signup(request: http.Request, round_id: int) -> HttpResponse:
    me = http.viewer(request)
    round_ = selectors.get_round_for(viewer=me, round_id=round_id)
    existing = selectors.my_signup(viewer=me, round_=round_)
    if not rules.may_sign_up(me, round_):
        return render(request, "circles/signup_closed.html", {"round": round_}, status=400)
    if request.method == "POST":
        form = SignUpForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                round_services.signup_save(
                    user=me,
                    round_=round_,
                    slots=data["slots"],
                    mode=data["mode"],
                    location=data["location"],
                    language=data["language"],
                    goal=data["goal"],
                    with_people=data["with_people"],
                    without_people=data["without_people"],
                )
            except ServiceError as exc:
                form.add_error(None, str(exc.message))
            else:
                messages.success(request, _("You are signed up. We will tell you your circle."))
                return redirect("circles:index")
    else:
        initial = SignUpForm.initial_for(existing, me)
        again = request.GET.get("again", "")
        if existing is None and again.isdigit() and len(again) < 12:
            # "Start another circle": filled in from a circle the person was in.
            before = selectors.my_circles(viewer=me).filter(pk=int(again)).first()
            if before is not None:
                initial |= completion_services.next_signup_initial(user=me, circle=before)
        form = SignUpForm(initial=initial)
    return render(
        request,
        "circles/signup.html",
        {"round": round_, "form": form, "existing": existing},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def withdraw(request: http.Request, round_id: int) -> HttpResponse:
    me = http.viewer(request)
    round_ = selectors.get_round_for(viewer=me, round_id=round_id)
    http.attempt(
        request,
        lambda: round_services.signup_withdraw(user=me, round_=round_),
        _("Your sign-up has been withdrawn."),
    )
    return redirect("circles:index")


# --- the circle space ------------------------------------------------------------------


@require_GET
def space(request: http.Request, circle_id: int) -> HttpResponse:
    me = http.viewer(request)
    circle = selectors.get_circle_for(viewer=me, circle_id=circle_id)
    found = selectors.circle_space(viewer=me, circle=circle)
    week = min(max(found.week, 1), circle.weeks)
    checkin = found.my_checkin
    return render(
        request,
        "circles/space.html",
        {
            "space": found,
            "circle": circle,
            "goal_form": GoalForm(
                initial={
                    "goal": found.me.goal,
                    "shared": found.me.goal_shared,
                    "show_on_profile": found.me.show_on_profile,
                }
            ),
            "relationship_form": RelationshipForm(),
            "checkin_form": CheckInForm(
                initial={
                    "week": week,
                    "attended": checkin.attended if checkin else True,
                    "did": checkin.did if checkin else "",
                    "will_try": checkin.will_try if checkin else "",
                }
            ),
            "checkin_week": week,
            "meeting_form": MeetingLinkForm(initial={"meeting_url": circle.meeting_url}),
            **_completion_context(me, circle, found),
        },
    )


@require_GET
def progress(request: http.Request, circle_id: int) -> HttpResponse:
    me = http.viewer(request)
    circle = selectors.get_circle_for(viewer=me, circle_id=circle_id)
    weeks = selectors.progress(viewer=me, circle=circle)
    done = sum(1 for w in weeks if w.checkin)
    attended = sum(1 for w in weeks if w.checkin and w.checkin.attended)
    return render(
        request,
        "circles/progress.html",
        {"circle": circle, "weeks": weeks, "done": done, "attended": attended},
    )


def _back(circle_id: int, anchor: str) -> HttpResponse:
    return redirect(reverse("circles:space", args=[circle_id]) + anchor)


@require_POST
def goal(request: http.Request, circle_id: int) -> HttpResponse:
    me = http.viewer(request)
    circle = selectors.get_circle_for(viewer=me, circle_id=circle_id)
    form = GoalForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Your goal may be at most 1000 characters long."))
        return _back(circle.pk, "#goal")
    data = form.cleaned_data
    http.attempt(
        request,
        lambda: space_services.goal_set(
            circle=circle,
            user=me,
            goal=data["goal"],
            shared=data["shared"],
            show_on_profile=data["show_on_profile"],
        ),
        _("Your goal has been saved."),
    )
    return _back(circle.pk, "#goal")


@require_POST
def relationship_add(request: http.Request, circle_id: int) -> HttpResponse:
    me = http.viewer(request)
    circle = selectors.get_circle_for(viewer=me, circle_id=circle_id)
    form = RelationshipForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a name (at most 120 characters)."))
        return _back(circle.pk, "#relationships")
    data = form.cleaned_data
    http.attempt(
        request,
        lambda: space_services.relationship_add(
            circle=circle, user=me, name=data["name"], notes=data["notes"], shared=data["shared"]
        ),
        _("Added to your relationship list."),
    )
    return _back(circle.pk, "#relationships")


@require_POST
def relationship_edit(request: http.Request, circle_id: int, relationship_id: int) -> HttpResponse:
    me = http.viewer(request)
    circle = selectors.get_circle_for(viewer=me, circle_id=circle_id)
    if request.POST.get("delete"):
        http.attempt(
            request,
            lambda: space_services.relationship_delete(relationship_id=relationship_id, user=me),
            _("Removed from your relationship list."),
        )
    else:
        http.attempt(
            request,
            lambda: space_services.relationship_update(
                relationship_id=relationship_id,
                user=me,
                notes=request.POST.get("notes", ""),
                shared=bool(request.POST.get("shared")),
            ),
            _("Saved."),
        )
    return _back(circle.pk, "#relationships")


@require_POST
def checkin(request: http.Request, circle_id: int) -> HttpResponse:
    me = http.viewer(request)
    circle = selectors.get_circle_for(viewer=me, circle_id=circle_id)
    form = CheckInForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please check your check-in: each text at most 2000 characters."))
        return _back(circle.pk, "#checkin")
    data = form.cleaned_data
    http.attempt(
        request,
        lambda: space_services.checkin_save(
            circle=circle,
            user=me,
            week=data["week"],
            attended=data["attended"],
            did=data["did"],
            will_try=data["will_try"],
        ),
        _("Your check-in for week %(week)d has been saved.") % {"week": data["week"]},
    )
    return _back(circle.pk, "#checkin")


# --- coordination ----------------------------------------------------------------------


def _require_coordinator(request: http.Request) -> None:
    if not rules.is_coordinator(http.viewer(request)):
        raise Http404


@require_http_methods(["GET", "POST"])
def coordination(request: http.Request) -> HttpResponse:
    _require_coordinator(request)
    me = http.viewer(request)
    form = RoundForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                round_services.round_create(by=me, **data)
            except ServiceError as exc:
                form.add_error(None, str(exc.message))
            else:
                messages.success(request, _("The round is open for sign-up."))
                return redirect("circles:coordination")
        status = 400
    return render(
        request,
        "circles/coordination.html",
        {
            "form": form,
            "roster": selectors.roster_for(viewer=me),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def matching(request: http.Request, round_id: int) -> HttpResponse:
    _require_coordinator(request)
    me = http.viewer(request)
    round_ = selectors.get_round_for(viewer=me, round_id=round_id)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "match":
            http.attempt(
                request,
                lambda: round_services.round_match(by=me, round_=round_),
                _("The matching has made a new proposal."),
            )
        elif action == "move":
            raw = request.POST.get("to", "")
            try:
                signup_id = int(request.POST.get("signup", ""))
                to = None if raw == "unplaced" else int(raw)
            except ValueError:
                messages.error(request, _("Choose a person and a circle."))
            else:
                http.attempt(
                    request,
                    lambda: round_services.proposal_move(
                        by=me, round_=round_, signup_id=signup_id, to=to
                    ),
                    _("Moved."),
                )
        elif action == "confirm" and http.attempt(
            request,
            lambda: round_services.round_confirm(by=me, round_=round_),
            _("The circles have been formed and their members notified."),
        ):
            return redirect("circles:coordination")
        return redirect("circles:matching", round_id=round_.pk)
    return render(
        request,
        "circles/matching.html",
        {
            "round": round_,
            "proposal": selectors.proposal_for(viewer=me, round_=round_),
            "may_review": rules.may_review_matching(me, round_),
        },
    )


# --- friends forming a circle, the meeting link (wt/leftovers) ------------------------------


@require_http_methods(["GET", "POST"])
def friends_new(request: http.Request) -> HttpResponse:
    """Propose a circle to 3 or 4 colleagues: a name, a weekly time, a place, a language."""
    me = http.viewer(request)
    if not rules.may_propose_circle(me):
        raise Http404
    if request.method == "POST":
        form = FriendCircleForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                proposal = friend_services.friend_circle_propose(
                    by=me,
                    name=data["name"],
                    invitees=data["colleagues"],
                    starts_on=data["starts_on"],
                    slot=data["slot"],
                    location=data["location"],
                    language=data["language"],
                )
            except ServiceError as exc:
                form.add_error(None, str(exc.message))
            else:
                messages.success(
                    request, _("Your colleagues are invited. The circle starts once they answer.")
                )
                return redirect("circles:friends_detail", proposal.pk)
    else:
        form = FriendCircleForm(initial={"language": "de", "location": me.location_id})
    return render(
        request,
        "circles/friends_new.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_GET
def friends_detail(request: http.Request, proposal_id: int) -> HttpResponse:
    me = http.viewer(request)
    proposal = selectors.get_friend_circle_for(viewer=me, proposal_id=proposal_id)
    invites = list(proposal.invites.all())
    mine = next((i for i in invites if i.user_id == me.pk), None)
    return render(
        request,
        "circles/friends_detail.html",
        {
            "proposal": proposal,
            "invites": invites,
            "mine": mine,
            "may_answer": mine is not None and rules.may_answer_invite(me, mine),
            "in_circle": proposal.circle is not None
            and rules.is_circle_member(me, proposal.circle),
        },
    )


@require_POST
def friends_answer(request: http.Request, proposal_id: int) -> HttpResponse:
    me = http.viewer(request)
    proposal = selectors.get_friend_circle_for(viewer=me, proposal_id=proposal_id)
    accept = request.POST.get("answer") == "accept"
    http.attempt(
        request,
        lambda: friend_services.friend_invite_answer(by=me, proposal=proposal, accept=accept),
        _("Thank you: you confirmed.") if accept else _("You declined the invitation."),
    )
    return redirect("circles:friends_detail", proposal.pk)


@require_POST
def meeting_link(request: http.Request, circle_id: int) -> HttpResponse:
    me = http.viewer(request)
    circle = selectors.get_circle_for(viewer=me, circle_id=circle_id)
    form = MeetingLinkForm(request.POST)
    url = form.cleaned_data["meeting_url"] if form.is_valid() else "x"
    http.attempt(
        request,
        lambda: friend_services.circle_meeting_link_set(by=me, circle=circle, url=url),
        _("The meeting link has been saved."),
    )
    return _back(circle.pk, "#meeting-link")


# --- completing a circle (wt/leftovers) --------------------------------------------------------


def _completion_context(me: User, circle: Circle, found: selectors.Space) -> dict[str, object]:
    if not rules.circle_completed(circle, timezone.localdate()):
        return {"completed": False}
    mine = selectors.my_retrospective(viewer=me, circle=circle)
    return {
        "completed": True,
        "retro": mine,
        "retro_form": RetrospectiveForm(
            initial={
                "gave_me": mine.gave_me if mine else "",
                "next_steps": mine.next_steps if mine else "",
                "shared": mine.shared if mine else False,
            }
        ),
        "story_form": StoryForm(),
        "shared_retros": selectors.shared_retrospectives(viewer=me, circle=circle),
        "next_round": completion_services.next_open_round(user=me),
    }


@require_POST
def retrospective(request: http.Request, circle_id: int) -> HttpResponse:
    me = http.viewer(request)
    circle = selectors.get_circle_for(viewer=me, circle_id=circle_id)
    form = RetrospectiveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Each answer may have at most 2000 characters."))
        return _back(circle.pk, "#completion")
    data = form.cleaned_data
    http.attempt(
        request,
        lambda: completion_services.retrospective_save(
            by=me,
            circle=circle,
            gave_me=data["gave_me"],
            next_steps=data["next_steps"],
            shared=data["shared"],
        ),
        _("Your retrospective has been saved."),
    )
    return _back(circle.pk, "#completion")


@require_POST
def story(request: http.Request, circle_id: int) -> HttpResponse:
    me = http.viewer(request)
    circle = selectors.get_circle_for(viewer=me, circle_id=circle_id)
    form = StoryForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please write your story first."))
        return _back(circle.pk, "#completion")
    http.attempt(
        request,
        lambda: completion_services.story_publish(
            by=me, circle=circle, body=form.cleaned_data["body"]
        ),
        _("Your story is in the stream."),
    )
    return _back(circle.pk, "#completion")


@require_GET
def another(request: http.Request, circle_id: int) -> HttpResponse:
    """ "Start another circle": the next open round's sign-up, filled in from this circle."""
    me = http.viewer(request)
    circle = selectors.get_circle_for(viewer=me, circle_id=circle_id)
    round_ = completion_services.next_open_round(user=me)
    if round_ is None:
        messages.info(
            request,
            _("No round is open for sign-up right now. You can form a circle with colleagues."),
        )
        return redirect("circles:friends_new")
    return redirect(reverse("circles:signup", args=[round_.pk]) + f"?again={circle.pk}")


# --- live hard-rule checks while moving people (wt/leftovers) -------------------------------


@require_GET
def move_check(request: http.Request, round_id: int) -> HttpResponse:
    """The partial under a person's "move to" list: which hard rule the move would break,
    in the circle they go to and the one they leave (htmx, on every change of the list)."""
    _require_coordinator(request)
    me = http.viewer(request)
    round_ = selectors.get_round_for(viewer=me, round_id=round_id)
    raw_signup, raw_to = request.GET.get("signup", ""), request.GET.get("to", "")
    if not raw_signup.isdigit() or len(raw_signup) > 12:
        raise Http404
    if raw_to == "unplaced":
        to = None
    elif raw_to.lstrip("-").isdigit() and len(raw_to) < 6:
        to = int(raw_to)
    else:
        raise Http404
    check = selectors.move_check(viewer=me, round_=round_, signup_id=int(raw_signup), to=to)
    return render(request, "circles/_move_check.html", {"check": check})
