"""Pages of the multipliers' programme: find one, volunteer, ask, and the coordinators'
approvals and coverage."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hanse.chat.services import channels as chat_channels
from hanse.circles import rules, selectors
from hanse.circles import selectors_programme as programme
from hanse.circles.forms import (
    ConnectorStoryForm,
    OnboardingItemForm,
    StoryTagForm,
    VolunteerForm,
)
from hanse.circles.models import ConnectorStory, Multiplier
from hanse.circles.services import multipliers as services
from hanse.circles.services import programme as programme_services
from hanse.core import http
from hanse.core.errors import ServiceError
from hanse.posts.models import Post
from hanse.posts.selectors.posts import get_post_for


@require_GET
def find(request: http.Request) -> HttpResponse:
    me = http.viewer(request)
    mine = Multiplier.objects.filter(user=me).first()
    community = programme.programme_community()
    steps = programme.onboarding_for(viewer=me) if rules.may_onboard(me) else None
    return render(
        request,
        "circles/multipliers.html",
        {
            "map": programme.coverage_map(viewer=me),
            "meetups": programme.meetups_for(viewer=me),
            "stories": list(programme.stories_for(viewer=me)[:3]),
            "community": community
            if programme.may_see_community(viewer=me, community=community)
            else None,
            "community_member": programme.may_read_community(viewer=me, community=community),
            "steps_done": sum(1 for s in steps if s.done) if steps is not None else None,
            "steps_total": len(steps) if steps is not None else None,
            "may_tell_story": rules.may_tell_story(me),
            "regions": selectors.multipliers_by_region(viewer=me),
            "nearest": selectors.nearest_multipliers(viewer=me)
            if request.GET.get("near")
            else None,
            "mine": mine,
            "may_volunteer": rules.may_volunteer(me),
            "is_coordinator": rules.is_coordinator(me),
        },
    )


@require_http_methods(["GET", "POST"])
def volunteer(request: http.Request) -> HttpResponse:
    me = http.viewer(request)
    form = VolunteerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.multiplier_volunteer(
                user=me, topics=form.cleaned_data["topics"], note=form.cleaned_data["note"]
            )
        except ServiceError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Thank you! A coordinator will get back to you."))
            return redirect("circles:multipliers")
    return render(
        request,
        "circles/volunteer.html",
        {"form": form, "may_volunteer": rules.may_volunteer(me)},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def ask(request: http.Request, multiplier_id: int) -> HttpResponse:
    """Ask a multiplier: opens (or finds) the direct message with them."""
    me = http.viewer(request)
    found = selectors.multipliers_for(viewer=me).filter(pk=multiplier_id).first()
    if found is None:
        raise Http404
    try:
        channel, _created = chat_channels.dm_open(by=me, people=[found.user])
    except ServiceError as exc:
        http.flash_error(request, exc)
        return redirect("circles:multipliers")
    return redirect(reverse("chat:channel", args=[channel.pk]))


@require_GET
def coverage(request: http.Request) -> HttpResponse:
    me = http.viewer(request)
    return render(request, "circles/coverage.html", {"coverage": selectors.coverage_for(viewer=me)})


@require_POST
def decide(request: http.Request, multiplier_id: int) -> HttpResponse:
    me = http.viewer(request)
    found = selectors.get_pending_multiplier_for(viewer=me, multiplier_id=multiplier_id)
    approve = request.POST.get("decision") == "approve"
    http.attempt(
        request,
        lambda: services.multiplier_decide(by=me, multiplier=found, approve=approve),
        _("Approved.") if approve else _("Declined."),
    )
    return redirect("circles:coverage")


# --- onboarding, stories (wt/connectoren) --------------------------------------------------


@require_GET
def onboarding(request: http.Request) -> HttpResponse:
    """One's own checklist (approved Connectoren)."""
    me = http.viewer(request)
    steps = programme.onboarding_for(viewer=me)
    return render(
        request,
        "circles/onboarding.html",
        {
            "steps": steps,
            "done": sum(1 for s in steps if s.done),
            "community": programme.programme_community(),
            "is_coordinator": rules.is_coordinator(me),
        },
    )


@require_POST
def onboarding_tick(request: http.Request, item_id: int) -> HttpResponse:
    me = http.viewer(request)
    programme.onboarding_for(viewer=me)  # 404 for anyone but an approved Connector
    item = programme.get_onboarding_item(item_id=item_id)
    done = request.POST.get("done") == "1"
    http.attempt(
        request,
        lambda: programme_services.onboarding_tick(user=me, item=item, done=done),
        _("Ticked off.") if done else _("Marked as not done."),
    )
    return redirect(reverse("circles:onboarding") + f"#step-{item.pk}")


