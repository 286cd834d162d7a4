"""Pages and htmx partials of the stream: feeds, posts, comments, reactions, tags, bookmarks.

Views parse the request, call one service or selector and render a page, or the partial an
htmx request asked for. Every page works without JavaScript: htmx only saves a reload.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hanse.communities import selectors as community_selectors
from hanse.communities.models import Community
from hanse.core import http, idempotency
from hanse.core.errors import ServiceError
from hanse.core.text import normalise_tag
from hanse.people import selectors as people_selectors
from hanse.people.models import User
from hanse.posts.forms import COMPANY, PROFILE, BodyForm, CommentForm, PostForm, ShareForm
from hanse.posts.forms import where_value as _where_value
from hanse.posts.models import Comment, Post, ReactionKind
from hanse.posts.rules import may_edit_comment, may_edit_post, may_post_in
from hanse.posts.selectors import feed as feed_selectors
from hanse.posts.selectors import posts as post_selectors
from hanse.posts.selectors.feed import FEED_FILTERS, FeedPage
from hanse.posts.selectors.posts import CommentItem
from hanse.posts.services import bookmarks as bookmark_services
from hanse.posts.services import comments as comment_services
from hanse.posts.services import posts as post_services
from hanse.posts.services import reactions as reaction_services
from hanse.posts.services import tags as tag_services

PAGE_SIZE = 20
# Service error codes that belong to the text field rather than the whole form.
BODY_ERRORS = {"empty", "too_long", "invalid"}


# --- helpers -------------------------------------------------------------------------------


def parse_before(request: HttpRequest) -> int | None:
    """The keyset cursor ?before=<id>; anything that is not a positive id means "newest"."""
    raw = request.GET.get("before", "")
    try:
        value = int(raw)
    except ValueError:
        return None
    return value if value > 0 else None


def parse_filter(request: HttpRequest) -> str:
    value = request.GET.get("filter", "all")
    return value if value in FEED_FILTERS else "all"


def _with_query(url: str, **params: Any) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return f"{url}?{query}" if query else url


def _post(request: HttpRequest, post_id: int) -> Post:
    return post_selectors.get_post_for(viewer=http.viewer(request), post_id=post_id)


def _comment(request: HttpRequest, comment_id: int) -> Comment:
    return post_selectors.get_comment_for(viewer=http.viewer(request), comment_id=comment_id)


def stream_context(
    request: HttpRequest,
    page: FeedPage,
    *,
    page_url: str,
    partial_url: str | None = None,
    params: dict[str, Any] | None = None,
    empty_message: str = "",
    auto: bool = True,
) -> dict[str, Any]:
    """What `posts/_feed_items.html` needs: the items and the "load more" link.

    The link's href is the full page of older posts (it works without JavaScript); htmx
    fetches `partial_url` instead and swaps the next items in when the link comes into view.
    Streams embedded above other content (a profile, a community home) load more on click
    only (`auto=False`), so the content below them stays reachable on a phone.
    """
    params = dict(params or {})
    auto = auto and request.GET.get("auto") != "0"
    more_url = more_hx_url = None
    if page.next_before_id is not None:
        more_url = _with_query(page_url, **params, before=page.next_before_id)
        more_hx_url = _with_query(
            partial_url or page_url,
            **params,
            before=page.next_before_id,
            auto=None if auto else "0",
        )
    return {
        "auto_more": auto,
        "feed_page": page,
        "items": page.items,
        "more_url": more_url,
        "more_hx_url": more_hx_url,
        "empty_message": empty_message,
        "is_first_page": parse_before(request) is None,
        "next": request.get_full_path(),
    }


def composer_context(
    request: HttpRequest,
    *,
    community: Community | None = None,
    default: str = COMPANY,
    form: PostForm | None = None,
    my_communities: list[Community] | None = None,
) -> dict[str, Any]:
    """The composer: "where" offers company-wide, my profile and my communities, unless the
    composer sits in a community's stream (then it posts there). A page that has already
    read the viewer's communities passes them as ``my_communities``."""
    if form is None:
        if community is not None:
            communities = [community]
        elif my_communities is not None:
            communities = my_communities
        else:
            communities = list(community_selectors.communities_of(user=http.viewer(request)))
        form = PostForm(
            initial={"where": _where_value(community, default)}, communities=communities
        )
    return {
        "composer_form": form,
        "composer_community": community,
        "composer_next": request.get_full_path(),
    }


