"""Pages of consent decisions: the logs (company-wide and per community), a proposal with
its responses, responding, amending and writing the outcome. Thin: parse, call, render."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.paginator import Paginator
from django.forms import ChoiceField
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from hanse.communities import selectors as community_selectors
from hanse.core import http
from hanse.core.errors import ServiceError
from hanse.core.files import serve_thumbnail, serve_upload
from hanse.decisions import rules, selectors, services
from hanse.decisions.forms import AmendForm, OutcomeForm, ProposalForm, ResponseForm
from hanse.decisions.models import Proposal, Response
from hanse.people.models import User

PER_PAGE = 30


def log(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    """The decision log: company-wide (what the person may see) or of one community."""
    viewer = http.viewer(request)
    community = community_selectors.get_community_for(viewer=viewer, slug=slug) if slug else None
    decided = selectors.decision_log(viewer=viewer, community=community)
    page = Paginator(decided, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "decisions/log.html",
        {
            "community": community,
            "page_obj": page,
            "decisions": list(page.object_list),
            "open": list(selectors.open_proposals(viewer=viewer, community=community)[:50]),
            "may_propose": community is None or rules.may_propose_in(viewer, community),
        },
    )


@require_http_methods(["GET", "POST"])
def proposal_new(request: HttpRequest) -> HttpResponse:
    viewer = http.viewer(request)
    form = ProposalForm(
        request.POST or None, user=viewer, initial={"community": request.GET.get("community", "")}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        community = community_selectors.get_community_for(viewer=viewer, slug=data["community"])
        names = [n.strip().lstrip("@") for n in data["deciders"].split(",") if n.strip()]
        deciders = list(User.objects.filter(username__in=names, is_active=True))
        missing = sorted(set(names) - {u.username for u in deciders})
        if missing:
            form.add_error("deciders", _("Unknown: %(names)s") % {"names": ", ".join(missing)})
        else:
            try:
                proposal = services.proposal_create(
                    proposer=viewer,
                    community=community,
                    title=data["title"],
                    text=data["text"],
                    background=data["background"],
                    deadline=data["deadline"],
                    deciders=deciders,
                    files=request.FILES.getlist("files"),
                )
            except ServiceError as exc:
                http.raise_if_hidden(exc)
                form.add_error(None, str(exc.message))
            else:
                messages.success(request, _("Your proposal is open for responses."))
                return HttpResponseRedirect(reverse("decisions:proposal", args=[proposal.pk]))
    return render(request, "decisions/proposal_new.html", {"form": form})


def _proposal_context(request: HttpRequest, proposal: Proposal, **forms: Any) -> dict[str, Any]:
    viewer = http.viewer(request)
    now = timezone.now()
    responses = selectors.responses_of(proposal)
    everyone = selectors.all_responded(proposal)
    mine = next((r for r in responses if r.user_id == viewer.pk), None)
    counts = dict.fromkeys(Response.Kind.values, 0)
    for response in responses:
        if response.version == proposal.version:
            counts[response.kind] += 1
    may_decide = rules.may_decide(viewer, proposal, all_responded=everyone, now=now)
    outcome_form = forms.get("outcome_form") or OutcomeForm()
    if not may_decide:
        # Before the deadline (and before everyone responded) only withdrawing is possible.
        field = cast("ChoiceField", outcome_form.fields["outcome"])
        field.choices = [
            (value, label)
            for value, label in Proposal.Outcome.choices
            if value == Proposal.Outcome.WITHDRAWN
        ]
    return {
        "proposal": proposal,
        "responses": responses,
        "counts": [(Response.Kind(k).label, n) for k, n in counts.items()],
        "amendments": list(proposal.amendments.all()),
        "attachments": list(proposal.attachments.all()),
        "may_attach": rules.may_attach(viewer, proposal),
        "mine": mine,
        "named_deciders": list(proposal.deciders.all()),
        "may_respond": rules.may_respond(viewer, proposal, now=now),
        "may_amend": rules.may_amend(viewer, proposal, now=now),
        "may_decide": may_decide,
        "may_withdraw": rules.may_withdraw(viewer, proposal),
        "all_responded": everyone,
        "response_form": forms.get("response_form")
        or ResponseForm(initial={"kind": mine.kind, "reason": mine.reason} if mine else None),
        "amend_form": forms.get("amend_form") or AmendForm(initial={"text": proposal.text}),
        "outcome_form": outcome_form,
    }


def proposal(request: HttpRequest, proposal_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    found = selectors.get_proposal_for(viewer=viewer, pk=proposal_id)
    return render(request, "decisions/proposal.html", _proposal_context(request, found))


def _invalid(request: HttpRequest, found: Proposal, **forms: Any) -> HttpResponse:
    return render(
        request, "decisions/proposal.html", _proposal_context(request, found, **forms), status=400
    )


@require_POST
def respond(request: HttpRequest, proposal_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    found = selectors.get_proposal_for(viewer=viewer, pk=proposal_id)
    form = ResponseForm(request.POST)
    if not form.is_valid():
        return _invalid(request, found, response_form=form)
    try:
        services.proposal_respond(
            proposal=found,
            user=viewer,
            kind=form.cleaned_data["kind"],
            reason=form.cleaned_data["reason"],
        )
    except ServiceError as exc:
        http.raise_if_hidden(exc)
        if exc.code == "reason_required":
            form.add_error("reason", str(exc.message))
            return _invalid(request, found, response_form=form)
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Your response is recorded."))
    return HttpResponseRedirect(reverse("decisions:proposal", args=[found.pk]) + "#responses")


@require_POST
def amend(request: HttpRequest, proposal_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    found = selectors.get_proposal_for(viewer=viewer, pk=proposal_id)
    form = AmendForm(request.POST)
    if not form.is_valid():
        return _invalid(request, found, amend_form=form)
    http.attempt(
        request,
        lambda: services.proposal_amend(
            proposal=found,
            by=viewer,
            text=form.cleaned_data["text"],
            note=form.cleaned_data["note"],
        ),
        _("The proposal is amended; those who responded are asked to look again."),
    )
    return HttpResponseRedirect(reverse("decisions:proposal", args=[found.pk]))


@require_POST
def decide(request: HttpRequest, proposal_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    found = selectors.get_proposal_for(viewer=viewer, pk=proposal_id)
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        return _invalid(request, found, outcome_form=form)
    data = form.cleaned_data
    try:
        services.proposal_decide(
            proposal=found,
            by=viewer,
            outcome=data["outcome"],
            statement=data["statement"],
            review_on=data.get("review_on"),
        )
    except ServiceError as exc:
        http.raise_if_hidden(exc)
        form.add_error(None, str(exc.message))
        return _invalid(request, found, outcome_form=form)
    messages.success(request, _("The outcome is recorded in the decision log."))
    return HttpResponseRedirect(reverse("decisions:proposal", args=[found.pk]))


@require_POST
def attach(request: HttpRequest, proposal_id: int) -> HttpResponse:
    """The proposer adds background files to an open proposal."""
    viewer = http.viewer(request)
    found = selectors.get_proposal_for(viewer=viewer, pk=proposal_id)
    http.attempt(
        request,
        lambda: services.proposal_attach(
            proposal=found, by=viewer, files=request.FILES.getlist("files")
        ),
        _("The files are added."),
    )
    return HttpResponseRedirect(reverse("decisions:proposal", args=[found.pk]) + "#files")


@require_POST
def file_delete(request: HttpRequest, attachment_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    attachment = selectors.get_attachment_for(viewer=viewer, pk=attachment_id)
    http.attempt(
        request,
        lambda: services.proposal_attachment_delete(attachment=attachment, by=viewer),
        _("The file is removed."),
    )
    return HttpResponseRedirect(
        reverse("decisions:proposal", args=[attachment.proposal_id]) + "#files"
    )


def file_download(request: HttpRequest, attachment_id: int, filename: str) -> HttpResponseBase:
    """A file of a proposal, after the permission check (its proposal is visible)."""
    attachment = selectors.get_attachment_for(viewer=http.viewer(request), pk=attachment_id)
    return serve_upload(request, attachment, filename)


def file_thumbnail(request: HttpRequest, attachment_id: int) -> HttpResponseBase:
    attachment = selectors.get_attachment_for(viewer=http.viewer(request), pk=attachment_id)
    return serve_thumbnail(request, attachment)
