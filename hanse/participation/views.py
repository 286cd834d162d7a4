"""Poll pages: create a poll, vote (htmx or a plain form), the results block, close, remind
and the author's CSV export. Thin: parse, call one service or selector, render."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

from django.contrib import messages
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseForbidden,
    HttpResponseRedirect,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hanse.audit import services as audit
from hanse.chat import rules as chat_rules
from hanse.chat import selectors as chat_selectors
from hanse.communities import selectors as community_selectors
from hanse.core import http
from hanse.core.errors import ServiceError
from hanse.events.views.pages import csv_cell
from hanse.participation import rules, selectors, services
from hanse.participation.forms import ChatPollForm, PollForm
from hanse.participation.models import Poll
from hanse.posts.forms import COMPANY, where_value

if TYPE_CHECKING:
    from hanse.people.models import User

BLOCK = "participation/_poll.html"


def _block(request: HttpRequest, poll_id: int, *, error: str = "") -> HttpResponse:
    viewer = http.viewer(request)
    poll = selectors.get_poll_for(viewer=viewer, poll_id=poll_id)
    view = selectors.poll_view(viewer=viewer, poll=poll)
    return render(request, BLOCK, {"pv": view, "poll_error": error, "next": _post_url(poll_id)})


def _post_url(poll_id: int) -> str:
    return reverse("participation:poll", args=[poll_id])


def _home(poll: Poll) -> str:
    """Where to go after a plain form: the post's page, or the chat poll's own page."""
    if poll.message_id is not None:
        return _post_url(poll.pk)
    return reverse("posts:detail", args=[poll.post_id])


@require_http_methods(["GET", "POST"])
def poll_new(request: http.Request) -> HttpResponse:
    """The form for a new poll: in a community (?community=slug), company-wide or on one's
    profile."""
    viewer = http.viewer(request)
    if request.GET.get("channel"):
        return _chat_poll_new(request, viewer)
    communities = list(community_selectors.communities_of(user=viewer))
    fixed = None
    slug = request.GET.get("community") or ""
    if slug:
        fixed = community_selectors.get_community_for(viewer=viewer, slug=slug)
        if not rules.may_create_poll_in(viewer, fixed):
            return HttpResponseForbidden(_("Only members can post in this community."))
        communities = [fixed]
    initial = {"where": where_value(fixed, COMPANY)}
    form = PollForm(request.POST or None, initial=initial, communities=communities)
    if request.method == "POST" and form.is_valid():
        scope, community = form.target()
        try:
            poll = services.poll_create(
                author=viewer,
                question=form.cleaned_data["body"],
                options=form.option_lines(),
                community=community,
                scope=scope,
                kind=form.cleaned_data["kind"],
                max_choices=form.cleaned_data.get("max_choices"),
                allow_other=form.cleaned_data["allow_other"],
                anonymous=form.cleaned_data["anonymous"],
                results=form.cleaned_data["results"],
                closes_at=form.closing(),
            )
        except ServiceError as exc:
            http.raise_if_hidden(exc)
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Your poll is published."))
            return HttpResponseRedirect(reverse("posts:detail", args=[poll.post_id]))
    return render(request, "participation/poll_new.html", {"form": form, "community": fixed})


def _chat_poll_new(request: http.Request, viewer: User) -> HttpResponse:
    """A poll in a chat message (?channel=id): for the channel's members (who may write)."""
    try:
        channel_id = int(request.GET.get("channel", ""))
    except ValueError:
        raise Http404(_("This channel does not exist.")) from None
    channel = chat_selectors.get_channel_for(viewer=viewer, channel_id=channel_id)
    if not chat_rules.may_write(viewer, channel):
        return HttpResponseForbidden(_("Only members of the channel can ask it a question."))
    form = ChatPollForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.chat_poll_create(
                author=viewer,
                channel=channel,
                question=form.cleaned_data["body"],
                options=form.option_lines(),
                kind=form.cleaned_data["kind"],
                max_choices=form.cleaned_data.get("max_choices"),
                allow_other=form.cleaned_data["allow_other"],
                anonymous=form.cleaned_data["anonymous"],
                results=form.cleaned_data["results"],
                closes_at=form.closing(),
            )
        except ServiceError as exc:
            http.raise_if_hidden(exc)
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Your poll is published."))
            return HttpResponseRedirect(reverse("chat:channel", args=[channel.pk]))
    title = chat_selectors.channel_title(channel=channel, viewer=viewer)
    return render(
        request,
        "participation/poll_new.html",
        {"form": form, "community": None, "channel": channel, "channel_title": title},
    )