def _feed_response(
    request: http.Request, template: str, context: dict[str, Any], stream: dict[str, Any]
) -> HttpResponse:
    """The whole page, or only the next items when htmx asks for them."""
    if request.htmx:
        return render(request, "posts/_feed_items.html", stream)
    context.update(stream)
    return render(request, template, context)


# --- the home feed (core:home renders the page; these are its partials) ------------------


def home_feed_context(request: HttpRequest) -> dict[str, Any]:
    """The home page's feed: filter tabs, the first (or an older) page, the composer."""
    viewer = http.viewer(request)
    feed_filter = parse_filter(request)
    page = feed_selectors.home_feed(
        viewer=viewer, before_id=parse_before(request), limit=PAGE_SIZE, filter=feed_filter
    )
    params = {"filter": feed_filter if feed_filter != "all" else None}
    context = stream_context(
        request,
        page,
        page_url=reverse("core:home"),
        partial_url=reverse("posts:feed_more"),
        params=params,
        empty_message=_empty_home(feed_filter),
    )
    context.update(
        feed_filter=feed_filter,
        feed_filters=[
            ("all", _("All")),
            ("communities", _("Communities")),
            ("following", _("Following")),
        ],
        newest_id=page.items[0].post.pk if page.items else 0,
    )
    return context


def _empty_home(feed_filter: str) -> str:
    if feed_filter == "communities":
        return _("No posts from your communities yet.")
    if feed_filter == "following":
        return _("No posts from the people you follow yet.")
    return _(
        "Your feed is still empty. Join communities and follow colleagues or hashtags: "
        "their posts appear here."
    )


@require_GET
def feed_more(request: HttpRequest) -> HttpResponse:
    """The home feed's partials: older items (?before=) or the whole list, refreshed."""
    context = home_feed_context(request)
    template = "posts/_feed_items.html" if parse_before(request) else "posts/_home_feed.html"
    return render(request, template, context)


@require_GET
def feed_new_count(request: HttpRequest) -> HttpResponse:
    """The "new posts" indicator, polled by the home feed."""
    try:
        after = int(request.GET.get("after", ""))
    except ValueError:
        return HttpResponseBadRequest()
    feed_filter = parse_filter(request)
    count = feed_selectors.newer_count(
        viewer=http.viewer(request), after_id=after, filter=feed_filter
    )
    return render(
        request,
        "posts/_new_posts.html",
        {
            "count": count,
            "capped": count >= feed_selectors.NEWER_COUNT_CAP,
            "feed_filter": feed_filter,
            "show_url": _with_query(
                reverse("core:home"), filter=feed_filter if feed_filter != "all" else None
            ),
            "show_hx_url": _with_query(reverse("posts:feed_more"), filter=feed_filter),
        },
    )


# --- streams -------------------------------------------------------------------------------


@require_GET
def company(request: http.Request) -> HttpResponse:
    """Everything posted company-wide."""
    viewer = http.viewer(request)
    page = feed_selectors.company_stream(
        viewer=viewer, before_id=parse_before(request), limit=PAGE_SIZE
    )
    stream = stream_context(
        request,
        page,
        page_url=reverse("posts:company"),
        empty_message=_("Nothing has been posted company-wide yet."),
    )
    return _feed_response(
        request, "posts/company.html", composer_context(request, default=COMPANY), stream
    )


@require_GET
def bookmarks(request: http.Request) -> HttpResponse:
    """The posts I saved for later."""
    page = feed_selectors.bookmarks_of(
        viewer=http.viewer(request), before_id=parse_before(request), limit=PAGE_SIZE
    )
    stream = stream_context(
        request,
        page,
        page_url=reverse("posts:bookmarks"),
        empty_message=_(
            "You have not saved any posts yet. Choose “Save for later” in a post's menu."
        ),
    )
    return _feed_response(request, "posts/bookmarks.html", {}, stream)


@require_GET
def tag(request: http.Request, tag: str) -> HttpResponse:
    """The posts with a hashtag, and the button to follow it."""
    name = normalise_tag(tag)
    if not name:
        raise Http404(_("This is not a valid hashtag."))
    if name != tag:
        return redirect("posts:tag", tag=name)
    viewer = http.viewer(request)
    page = feed_selectors.tag_stream(
        viewer=viewer, tag_name=name, before_id=parse_before(request), limit=PAGE_SIZE
    )
    stream = stream_context(
        request,
        page,
        page_url=reverse("posts:tag", args=[name]),
        empty_message=_("No posts with this hashtag yet."),
    )
    context = {
        "tag_name": name,
        "following": feed_selectors.follows_tag(viewer=viewer, tag_name=name),
    }
    return _feed_response(request, "posts/tag.html", context, stream)


