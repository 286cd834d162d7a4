"""Pages of ideas and experiments: the overview, an idea, the reviewers' board, campaigns,
the experiment log and an experiment. Thin: parse, call one service or selector, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from hanse.communities import selectors as community_selectors
from hanse.communities.models import Community
from hanse.core import http
from hanse.core.errors import ServiceError
from hanse.core.files import serve_thumbnail, serve_upload
from hanse.ideas import rules, selectors, services
from hanse.ideas.forms import (
    CampaignForm,
    CloseForm,
    CoauthorsForm,
    CommentForm,
    ExperimentEditForm,
    ExperimentForm,
    IdeaEditForm,
    IdeaForm,
    ShareForm,
    StatusForm,
    UpdateForm,
)
from hanse.ideas.models import Experiment, Idea

PER_PAGE = 30


def _community(request: HttpRequest, slug: str | None) -> Community | None:
    """The community of ``?community=slug`` (404 when the person may not know it)."""
    if not slug:
        return None
    return community_selectors.get_community_for(viewer=http.viewer(request), slug=slug)


def index(request: HttpRequest) -> HttpResponse:
    """All ideas the person may see, with campaigns; filtered by community and status."""
    viewer = http.viewer(request)
    community = _community(request, request.GET.get("community"))
    status = request.GET.get("status", "")
    sort = request.GET.get("sort", "support")
    ideas = selectors.ideas_for(viewer=viewer, community=community, status=status, sort=sort)
    page = Paginator(ideas, PER_PAGE).get_page(request.GET.get("page"))
    ideas_on_page = list(page.object_list)
    return render(
        request,
        "ideas/index.html",
        {
            "community": community,
            "page_obj": page,
            "ideas": ideas_on_page,
            "supported": selectors.supported_ids(viewer=viewer, ideas=ideas_on_page),
            "campaigns": list(selectors.campaigns_for(viewer=viewer, community=community)[:6]),
            "statuses": Idea.Status.choices,
            "status": status,
            "sort": sort,
            "may_post": rules.may_post_idea_in(viewer, community),
            "may_open_campaign": rules.may_open_campaign_in(viewer, community),
            "may_review": rules.may_review_in(viewer, community),
        },
    )


@require_http_methods(["GET", "POST"])
def idea_new(request: HttpRequest) -> HttpResponse:
    viewer = http.viewer(request)
    campaign = None
    if request.GET.get("campaign"):
        try:
            campaign = selectors.get_campaign_for(viewer=viewer, pk=int(request.GET["campaign"]))
        except ValueError:
            campaign = None
    categories = campaign.category_list() if campaign else None
    initial = {"community": request.GET.get("community", "")}
    form = IdeaForm(request.POST or None, user=viewer, categories=categories, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            idea = services.idea_create(
                author=viewer,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                community=_community(request, form.cleaned_data.get("community")),
                campaign=campaign,
                category=form.cleaned_data.get("category", ""),
                coauthors=form.cleaned_data.get("coauthors") or [],
                files=request.FILES.getlist("files"),
            )
        except ServiceError as exc:
            http.raise_if_hidden(exc)
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Your idea is posted."))
            return HttpResponseRedirect(reverse("ideas:idea", args=[idea.pk]))
    return render(request, "ideas/idea_new.html", {"form": form, "campaign": campaign})


def idea(request: HttpRequest, idea_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    found = selectors.get_idea_for(viewer=viewer, pk=idea_id)
    allowed = rules.allowed_statuses(viewer, found)
    supported = bool(selectors.supported_ids(viewer=viewer, ideas=[found]))
    # Who was named and has not accepted: shown to the author only (the others see accepted
    # co-authors alone).
    invitations = selectors.invitations_of(found) if rules.may_set_coauthors(viewer, found) else []
    merge_targets: list[Idea] = []
    if rules.may_review(viewer, found) and found.merged_into_id is None:
        merge_targets = [
            i
            for i in selectors.ideas_for(viewer=viewer, community=found.community, sort="new")[:50]
            if rules.may_merge(viewer, found, i)
        ]
    return render(
        request,
        "ideas/idea.html",
        {
            "idea": found,
            "history": selectors.history_of(found),
            "comments": selectors.comments_of(found),
            "supporters": selectors.supporters_of(found),
            "experiments": list(found.experiments.all()),
            "supported": supported,
            "may_support": rules.may_support(viewer, found),
            "may_comment": rules.may_comment(viewer, found),
            "status_form": StatusForm(allowed=allowed) if allowed else None,
            "comment_form": CommentForm(),
            "merge_targets": merge_targets,
            "coauthors": list(found.coauthors.all()),
            "files": selectors.attachments_of(found),
            "budget": selectors.budget_for(viewer=viewer, campaign=found.campaign),
            "may_edit": rules.may_edit_idea(viewer, found),
            "coauthors_form": (
                CoauthorsForm(
                    initial={
                        "coauthors": ", ".join(
                            [p.username for p in found.coauthors.all()]
                            + [i.user.username for i in invitations]
                        )
                    }
                )
                if rules.may_set_coauthors(viewer, found)
                else None
            ),
            "invitations": invitations,
            "invitation": selectors.open_invitation(viewer=viewer, idea=found),
        },
    )


@require_http_methods(["GET", "POST"])
def idea_edit(request: HttpRequest, idea_id: int) -> HttpResponse:
    """The author and co-authors change the text and the files."""
    viewer = http.viewer(request)
    found = selectors.get_idea_for(viewer=viewer, pk=idea_id)
    if not rules.may_edit_idea(viewer, found):
        return render(request, "ideas/forbidden.html", status=403)
    files = selectors.attachments_of(found)
    form = IdeaEditForm(
        request.POST or None, initial={"title": found.title, "description": found.description}
    )
    if request.method == "POST" and form.is_valid():
        remove = [int(v) for v in request.POST.getlist("remove_files") if v.isdigit()]
        try:
            services.idea_edit(
                idea=found,
                by=viewer,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                files=request.FILES.getlist("files"),
                remove_files=remove,
            )
        except ServiceError as exc:
            http.raise_if_hidden(exc)
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("The idea is saved."))
            return HttpResponseRedirect(reverse("ideas:idea", args=[found.pk]))
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "ideas/idea_edit.html",
        {"idea": found, "form": form, "files": files},
        status=status,
    )


@require_POST
def idea_coauthors(request: HttpRequest, idea_id: int) -> HttpResponse:
    """The author invites (or removes) co-authors; the newly invited are told."""
    viewer = http.viewer(request)
    found = selectors.get_idea_for(viewer=viewer, pk=idea_id)
    form = CoauthorsForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    else:
        http.attempt(
            request,
            lambda: services.idea_coauthors_set(
                idea=found, by=viewer, coauthors=form.cleaned_data["coauthors"]
            ),
            _("The co-authors are saved; those newly invited are told."),
        )
    return HttpResponseRedirect(reverse("ideas:idea", args=[found.pk]))


@require_http_methods(["GET", "POST"])
def idea_invitation(request: HttpRequest, idea_id: int) -> HttpResponse:
    """The invited person accepts or declines writing the idea with its author. Without an
    open invitation of one's own: 404, the same as an idea one cannot see."""
    viewer = http.viewer(request)
    found = selectors.get_idea_for(viewer=viewer, pk=idea_id)
    invitation = selectors.open_invitation(viewer=viewer, idea=found)
    if invitation is None:
        raise Http404
    if request.method == "POST":
        accept = request.POST.get("action") == "accept"
        http.attempt(
            request,
            lambda: services.idea_coauthor_respond(idea=found, user=viewer, accept=accept),
            _("You are now a co-author of this idea.")
            if accept
            else _("You declined; you are not named on this idea."),
        )
        return HttpResponseRedirect(reverse("ideas:idea", args=[found.pk]))
    return render(request, "ideas/invitation.html", {"idea": found, "invitation": invitation})