@require_GET
def poll(request: HttpRequest, poll_id: int) -> HttpResponse:
    """The poll's block for htmx (live refresh); otherwise its post's page."""
    if getattr(request, "htmx", False):
        return _block(request, poll_id)
    viewer = http.viewer(request)
    found = selectors.get_poll_for(viewer=viewer, poll_id=poll_id)
    if found.message_id is None:
        return HttpResponseRedirect(_home(found))
    # A poll in a chat message has a page of its own (chat shows it in a slot that htmx
    # fills: this is where it is read and voted on without JavaScript).
    view = selectors.poll_view(viewer=viewer, poll=found)
    return render(
        request,
        "participation/poll_page.html",
        {"pv": view, "next": _post_url(poll_id), "back": found.get_absolute_url()},
    )


def _parse_options(request: HttpRequest) -> list[int] | None:
    try:
        return [int(v) for v in request.POST.getlist("option")]
    except ValueError:
        return None


@require_POST
def vote(request: HttpRequest, poll_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    found = selectors.get_poll_for(viewer=viewer, poll_id=poll_id)
    error = ""
    chosen = _parse_options(request)
    try:
        if request.POST.get("withdraw"):
            services.poll_vote_withdraw(poll=found, voter=viewer)
        elif chosen is None:
            raise ServiceError(_("Choose one of the answers."), code="invalid_choice")
        else:
            services.poll_vote(
                poll=found,
                voter=viewer,
                option_ids=chosen,
                other_text=request.POST.get("other", ""),
            )
    except ServiceError as exc:
        http.raise_if_hidden(exc)
        error = str(exc.message)
    if getattr(request, "htmx", False):
        response = _block(request, poll_id, error=error)
        if error:
            response.status_code = 200  # htmx swaps the block with its message
        return response
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Your vote has been counted."))
    return http.redirect_next(request, _home(found))


@require_POST
def close(request: HttpRequest, poll_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    found = selectors.get_poll_for(viewer=viewer, poll_id=poll_id)
    http.attempt(
        request, lambda: services.poll_close(poll=found, by=viewer), _("The poll is closed.")
    )
    if getattr(request, "htmx", False):
        return _block(request, poll_id)
    return http.redirect_next(request, _home(found))


@require_POST
def remind(request: HttpRequest, poll_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    found = selectors.get_poll_for(viewer=viewer, poll_id=poll_id)
    http.attempt(
        request,
        lambda: services.poll_remind(poll=found, by=viewer),
        _("Those who have not voted yet will be reminded."),
    )
    return http.redirect_next(request, _home(found))


@require_GET
def export(request: HttpRequest, poll_id: int) -> HttpResponse:
    """The author's CSV: who chose what (named) or the counts (anonymous)."""
    viewer = http.viewer(request)
    found = selectors.get_poll_for(viewer=viewer, poll_id=poll_id)
    if not rules.may_export_poll(viewer, found):
        return HttpResponseForbidden(
            _("Only the author can export the results once they are shown.")
        )
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    rows = selectors.export_rows(poll=found)
    for row in rows:
        writer.writerow([csv_cell(cell) for cell in row])
    audit.record(
        "participation.poll_exported",
        target=found,
        request=request,
        data={"anonymous": found.anonymous},
    )
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="umfrage-{found.pk}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response