@require_POST
def tag_follow(request: http.Request, tag: str) -> HttpResponse:
    """Follow (follow=1) or stop following (follow=0) a hashtag."""
    viewer = http.viewer(request)
    follow = request.POST.get("follow") == "1"
    try:
        if follow:
            tag_services.tag_follow(user=viewer, tag_name=tag)
        else:
            tag_services.tag_unfollow(user=viewer, tag_name=tag)
    except ServiceError as exc:
        http.raise_if_hidden(exc)
        messages.error(request, str(exc.message))
        return redirect(http.safe_next(request, reverse("core:home")))
    name = normalise_tag(tag) or tag
    if request.htmx:
        return render(request, "posts/_tag_follow.html", {"tag_name": name, "following": follow})
    if follow:
        messages.success(request, _("You now follow #%(tag)s.") % {"tag": name})
    else:
        messages.success(request, _("You no longer follow #%(tag)s.") % {"tag": name})
    return redirect("posts:tag", tag=name)


def community_stream_context(request: HttpRequest, community: Community) -> dict[str, Any]:
    """The community home's stream section (used by a template tag on communities:detail)."""
    viewer = http.viewer(request)
    context: dict[str, Any] = {"community": community, "request": request, "user": viewer}
    if not viewer.has_perm("communities.view_content", community):
        context["can_read"] = False
        return context
    page = feed_selectors.community_stream(
        viewer=viewer, community=community, before_id=parse_before(request), limit=PAGE_SIZE
    )
    url = reverse("posts:community_stream", args=[community.slug])
    context.update(
        stream_context(
            request,
            page,
            page_url=url,
            empty_message=_("No posts yet. Start the conversation!"),
            auto=False,
        )
    )
    context["can_read"] = True
    if may_post_in(viewer, community):
        context.update(composer_context(request, community=community))
    return context


@require_GET
def community_stream(request: http.Request, slug: str) -> HttpResponse:
    """A community's stream as a page of its own (older posts; htmx infinite scroll)."""
    viewer = http.viewer(request)
    community = community_selectors.get_community_for(viewer=viewer, slug=slug)
    if not viewer.has_perm("communities.view_content", community):
        return redirect("communities:detail", slug=community.slug)
    page = feed_selectors.community_stream(
        viewer=viewer, community=community, before_id=parse_before(request), limit=PAGE_SIZE
    )
    stream = stream_context(
        request,
        page,
        page_url=reverse("posts:community_stream", args=[community.slug]),
        empty_message=_("No posts yet."),
    )
    return _feed_response(request, "posts/community_stream.html", {"community": community}, stream)


def profile_stream_context(request: HttpRequest, person: User) -> dict[str, Any]:
    """The profile's "Posts" section (used by a template tag on people:profile)."""
    viewer = http.viewer(request)
    page = feed_selectors.profile_stream(
        viewer=viewer, person=person, before_id=parse_before(request), limit=PAGE_SIZE
    )
    is_me = person.pk == viewer.pk
    context: dict[str, Any] = {"person": person, "is_me": is_me, "request": request}
    context.update(
        stream_context(
            request,
            page,
            page_url=reverse("posts:profile_stream", args=[person.username]),
            empty_message=(
                _("You have not posted anything yet.")
                if is_me
                else _("%(name)s has not posted anything you can see yet.")
                % {"name": person.display_name}
            ),
            auto=False,
        )
    )
    if is_me:
        context.update(composer_context(request, default=PROFILE))
    return context


@require_GET
def profile_stream(request: http.Request, username: str) -> HttpResponse:
    """A person's posts as a page of its own (older posts; htmx infinite scroll)."""
    viewer = http.viewer(request)
    person = people_selectors.get_person_for(viewer=viewer, username=username)
    page = feed_selectors.profile_stream(
        viewer=viewer, person=person, before_id=parse_before(request), limit=PAGE_SIZE
    )
    stream = stream_context(
        request,
        page,
        page_url=reverse("posts:profile_stream", args=[person.username]),
        empty_message=_("No posts yet."),
    )
    return _feed_response(request, "posts/profile_stream.html", {"person": person}, stream)


