"""Pages of the chat. Everything works without JavaScript (forms post, the page reloads);
htmx and chat.js (with REALTIME's live.js) only save the reload."""

from __future__ import annotations

import functools
import uuid
from typing import Any

from django.contrib import messages as flash
from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hanse.chat import extensions, selectors, services
from hanse.chat import rules as chat_rules
from hanse.chat.forms import ChannelForm, EditForm, TopicForm
from hanse.chat.models import Channel, ChannelMember, Message, MessageAttachment
from hanse.chat.rendering import decorate, render_message_html
from hanse.communities.selectors import get_community_for
from hanse.core import http
from hanse.core.errors import ServiceError
from hanse.core.files import serve_thumbnail, serve_upload
from hanse.core.ratelimit import RateLimited
from hanse.people.models import User


def _int(value: str | None) -> int | None:
    try:
        number = int(value or "")
    except ValueError:
        return None
    return number if number >= 0 else None


def _channel_url(channel: Channel) -> str:
    return reverse("chat:channel", args=[channel.pk])


def _people(ids: list[str]) -> list[User]:
    numbers = [n for n in (_int(i) for i in ids) if n is not None]
    return list(User.objects.filter(pk__in=numbers, is_active=True))


# --- overview ------------------------------------------------------------------------------


@functools.cache
def _live_js_available() -> bool:
    from django.contrib.staticfiles import finders

    return bool(finders.find("realtime/live.js"))


def _sidebar_context(request: HttpRequest, current: Channel | None = None) -> dict[str, Any]:
    viewer = http.viewer(request)
    return {
        "sidebar": selectors.sidebar(user=viewer),
        "current": current,
        "live_js": _live_js_available(),
    }


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The chat's start page: the sidebar and a hint."""
    return render(request, "chat/index.html", _sidebar_context(request))


@require_GET
def header_badge(request: HttpRequest) -> HttpResponse:
    """The header's chat link alone, for htmx to refresh when a message arrives."""
    return render(
        request,
        "chat/_header_link.html",
        {"chat_unread": selectors.global_unread_count(user=http.viewer(request))},
    )


@require_GET
def browse(request: HttpRequest) -> HttpResponse:
    """Public channels and community channels to find and join."""
    q = request.GET.get("q", "")[:100]
    page = Paginator(selectors.browse(viewer=http.viewer(request), q=q), 30).get_page(
        request.GET.get("page")
    )
    return render(request, "chat/browse.html", {**_sidebar_context(request), "page": page, "q": q})


@require_http_methods(["GET", "POST"])
def channel_new(request: HttpRequest) -> HttpResponse:
    """Create a public or private channel."""
    form = ChannelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            channel = services.channel_create(
                by=http.viewer(request),
                name=form.cleaned_data["name"],
                kind=form.cleaned_data["kind"],
                topic=form.cleaned_data["topic"],
            )
        except ServiceError as exc:
            form.add_error(None, str(exc.message))
        else:
            return redirect(_channel_url(channel))
    return render(request, "chat/channel_new.html", {**_sidebar_context(request), "form": form})


@require_http_methods(["GET", "POST"])
def dm_new(request: HttpRequest) -> HttpResponse:
    """Choose people for a direct message (one) or a group message (up to 14 others)."""
    viewer = http.viewer(request)
    chosen = _people(request.POST.getlist("people") or request.GET.getlist("people"))
    if request.method == "POST" and "start" in request.POST:
        if not chosen:
            flash.error(request, _("Choose at least one person."))
        else:
            try:
                channel, _created = services.dm_open(by=viewer, people=chosen)
            except ServiceError as exc:
                flash.error(request, str(exc.message))
            else:
                return redirect(_channel_url(channel))
    q = request.POST.get("q", request.GET.get("q", ""))[:100]
    found = selectors.people_search(viewer=viewer, q=q) if q else []
    chosen_ids = {p.pk for p in chosen}
    return render(
        request,
        "chat/dm_new.html",
        {
            **_sidebar_context(request),
            "q": q,
            "found": [p for p in found if p.pk not in chosen_ids],
            "chosen": chosen,
        },
    )


