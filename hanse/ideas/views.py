"""Pages of ideas and experiments: the overview, an idea, the reviewers' board, campaigns,
the experiment log and an experiment. Thin: parse, call one service or selector, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from hanse.communities import selectors as community_selectors
from hanse.communities.models import Community
from hanse.core import http
from hanse.core.errors import ServiceError
from hanse.ideas import rules, selectors, services
from hanse.ideas.forms import (
    CampaignForm,
    CloseForm,
    CommentForm,
    ExperimentForm,
    IdeaForm,
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
        },
    )


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
    if http.attempt(
        request,
        lambda: services.idea_merge(duplicate=found, into=into, by=viewer),
        _("The ideas are merged; the supporters moved over."),
    ):
        return HttpResponseRedirect(reverse("ideas:idea", args=[into.pk]))
    return HttpResponseRedirect(reverse("ideas:idea", args=[found.pk]))


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


def experiment(request: HttpRequest, experiment_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    found = selectors.get_experiment_for(viewer=viewer, pk=experiment_id)
    context: dict[str, Any] = {
        "experiment": found,
        "updates": selectors.updates_of(found),
        "may_update": rules.may_post_update(viewer, found),
        "may_close": rules.may_close_experiment(viewer, found),
        "update_form": UpdateForm(),
        "close_form": CloseForm(),
    }
    return render(request, "ideas/experiment.html", context)


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
        context = {
            "experiment": found,
            "updates": selectors.updates_of(found),
            "may_update": rules.may_post_update(viewer, found),
            "may_close": rules.may_close_experiment(viewer, found),
            "update_form": UpdateForm(),
            "close_form": form,
        }
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