# --- writing a post ------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def create(request: http.Request) -> HttpResponse:
    """Publish a post. From the composer (htmx: the new post slides into the feed) or, without
    JavaScript, as a normal form that comes back here when something needs fixing."""
    viewer = http.viewer(request)
    communities = list(community_selectors.communities_of(user=viewer))
    fixed = None
    if request.method == "GET":
        where = request.GET.get("where", COMPANY)
        form = PostForm(initial={"where": where}, communities=communities)
        return render(request, "posts/create.html", composer_context(request, form=form))
    form = PostForm(request.POST, communities=communities)
    if request.POST.get("fixed") == "1":
        fixed_slug = request.POST.get("where", "").removeprefix("community:")
        fixed = form.communities.get(fixed_slug)
    post = None
    if form.is_valid():
        scope, community = form.target()
        try:
            post = post_services.post_create(
                author=viewer,
                body=form.cleaned_data["body"],
                community=community,
                scope=scope,
                files=request.FILES.getlist("files"),
                idempotency_key=idempotency.from_request(request),
            )
        except ServiceError as exc:
            http.raise_if_hidden(exc)
            form.add_error("body" if exc.code in BODY_ERRORS else None, str(exc.message))
    if request.htmx:
        context = composer_context(request, community=fixed, form=None if post else form)
        context["composer_next"] = request.POST.get("next", "")
        if post is not None:
            context["item"] = feed_selectors.decorate([_post(request, post.pk)], viewer=viewer)[0]
            context["composer_status"] = _("Your post is published.")
        return render(request, "posts/_composer_result.html", context, status=200)
    if post is None:
        context = composer_context(request, community=fixed, form=form)
        return render(request, "posts/create.html", context, status=400)
    messages.success(request, _("Your post is published."))
    return HttpResponseRedirect(http.safe_next(request, reverse("posts:detail", args=[post.pk])))


@require_GET
def detail(request: HttpRequest, post_id: int) -> HttpResponse:
    """A post with its comments and replies."""
    detail = post_selectors.post_detail(viewer=http.viewer(request), post_id=post_id)
    return render(
        request,
        "posts/detail.html",
        {"detail": detail, "item": detail.item, "comment_form": CommentForm()},
    )


@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, post_id: int) -> HttpResponse:
    """Change a post's text (its author only); it is then marked as edited."""
    viewer = http.viewer(request)
    post = _post(request, post_id)
    if not may_edit_post(viewer, post):
        messages.error(request, _("Only the author can edit this post."))
        return redirect("posts:detail", post_id=post.pk)
    form = BodyForm(request.POST or None, initial={"body": post.body})
    if request.method == "POST" and form.is_valid():
        try:
            post_services.post_update(post=post, by=viewer, body=form.cleaned_data["body"])
        except ServiceError as exc:
            http.raise_if_hidden(exc)
            form.add_error("body" if exc.code in BODY_ERRORS else None, str(exc.message))
        else:
            messages.success(request, _("Your changes are saved."))
            return HttpResponseRedirect(
                http.safe_next(request, reverse("posts:detail", args=[post.pk]))
            )
    status = 400 if request.method == "POST" else 200
    next_url = request.POST.get("next") or request.GET.get("next", "")
    return render(
        request, "posts/edit.html", {"post": post, "form": form, "next": next_url}, status=status
    )


@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest, post_id: int) -> HttpResponse:
    """Ask, then delete a post (author, the community's moderators, administrators)."""
    viewer = http.viewer(request)
    post = _post(request, post_id)
    if request.method == "POST":
        try:
            post_services.post_delete(post=post, by=viewer)
        except ServiceError as exc:
            http.raise_if_hidden(exc)
            messages.error(request, str(exc.message))
            return redirect("posts:detail", post_id=post_id)
        messages.success(request, _("The post has been deleted."))
        fallback = reverse("core:home")
        target = http.safe_next(request, fallback)
        if target.startswith(reverse("posts:detail", args=[post_id])):
            target = fallback
        return HttpResponseRedirect(target)
    item = feed_selectors.decorate([post], viewer=viewer)[0]
    if not item.can_delete:
        messages.error(request, _("You may not delete this post."))
        return redirect("posts:detail", post_id=post.pk)
    return render(
        request,
        "posts/delete.html",
        {"item": item, "post": post, "next": http.safe_next(request, reverse("core:home"))},
    )