@require_GET
def community(request: HttpRequest, slug: str) -> HttpResponse:
    """A community's chat: its default channel, created when a member first opens it."""

    viewer = http.viewer(request)
    target = get_community_for(viewer=viewer, slug=slug)
    try:
        channel = services.community_channel_ensure(community=target, user=viewer)
    except ServiceError as exc:
        http.flash_error(request, exc)
        return redirect(reverse("communities:detail", args=[target.slug]))
    return redirect(_channel_url(channel))


@require_POST
def community_channel_new(request: HttpRequest, slug: str) -> HttpResponse:
    """Owners and moderators add a further channel to their community."""

    viewer = http.viewer(request)
    target = get_community_for(viewer=viewer, slug=slug)
    try:
        channel = services.community_channel_create(
            community=target, by=viewer, name=request.POST.get("name", "")
        )
    except ServiceError as exc:
        http.flash_error(request, exc)
        return redirect(reverse("chat:community", args=[target.slug]))
    return redirect(_channel_url(channel))


# --- a channel -----------------------------------------------------------------------------


def _channel_context(request: HttpRequest, channel: Channel) -> dict[str, Any]:
    viewer = http.viewer(request)
    member = selectors.membership_of(channel=channel, user=viewer)
    is_admin = chat_rules.is_channel_admin(viewer, channel, member)
    return {
        **_sidebar_context(request, channel),
        "channel": channel,
        "title": selectors.channel_title(channel=channel, viewer=viewer)
        if channel.kind in (Channel.Kind.DIRECT, Channel.Kind.GROUP)
        else channel.name,
        "member": member,
        "is_admin": is_admin,
        "can_join": chat_rules.may_join(viewer, channel, member),
        "can_write": chat_rules.may_write(viewer, channel, member),
        "can_topic": chat_rules.may_set_topic(viewer, channel, member),
        "can_invite": chat_rules.may_invite(viewer, channel, member),
        "can_manage_members": chat_rules.may_manage_members(viewer, channel, member),
        "is_dm": channel.kind in (Channel.Kind.DIRECT, Channel.Kind.GROUP),
        # What apps above chat add: "New poll" beside the composer, the blocks' CSS and JS.
        "composer_links": extensions.composer_links(channel)
        if chat_rules.may_write(viewer, channel, member)
        else [],
        "addon_assets": extensions.asset_paths(),
    }


@require_GET
def channel(request: HttpRequest, channel_id: int) -> HttpResponse:
    """A conversation: its history (newest at the bottom, or from the first unread message),
    the composer; the read cursor moves to the newest message shown."""
    viewer = http.viewer(request)
    chan = selectors.get_channel_for(viewer=viewer, channel_id=channel_id)
    ctx = _channel_context(request, chan)
    member: ChannelMember | None = ctx["member"]
    before, after = _int(request.GET.get("before")), _int(request.GET.get("after"))
    first_unread = None
    if member is not None and before is None and after is None:
        first_unread = selectors.first_unread_id(
            channel=chan, viewer=viewer, last_read_id=member.last_read_id
        )
        page = selectors.history(channel=chan, viewer=viewer)
        if (
            first_unread is not None
            and page.oldest_id is not None
            and first_unread < page.oldest_id
        ):
            # More unread than one page: start at the first unread, newer ones follow.
            page = selectors.history(channel=chan, viewer=viewer, after=first_unread - 1)
    else:
        page = selectors.history(channel=chan, viewer=viewer, before=before, after=after)
    decorate(page.messages, viewer, is_admin=ctx["is_admin"])
    if member is not None and page.newest_id is not None:
        services.channel_mark_read(channel=chan, user=viewer, last_read_id=page.newest_id)
    ctx.update({"page": page, "first_unread": first_unread})
    thread_id = _int(request.GET.get("thread"))
    if thread_id:
        ctx.update(_thread_context(request, chan, thread_id, ctx["is_admin"]))
    return render(request, "chat/channel.html", ctx)