@require_http_methods(["GET", "POST"])
def onboarding_steps(request: http.Request) -> HttpResponse:
    """Coordinators: the checklist's steps (add) and its progress in counts."""
    me = http.viewer(request)
    progress = programme.onboarding_progress(viewer=me)  # 404 for non-coordinators
    form = OnboardingItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            programme_services.onboarding_item_save(by=me, **form.cleaned_data)
        except ServiceError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("The step was added."))
            return redirect("circles:onboarding_steps")
    return render(
        request,
        "circles/onboarding_steps.html",
        {"progress": progress, "form": form, "is_coordinator": True},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def onboarding_step_edit(request: http.Request, item_id: int) -> HttpResponse:
    me = http.viewer(request)
    if not rules.may_manage_onboarding(me):
        raise Http404
    item = programme.get_onboarding_item(item_id=item_id)
    initial = {
        "title": item.title,
        "description": item.description,
        "link": item.link,
        "position": item.position,
    }
    form = OnboardingItemForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            programme_services.onboarding_item_save(by=me, item=item, **form.cleaned_data)
        except ServiceError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("The step was saved."))
            return redirect("circles:onboarding_steps")
    return render(
        request,
        "circles/onboarding_step_edit.html",
        {"item": item, "form": form, "is_coordinator": True},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def onboarding_step_delete(request: http.Request, item_id: int) -> HttpResponse:
    me = http.viewer(request)
    if not rules.may_manage_onboarding(me):
        raise Http404
    item = programme.get_onboarding_item(item_id=item_id)
    http.attempt(
        request,
        lambda: programme_services.onboarding_item_delete(by=me, item=item),
        _("The step was removed."),
    )
    return redirect("circles:onboarding_steps")


STORIES_PER_PAGE = 20


@require_GET
def stories(request: http.Request) -> HttpResponse:
    me = http.viewer(request)
    page = Paginator(programme.stories_for(viewer=me), STORIES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "circles/stories.html",
        {
            "page": page,
            "may_tell_story": rules.may_tell_story(me),
            "is_coordinator": rules.is_coordinator(me),
        },
    )


@require_http_methods(["GET", "POST"])
def story_new(request: http.Request) -> HttpResponse:
    """Write a story, or mark one of one's own company-wide posts as one (Connectoren)."""
    me = http.viewer(request)
    if not rules.may_tell_story(me):
        raise Http404
    posts = programme.taggable_posts(viewer=me)
    tagging = request.method == "POST" and request.POST.get("action") == "tag"
    form = ConnectorStoryForm(request.POST if request.method == "POST" and not tagging else None)
    tag_form = StoryTagForm(request.POST if tagging else None, posts=posts)
    if request.method == "POST":
        try:
            if tagging and tag_form.is_valid():
                post = programme.get_own_post(viewer=me, post_id=tag_form.cleaned_data["post"])
                programme_services.story_tag(by=me, post=post, kind=tag_form.cleaned_data["kind"])
                messages.success(request, _("Your post is now a Connectoren story."))
                return redirect("circles:stories")
            if not tagging and form.is_valid():
                programme_services.story_create(
                    by=me, kind=form.cleaned_data["kind"], body=form.cleaned_data["body"]
                )
                messages.success(request, _("Thank you for sharing your story."))
                return redirect("circles:stories")
        except ServiceError as exc:
            (tag_form if tagging else form).add_error(None, str(exc.message))
    return render(
        request,
        "circles/story_new.html",
        {"form": form, "tag_form": tag_form, "posts": posts},
        status=400 if request.method == "POST" else 200,
    )


def _story_post(request: http.Request, post_id: int) -> Post:
    """The post, if the viewer may read it (else 404 like one that does not exist)."""
    return get_post_for(viewer=http.viewer(request), post_id=post_id)


@require_POST
def story_mark(request: http.Request, post_id: int) -> HttpResponse:
    """Mark a post as a Connectoren story from the post itself (its author, an approved
    Connector, or a coordinator); others get 403, a post one cannot read 404."""
    me = http.viewer(request)
    post = _story_post(request, post_id)
    if not rules.may_mark_story(me, post):
        raise PermissionDenied
    http.attempt(
        request,
        lambda: programme_services.story_tag(by=me, post=post, kind=request.POST.get("kind", "")),
        _("The post is now a Connectoren story."),
    )
    return http.redirect_next(request, reverse("circles:stories"))


@require_POST
def story_unmark(request: http.Request, post_id: int) -> HttpResponse:
    """Take the story mark off a post (the post stays): its author or a coordinator."""
    me = http.viewer(request)
    post = _story_post(request, post_id)
    story = ConnectorStory.objects.filter(post=post).first()
    if story is None:
        raise Http404
    if not rules.may_unmark_story(me, story):
        raise PermissionDenied
    http.attempt(
        request,
        lambda: programme_services.story_untag(by=me, post=post),
        _("The post is no longer a Connectoren story."),
    )
    return http.redirect_next(request, reverse("circles:stories"))