@require_POST
def pin(request: HttpRequest, post_id: int) -> HttpResponse:
    return _pin(request, post_id, pinned=True)


@require_POST
def unpin(request: HttpRequest, post_id: int) -> HttpResponse:
    return _pin(request, post_id, pinned=False)


def _pin(request: HttpRequest, post_id: int, *, pinned: bool) -> HttpResponse:
    viewer = http.viewer(request)
    post = _post(request, post_id)
    try:
        if pinned:
            post_services.post_pin(post=post, by=viewer)
        else:
            post_services.post_unpin(post=post, by=viewer)
    except ServiceError as exc:
        http.raise_if_hidden(exc)
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request,
            _("The post is pinned to the top of the community.")
            if pinned
            else _("The post is no longer pinned."),
        )
    return HttpResponseRedirect(http.safe_next(request, reverse("posts:detail", args=[post.pk])))


@require_http_methods(["GET", "POST"])
def share(request: HttpRequest, post_id: int) -> HttpResponse:
    """Share a post company-wide or into one of my communities, with an optional note."""
    viewer = http.viewer(request)
    post = _post(request, post_id)
    original = post.shared_post if post.shared_post_id else post
    communities = list(community_selectors.communities_of(user=viewer))
    form = ShareForm(request.POST or None, communities=communities)
    shareable = original is not None and (
        original.community is None or original.community.kind == Community.Kind.OPEN
    )
    if request.method == "POST" and form.is_valid():
        scope, community = form.target()
        try:
            shared = post_services.post_create(
                author=viewer,
                body=form.cleaned_data["body"],
                community=community,
                scope=scope,
                shared_post=post,
            )
        except ServiceError as exc:
            http.raise_if_hidden(exc)
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("You shared the post."))
            return redirect("posts:detail", post_id=shared.pk)
    item = feed_selectors.decorate([post], viewer=viewer)[0]
    return render(
        request,
        "posts/share.html",
        {"item": item, "post": post, "form": form, "shareable": shareable},
        status=400 if request.method == "POST" else 200,
    )


# --- reactions and bookmarks ---------------------------------------------------------------


def _kind(request: HttpRequest) -> str | None:
    kind = request.POST.get("kind", "").split(":", 1)[0]
    return kind if kind in ReactionKind.values else None


def _set_reaction(request: HttpRequest, *, user: User, kind: str, **target: Any) -> None:
    """The buttons send the state they ask for ("like:on", "like:off"), so a double submit
    or a browser resending the form leaves that state instead of toggling it back; a bare
    kind toggles."""
    wanted = request.POST.get("kind", "").partition(":")[2]
    if wanted == "on":
        reaction_services.reaction_add(user=user, kind=kind, **target)
    elif wanted == "off":
        reaction_services.reaction_remove(user=user, kind=kind, **target)
    else:
        reaction_services.reaction_toggle(user=user, kind=kind, **target)


@require_POST
def react(request: http.Request, post_id: int) -> HttpResponse:
    """Add or take back one reaction on a post; htmx gets the new reaction bar."""
    viewer = http.viewer(request)
    post = _post(request, post_id)
    kind = _kind(request)
    if kind is None:
        return HttpResponseBadRequest(_("This reaction does not exist."))
    try:
        _set_reaction(request, user=viewer, kind=kind, post=post)
    except ServiceError as exc:
        http.raise_if_hidden(exc)
        messages.error(request, str(exc.message))
    if request.htmx:
        item = feed_selectors.decorate([post], viewer=viewer)[0]
        return render(request, "posts/_post_reactions.html", {"item": item})
    return HttpResponseRedirect(http.safe_next(request, reverse("posts:detail", args=[post.pk])))


@require_POST
def comment_react(request: http.Request, comment_id: int) -> HttpResponse:
    """Add or take back one reaction on a comment; htmx gets the new reaction bar."""
    viewer = http.viewer(request)
    comment = _comment(request, comment_id)
    kind = _kind(request)
    if kind is None:
        return HttpResponseBadRequest(_("This reaction does not exist."))
    try:
        _set_reaction(request, user=viewer, kind=kind, comment=comment)
    except ServiceError as exc:
        http.raise_if_hidden(exc)
        messages.error(request, str(exc.message))
    if request.htmx:
        entry = _comment_item(viewer, comment)
        return render(request, "posts/_comment_reactions.html", {"entry": entry})
    fallback = reverse("posts:detail", args=[comment.post_id]) + f"#comment-{comment.pk}"
    return HttpResponseRedirect(http.safe_next(request, fallback))