def _thread_context(
    request: HttpRequest, chan: Channel, message_id: int, is_admin: bool
) -> dict[str, Any]:
    viewer = http.viewer(request)
    root = selectors.get_message_for(viewer=viewer, channel=chan, message_id=message_id)
    if root.parent_id is not None:
        raise Http404
    replies = selectors.thread(root=root, viewer=viewer)
    decorate([root, *replies], viewer, is_admin=is_admin)
    return {"thread_root": root, "replies": replies}


@require_GET
def thread(request: http.Request, channel_id: int, message_id: int) -> HttpResponse:
    """The thread pane: a message and its replies (a partial for htmx, else the page)."""
    viewer = http.viewer(request)
    chan = selectors.get_channel_for(viewer=viewer, channel_id=channel_id)
    ctx = _channel_context(request, chan)
    ctx.update(_thread_context(request, chan, message_id, ctx["is_admin"]))
    if request.htmx:
        return render(request, "chat/_thread.html", ctx)
    page = selectors.history(channel=chan, viewer=viewer)
    decorate(page.messages, viewer, is_admin=ctx["is_admin"])
    ctx.update({"page": page, "first_unread": None})
    return render(request, "chat/channel.html", ctx)


@require_GET
def messages(request: HttpRequest, channel_id: int) -> HttpResponse:
    """Catch-up and older pages: ``?after=<id>`` everything newer (up to 200, then
    ``has_more``), ``?before=<id>`` an older page. An HTML fragment, or JSON on
    ``Accept: application/json``."""
    viewer = http.viewer(request)
    chan = selectors.get_channel_for(viewer=viewer, channel_id=channel_id)
    before, after = _int(request.GET.get("before")), _int(request.GET.get("after"))
    if after is not None:
        page = selectors.history(
            channel=chan, viewer=viewer, after=after, limit=selectors.MAX_PAGE_SIZE
        )
        has_more = page.has_newer
    else:
        page = selectors.history(channel=chan, viewer=viewer, before=before)
        has_more = page.has_older
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse(
            {
                "channel": chan.pk,
                "has_more": has_more,
                "messages": [
                    {
                        "id": m.pk,
                        "parent": m.parent_id,
                        "client_id": str(m.client_id),
                        "author": m.author_id,
                        "created_at": m.created_at.isoformat(),
                        "deleted": m.deleted_at is not None,
                        "reply_count": m.reply_count,
                        "html": render_message_html(m, None),
                    }
                    for m in page.messages
                ],
            }
        )
    member = selectors.membership_of(channel=chan, user=viewer)
    decorate(page.messages, viewer, is_admin=chat_rules.is_channel_admin(viewer, chan, member))
    return render(
        request,
        "chat/_messages.html",
        {"channel": chan, "page": page, "older": after is None, "has_more": has_more},
    )


@require_POST
def post(request: http.Request, channel_id: int) -> HttpResponse:
    """Send a message (or a reply with ``parent``); works as a plain form post."""
    viewer = http.viewer(request)
    chan = selectors.get_channel_for(viewer=viewer, channel_id=channel_id)
    parent = None
    parent_id = _int(request.POST.get("parent"))
    if parent_id:
        parent = selectors.get_message_for(viewer=viewer, channel=chan, message_id=parent_id)
    back = _channel_url(chan) + (f"?thread={parent.pk}" if parent else "")
    try:
        client_id = uuid.UUID(request.POST["client_id"]) if request.POST.get("client_id") else None
    except ValueError:
        client_id = None
    try:
        message, _created = services.message_post(
            channel=chan,
            author=viewer,
            body=request.POST.get("body", ""),
            client_id=client_id,
            parent=parent,
            files=request.FILES.getlist("files"),
        )
    except ServiceError as exc:
        if exc.status == 404:
            raise Http404 from exc
        if request.htmx:
            response = HttpResponse(str(exc.message), status=exc.status)
            if isinstance(exc, RateLimited):
                response["Retry-After"] = str(exc.retry_after)
            return response
        if isinstance(exc, RateLimited):
            raise  # the 429 page with Retry-After (hanse/core/ratelimit.py)
        flash.error(request, str(exc.message))
        return redirect(back)
    if request.htmx:
        fresh = selectors.get_message_for(viewer=viewer, channel=chan, message_id=message.pk)
        return HttpResponse(render_message_html(fresh, viewer, is_admin=False))
    return redirect(f"{back}#m-{message.pk}")