def file_download(request: HttpRequest, attachment_id: int, filename: str) -> HttpResponseBase:
    """A file of an idea, after the permission check (its idea is visible)."""
    attachment = selectors.get_attachment_for(viewer=http.viewer(request), pk=attachment_id)
    return serve_upload(request, attachment, filename)


def file_thumbnail(request: HttpRequest, attachment_id: int) -> HttpResponseBase:
    attachment = selectors.get_attachment_for(viewer=http.viewer(request), pk=attachment_id)
    return serve_thumbnail(request, attachment)


@require_POST
def idea_support(request: HttpRequest, idea_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    found = selectors.get_idea_for(viewer=viewer, pk=idea_id)
    try:
        if request.POST.get("action") == "withdraw":
            services.idea_unsupport(idea=found, user=viewer)
            messages.success(request, _("Your support is withdrawn."))
        else:
            services.idea_support(idea=found, user=viewer)
            messages.success(request, _("You support this idea."))
    except ServiceError as exc:
        http.flash_error(request, exc)
    return http.redirect_next(request, reverse("ideas:idea", args=[found.pk]))


@require_POST
def idea_comment(request: HttpRequest, idea_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    found = selectors.get_idea_for(viewer=viewer, pk=idea_id)
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please write a comment first."))
    else:
        http.attempt(
            request,
            lambda: services.idea_comment(
                idea=found, author=viewer, body=form.cleaned_data["body"]
            ),
            _("Your comment is posted."),
        )
    return HttpResponseRedirect(reverse("ideas:idea", args=[found.pk]) + "#comments")


@require_POST
def idea_status(request: HttpRequest, idea_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    found = selectors.get_idea_for(viewer=viewer, pk=idea_id)
    form = StatusForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return HttpResponseRedirect(reverse("ideas:idea", args=[found.pk]))
    data = form.cleaned_data
    ok = http.attempt(
        request,
        lambda: services.idea_status_change(
            idea=found,
            by=viewer,
            to_status=data["to_status"],
            reason=data["reason"],
            hypothesis=data.get("hypothesis", ""),
            success_looks_like=data.get("success_looks_like", ""),
            ends_on=data.get("ends_on"),
        ),
        _("The status is changed; everyone who followed the idea is told."),
    )
    if ok and data["to_status"] == Idea.Status.EXPERIMENT:
        experiment = found.experiments.order_by("-pk").first()
        if experiment is not None:
            return HttpResponseRedirect(reverse("ideas:experiment", args=[experiment.pk]))
    return HttpResponseRedirect(reverse("ideas:idea", args=[found.pk]))


@require_POST
def idea_merge(request: HttpRequest, idea_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    found = selectors.get_idea_for(viewer=viewer, pk=idea_id)
    try:
        into = selectors.get_idea_for(viewer=viewer, pk=int(request.POST.get("into", "0")))
    except ValueError:
        messages.error(request, _("Please choose the idea to merge into."))
        return HttpResponseRedirect(reverse("ideas:idea", args=[found.pk]))
    try:
        result = services.idea_merge(duplicate=found, into=into, by=viewer)
    except ServiceError as exc:
        http.flash_error(request, exc)
        return HttpResponseRedirect(reverse("ideas:idea", args=[found.pk]))
    # Says how many supporters could not be carried over (their budget was used up).
    messages.success(request, result.message())
    return HttpResponseRedirect(reverse("ideas:idea", args=[into.pk]))


def board(request: HttpRequest) -> HttpResponse:
    """The reviewers' board of a community, a campaign or the company-wide ideas."""
    viewer = http.viewer(request)
    campaign = None
    if request.GET.get("campaign", "").isdigit():
        campaign = selectors.get_campaign_for(viewer=viewer, pk=int(request.GET["campaign"]))
        community = campaign.community
    else:
        community = _community(request, request.GET.get("community"))
    if not rules.may_review_in(viewer, community, campaign):
        return render(request, "ideas/forbidden.html", status=403)
    sort = request.GET.get("sort", "support")
    columns = selectors.board(viewer=viewer, community=community, campaign=campaign, sort=sort)
    return render(
        request,
        "ideas/board.html",
        {"columns": columns, "community": community, "campaign": campaign, "sort": sort},
    )


@require_http_methods(["GET", "POST"])
def campaign_new(request: HttpRequest) -> HttpResponse:
    viewer = http.viewer(request)
    form = CampaignForm(
        request.POST or None, user=viewer, initial={"community": request.GET.get("community", "")}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = services.campaign_create(
                by=viewer,
                community=_community(request, data.get("community")),
                question=data["question"],
                description=data["description"],
                starts_on=data.get("starts_on"),
                ends_on=data.get("ends_on"),
                categories=data.get("categories", ""),
                support_budget=data.get("support_budget"),
            )
        except ServiceError as exc:
            http.raise_if_hidden(exc)
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("The campaign is open."))
            return HttpResponseRedirect(reverse("ideas:campaign", args=[campaign.pk]))
    return render(request, "ideas/campaign_new.html", {"form": form})


def campaign(request: HttpRequest, campaign_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    found = selectors.get_campaign_for(viewer=viewer, pk=campaign_id)
    sort = request.GET.get("sort", "support")
    ideas = list(selectors.ideas_for(viewer=viewer, campaign=found, sort=sort)[:200])
    return render(
        request,
        "ideas/campaign.html",
        {
            "campaign": found,
            "ideas": ideas,
            "supported": selectors.supported_ids(viewer=viewer, ideas=ideas),
            "sort": sort,
            "may_post": rules.may_post_idea_to(viewer, found),
            "may_review": rules.may_review_in(viewer, found.community, found),
            "budget": selectors.budget_for(viewer=viewer, campaign=found),
        },
    )


# --- experiments --------------------------------------------------------------------------


def experiment_log(request: HttpRequest) -> HttpResponse:
    """Everything tried, with results and lessons; filter by community, unit, result, year."""
    viewer = http.viewer(request)
    community = _community(request, request.GET.get("community"))
    result = request.GET.get("result", "")
    year_raw = request.GET.get("year", "")
    unit_raw = request.GET.get("unit", "")
    experiments = selectors.experiment_log(
        viewer=viewer,
        community=community,
        result=result,
        year=int(year_raw) if year_raw.isdigit() else None,
        unit_id=int(unit_raw) if unit_raw.isdigit() else None,
    )
    page = Paginator(experiments, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "ideas/log.html",
        {
            "page_obj": page,
            "experiments": list(page.object_list),
            "community": community,
            "communities": list(community_selectors.communities_of(user=viewer)),
            "results": Experiment.Result.choices,
            "result": result,
            "years": selectors.log_years(viewer=viewer),
            "year": year_raw,
            "may_start": rules.may_start_experiment_in(viewer, community),
        },
    )


@require_http_methods(["GET", "POST"])
def experiment_new(request: HttpRequest) -> HttpResponse:
    viewer = http.viewer(request)
    form = ExperimentForm(
        request.POST or None, user=viewer, initial={"community": request.GET.get("community", "")}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            experiment = services.experiment_create(
                owner=viewer,
                community=_community(request, data.get("community")),
                title=data["title"],
                hypothesis=data["hypothesis"],
                plan=data["plan"],
                success_looks_like=data["success_looks_like"],
                starts_on=data.get("starts_on"),
                ends_on=data.get("ends_on"),
            )
        except ServiceError as exc:
            http.raise_if_hidden(exc)
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("The experiment has started."))
            return HttpResponseRedirect(reverse("ideas:experiment", args=[experiment.pk]))
    return render(request, "ideas/experiment_new.html", {"form": form})


def _experiment_context(request: HttpRequest, found: Experiment, **forms: Any) -> dict[str, Any]:
    viewer = http.viewer(request)
    return {
        "experiment": found,
        "updates": selectors.updates_of(found),
        "may_update": rules.may_post_update(viewer, found),
        "may_close": rules.may_close_experiment(viewer, found),
        "may_edit": rules.may_edit_experiment(viewer, found),
        "may_share": rules.may_share_experiment(viewer, found),
        "story": selectors.story_of(viewer=viewer, experiment=found),
        "update_form": UpdateForm(),
        "close_form": forms.get("close_form") or CloseForm(),
        "share_form": ShareForm(),
    }


def experiment(request: HttpRequest, experiment_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    found = selectors.get_experiment_for(viewer=viewer, pk=experiment_id)
    return render(request, "ideas/experiment.html", _experiment_context(request, found))


@require_http_methods(["GET", "POST"])
def experiment_edit(request: HttpRequest, experiment_id: int) -> HttpResponse:
    """Change plan, dates and team of a running experiment; recorded in its updates."""
    viewer = http.viewer(request)
    found = selectors.get_experiment_for(viewer=viewer, pk=experiment_id)
    if not rules.may_edit_experiment(viewer, found):
        return render(request, "ideas/forbidden.html", status=403)
    started = not rules.may_edit_start(found, timezone.localdate())
    form = ExperimentEditForm(
        request.POST or None,
        started=started,
        initial={
            "plan": found.plan,
            "starts_on": found.starts_on,
            "ends_on": found.ends_on,
            "team": ", ".join(p.username for p in found.team.all()),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.experiment_edit(
                experiment=found,
                by=viewer,
                plan=data["plan"],
                starts_on=data.get("starts_on"),
                ends_on=data.get("ends_on"),
                team=data["team"],
            )
        except ServiceError as exc:
            http.raise_if_hidden(exc)
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("The changes are saved and noted in the updates."))
            return HttpResponseRedirect(reverse("ideas:experiment", args=[found.pk]))
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "ideas/experiment_edit.html",
        {"experiment": found, "form": form, "started": started},
        status=status,
    )


@require_POST
def experiment_share(request: HttpRequest, experiment_id: int) -> HttpResponse:
    """Share a closed experiment to the stream as a story."""
    viewer = http.viewer(request)
    found = selectors.get_experiment_for(viewer=viewer, pk=experiment_id)
    form = ShareForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    http.attempt(
        request,
        lambda: services.experiment_share(experiment=found, by=viewer, note=note),
        _("The experiment is shared to the stream as a story."),
    )
    return HttpResponseRedirect(reverse("ideas:experiment", args=[found.pk]))


@require_POST
def experiment_update(request: HttpRequest, experiment_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    found = selectors.get_experiment_for(viewer=viewer, pk=experiment_id)
    form = UpdateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please write the update first."))
    else:
        http.attempt(
            request,
            lambda: services.experiment_update_post(
                experiment=found, author=viewer, body=form.cleaned_data["body"]
            ),
            _("Your update is posted."),
        )
    return HttpResponseRedirect(reverse("ideas:experiment", args=[found.pk]))


@require_POST
def experiment_close(request: HttpRequest, experiment_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    found = selectors.get_experiment_for(viewer=viewer, pk=experiment_id)
    form = CloseForm(request.POST)
    if not form.is_valid():
        context = _experiment_context(request, found, close_form=form)
        return render(request, "ideas/experiment.html", context, status=400)
    data = form.cleaned_data
    http.attempt(
        request,
        lambda: services.experiment_close(
            experiment=found,
            by=viewer,
            result=data["result"],
            lessons=data["lessons"],
            next_step=data.get("next_step", ""),
        ),
        _("The experiment is closed. Thank you for the lessons learned."),
    )
    return HttpResponseRedirect(reverse("ideas:experiment", args=[found.pk]))