def _comment_item(viewer: User, comment: Comment) -> CommentItem:
    """A comment as the post page shows it (its reactions, what the viewer may do)."""
    detail = post_selectors.post_detail(viewer=viewer, post_id=comment.post_id)
    for entry in detail.comments:
        for candidate in (entry, *entry.replies):
            if candidate.comment.pk == comment.pk:
                return candidate
    raise Http404(_("This comment does not exist."))


def _reactors_page(
    request: http.Request, *, post: Post, comment: Comment | None = None
) -> HttpResponse:
    viewer = http.viewer(request)
    kind = request.GET.get("kind") or None
    if kind is not None and kind not in ReactionKind.values:
        kind = None
    found = post_selectors.reactors(
        viewer=viewer, post=None if comment else post, comment=comment, kind=kind
    )
    base = (
        reverse("posts:comment_reactors", args=[comment.pk])
        if comment
        else reverse("posts:reactors", args=[post.pk])
    )
    tabs = [(None, _("All"), base)] + [
        (value, label, _with_query(base, kind=value)) for value, label in ReactionKind.choices
    ]
    template = "posts/_reactors.html" if request.htmx else "posts/reactors.html"
    return render(
        request,
        template,
        {"post": post, "comment": comment, "reactions": found, "kind": kind, "tabs": tabs},
    )


@require_GET
def reactors(request: http.Request, post_id: int) -> HttpResponse:
    """Who reacted to a post, by kind."""
    return _reactors_page(request, post=_post(request, post_id))


@require_GET
def comment_reactors(request: http.Request, comment_id: int) -> HttpResponse:
    """Who reacted to a comment, by kind."""
    comment = _comment(request, comment_id)
    return _reactors_page(request, post=comment.post, comment=comment)


@require_POST
def bookmark(request: http.Request, post_id: int) -> HttpResponse:
    """Save a post for later (save=1) or forget it (save=0)."""
    viewer = http.viewer(request)
    post = _post(request, post_id)
    save = request.POST.get("save") == "1"
    try:
        if save:
            bookmark_services.bookmark_add(user=viewer, post=post)
        else:
            bookmark_services.bookmark_remove(user=viewer, post=post)
    except ServiceError as exc:
        http.raise_if_hidden(exc)
        messages.error(request, str(exc.message))
        save = not save
    if request.htmx:
        return render(request, "posts/_bookmark_button.html", {"post": post, "bookmarked": save})
    messages.success(
        request,
        _("The post is saved in your bookmarks.") if save else _("The post is no longer saved."),
    )
    return HttpResponseRedirect(http.safe_next(request, reverse("posts:detail", args=[post.pk])))


# --- comments ------------------------------------------------------------------------------


@require_POST
def comment_create(request: HttpRequest, post_id: int) -> HttpResponse:
    """Comment on a post or reply to a comment; errors keep the text on the post's page."""
    viewer = http.viewer(request)
    post = _post(request, post_id)
    form = CommentForm(request.POST)
    if form.is_valid():
        parent = None
        parent_id = form.cleaned_data.get("parent")
        if parent_id:
            parent = post_selectors.get_comment_for(viewer=viewer, comment_id=parent_id)
        try:
            comment = comment_services.comment_create(
                post=post,
                author=viewer,
                body=form.cleaned_data["body"],
                parent=parent,
                files=request.FILES.getlist("files"),
                idempotency_key=idempotency.from_request(request),
            )
        except ServiceError as exc:
            http.raise_if_hidden(exc)
            form.add_error("body" if exc.code in BODY_ERRORS else None, str(exc.message))
        else:
            messages.success(request, _("Your comment is published."))
            url = reverse("posts:detail", args=[post.pk]) + f"#comment-{comment.pk}"
            return HttpResponseRedirect(url)
    detail = post_selectors.post_detail(viewer=viewer, post_id=post.pk)
    return render(
        request,
        "posts/detail.html",
        {
            "detail": detail,
            "item": detail.item,
            "comment_form": form if not form.data.get("parent") else CommentForm(),
            "reply_form": form if form.data.get("parent") else None,
            "reply_to": form.data.get("parent"),
        },
        status=400,
    )