def _message(request: HttpRequest, channel_id: int, message_id: int) -> tuple[Channel, Message]:
    viewer = http.viewer(request)
    chan = selectors.get_channel_for(viewer=viewer, channel_id=channel_id)
    return chan, selectors.get_message_for(viewer=viewer, channel=chan, message_id=message_id)


def _message_back(chan: Channel, message: Message) -> str:
    if message.parent_id:
        return f"{_channel_url(chan)}?thread={message.parent_id}#m-{message.pk}"
    return f"{_channel_url(chan)}#m-{message.pk}"


def _fresh_message(request: HttpRequest, chan: Channel, message_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    fresh = selectors.get_message_for(viewer=viewer, channel=chan, message_id=message_id)
    admin = chat_rules.is_channel_admin(viewer, chan)
    return HttpResponse(render_message_html(fresh, viewer, is_admin=admin))


@require_http_methods(["GET", "POST"])
def message_edit(request: http.Request, channel_id: int, message_id: int) -> HttpResponse:
    """The author edits a message."""
    chan, message = _message(request, channel_id, message_id)
    if not chat_rules.may_edit_message(http.viewer(request), message):
        raise Http404
    form = EditForm(request.POST or None, initial={"body": message.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.message_edit(
                message=message, by=http.viewer(request), body=form.cleaned_data["body"]
            )
        except ServiceError as exc:
            form.add_error("body", str(exc.message))
        else:
            if request.htmx:
                return _fresh_message(request, chan, message.pk)
            return redirect(_message_back(chan, message))
    return render(
        request,
        "chat/message_edit.html",
        {**_channel_context(request, chan), "form": form, "message": message},
    )


@require_POST
def message_delete(request: http.Request, channel_id: int, message_id: int) -> HttpResponse:
    """The author or a channel admin deletes a message."""
    chan, message = _message(request, channel_id, message_id)
    try:
        services.message_delete(message=message, by=http.viewer(request))
    except ServiceError as exc:
        http.flash_error(request, exc)
    if request.htmx:
        return _fresh_message(request, chan, message.pk)
    return redirect(_message_back(chan, message))


@require_POST
def message_react(request: http.Request, channel_id: int, message_id: int) -> HttpResponse:
    """Add or take back one's reaction of a kind."""
    chan, message = _message(request, channel_id, message_id)
    try:
        services.reaction_toggle(
            message=message, user=http.viewer(request), kind=request.POST.get("kind", "")
        )
    except ServiceError as exc:
        if request.htmx:
            return HttpResponse(str(exc.message), status=exc.status)
        http.flash_error(request, exc)
    if request.htmx:
        return _fresh_message(request, chan, message.pk)
    return redirect(_message_back(chan, message))


@require_POST
def mark_read(request: HttpRequest, channel_id: int) -> HttpResponse:
    """Move the read cursor forward (chat.js calls this as messages arrive on screen)."""
    viewer = http.viewer(request)
    chan = selectors.get_channel_for(viewer=viewer, channel_id=channel_id)
    cursor = services.channel_mark_read(
        channel=chan, user=viewer, last_read_id=_int(request.POST.get("last_read_id")) or 0
    )
    return JsonResponse({"channel": chan.pk, "last_read_id": cursor})


@require_POST
def join(request: HttpRequest, channel_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    chan = selectors.get_channel_for(viewer=viewer, channel_id=channel_id)
    try:
        services.channel_join(channel=chan, user=viewer)
    except ServiceError as exc:
        http.flash_error(request, exc)
    return redirect(_channel_url(chan))


@require_POST
def leave(request: HttpRequest, channel_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    chan = selectors.get_channel_for(viewer=viewer, channel_id=channel_id)
    try:
        services.channel_leave(channel=chan, user=viewer)
    except ServiceError as exc:
        http.flash_error(request, exc)
        return redirect(_channel_url(chan))
    flash.success(request, _("You left the conversation."))
    return redirect("chat:index")


@require_POST
def mute(request: HttpRequest, channel_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    chan = selectors.get_channel_for(viewer=viewer, channel_id=channel_id)
    try:
        services.channel_set_muted(
            channel=chan, user=viewer, muted=request.POST.get("muted") == "1"
        )
    except ServiceError as exc:
        http.flash_error(request, exc)
    return redirect(_channel_url(chan))


@require_http_methods(["GET", "POST"])
def topic(request: HttpRequest, channel_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    chan = selectors.get_channel_for(viewer=viewer, channel_id=channel_id)
    form = TopicForm(request.POST or None, initial={"topic": chan.topic})
    if request.method == "POST" and form.is_valid():
        try:
            services.channel_set_topic(channel=chan, by=viewer, topic=form.cleaned_data["topic"])
        except ServiceError as exc:
            if exc.status == 404:
                raise Http404 from exc
            form.add_error("topic", str(exc.message))
        else:
            return redirect(_channel_url(chan))
    return render(request, "chat/topic.html", {**_channel_context(request, chan), "form": form})


@require_http_methods(["GET", "POST"])
def members(request: HttpRequest, channel_id: int) -> HttpResponse:
    """The people in a channel; add people (POST ``people``) by the channel's rules."""
    viewer = http.viewer(request)
    chan = selectors.get_channel_for(viewer=viewer, channel_id=channel_id)
    if request.method == "POST":
        people = _people(request.POST.getlist("people"))
        try:
            added = services.member_invite(channel=chan, by=viewer, people=people)
        except ServiceError as exc:
            http.flash_error(request, exc)
        else:
            if added:
                flash.success(request, _("The people were added to the channel."))
        return redirect(reverse("chat:members", args=[chan.pk]))
    q = request.GET.get("q", "")[:100]
    ctx = _channel_context(request, chan)
    listing = list(selectors.members_of(channel=chan))
    present = {m.user_id for m in listing}
    found = (
        [p for p in selectors.people_search(viewer=viewer, q=q) if p.pk not in present] if q else []
    )
    ctx.update({"listing": listing, "q": q, "found": found})
    return render(request, "chat/members.html", ctx)


@require_POST
def member_remove(request: HttpRequest, channel_id: int, user_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    chan = selectors.get_channel_for(viewer=viewer, channel_id=channel_id)
    person = User.objects.filter(pk=user_id).first()
    if person is None:
        raise Http404
    try:
        services.member_remove(channel=chan, by=viewer, user=person)
    except ServiceError as exc:
        http.flash_error(request, exc)
    if person.pk == viewer.pk:
        return redirect("chat:index")
    return redirect(reverse("chat:members", args=[chan.pk]))


@require_GET
def search(request: HttpRequest, channel_id: int) -> HttpResponse:
    """Find messages in one channel by a word or phrase."""
    viewer = http.viewer(request)
    chan = selectors.get_channel_for(viewer=viewer, channel_id=channel_id)
    q = request.GET.get("q", "")[:200]
    page = Paginator(
        selectors.search(channel=chan, viewer=viewer, q=q), selectors.SEARCH_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    ctx = _channel_context(request, chan)
    decorate(page.object_list, viewer, is_admin=ctx["is_admin"])
    ctx.update({"q": q, "results": page})
    return render(request, "chat/search.html", ctx)


# --- files ---------------------------------------------------------------------------------


def _visible_attachment(request: HttpRequest, attachment_id: int) -> MessageAttachment:
    return selectors.get_attachment_for(viewer=http.viewer(request), attachment_id=attachment_id)


@require_http_methods(["GET", "HEAD"])
def file_download(request: HttpRequest, attachment_id: int, filename: str) -> HttpResponseBase:
    """A file of a message, after the same check as the message."""
    return serve_upload(request, _visible_attachment(request, attachment_id), filename)


@require_http_methods(["GET", "HEAD"])
def file_thumbnail(request: HttpRequest, attachment_id: int) -> HttpResponseBase:
    return serve_thumbnail(request, _visible_attachment(request, attachment_id))