@require_http_methods(["GET", "POST"])
def comment_edit(request: HttpRequest, comment_id: int) -> HttpResponse:
    """Change a comment's text (its author only)."""
    viewer = http.viewer(request)
    comment = _comment(request, comment_id)
    back = reverse("posts:detail", args=[comment.post_id]) + f"#comment-{comment.pk}"
    if not may_edit_comment(viewer, comment):
        messages.error(request, _("Only the author can edit this comment."))
        return HttpResponseRedirect(back)
    form = BodyForm(request.POST or None, initial={"body": comment.body})
    if request.method == "POST" and form.is_valid():
        try:
            comment_services.comment_update(
                comment=comment, by=viewer, body=form.cleaned_data["body"]
            )
        except ServiceError as exc:
            http.raise_if_hidden(exc)
            form.add_error("body" if exc.code in BODY_ERRORS else None, str(exc.message))
        else:
            messages.success(request, _("Your changes are saved."))
            return HttpResponseRedirect(back)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "posts/comment_edit.html",
        {"comment": comment, "form": form, "back": back},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def comment_delete(request: HttpRequest, comment_id: int) -> HttpResponse:
    """Ask, then delete a comment and its replies."""
    viewer = http.viewer(request)
    comment = _comment(request, comment_id)
    post_url = reverse("posts:detail", args=[comment.post_id])
    if request.method == "POST":
        try:
            comment_services.comment_delete(comment=comment, by=viewer)
        except ServiceError as exc:
            http.raise_if_hidden(exc)
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("The comment has been deleted."))
        return HttpResponseRedirect(post_url + "#comments")
    entry = _comment_item(viewer, comment)
    if not entry.can_delete:
        messages.error(request, _("You may not delete this comment."))
        return HttpResponseRedirect(post_url)
    return render(request, "posts/comment_delete.html", {"comment": comment, "back": post_url})


# --- mentions ------------------------------------------------------------------------------


@require_GET
def mention_suggestions(request: HttpRequest) -> JsonResponse:
    """People and communities whose name starts with ?q=, for the @mention autocomplete."""
    q = request.GET.get("q", "").strip().lstrip("@")[:50]
    if not q:
        return JsonResponse({"results": []})
    found = post_selectors.mention_suggestions(
        viewer=http.viewer(request), q=q, limit=8, community=request.GET.get("community", "")
    )
    results = [
        {
            "kind": "person",
            "handle": person.username,
            "label": person.display_name,
            "detail": person.org_unit.name if person.org_unit else "",
        }
        for person in found.people
    ] + [
        {
            "kind": "community",
            "handle": community.slug,
            "label": community.name,
            "detail": _("Community"),
        }
        for community in found.communities
    ]
    return JsonResponse({"results": results})


urlpatterns: list[URLPattern] = [
    path("posts/new/", create, name="create"),
    path("posts/mentions/", mention_suggestions, name="mention_suggestions"),
    path("posts/<int:post_id>/", detail, name="detail"),
    path("posts/<int:post_id>/edit/", edit, name="edit"),
    path("posts/<int:post_id>/delete/", delete, name="delete"),
    path("posts/<int:post_id>/pin/", pin, name="pin"),
    path("posts/<int:post_id>/unpin/", unpin, name="unpin"),
    path("posts/<int:post_id>/react/", react, name="react"),
    path("posts/<int:post_id>/reactions/", reactors, name="reactors"),
    path("posts/<int:post_id>/bookmark/", bookmark, name="bookmark"),
    path("posts/<int:post_id>/share/", share, name="share"),
    path("posts/<int:post_id>/comments/", comment_create, name="comment_create"),
    path("comments/<int:comment_id>/edit/", comment_edit, name="comment_edit"),
    path("comments/<int:comment_id>/delete/", comment_delete, name="comment_delete"),
    path("comments/<int:comment_id>/react/", comment_react, name="comment_react"),
    path("comments/<int:comment_id>/reactions/", comment_reactors, name="comment_reactors"),
    path("tags/<str:tag>/", tag, name="tag"),
    path("tags/<str:tag>/follow/", tag_follow, name="tag_follow"),
    path("bookmarks/", bookmarks, name="bookmarks"),
    path("stream/", company, name="company"),
    path("stream/communities/<slug:slug>/", community_stream, name="community_stream"),
    path("stream/people/<str:username>/", profile_stream, name="profile_stream"),
    path("feed/", feed_more, name="feed_more"),
    path("feed/new/", feed_new_count, name="feed_new_count"),
]
