"""Writing a post: the composer's page, the post page, editing, deleting, pinning, sharing,
mention suggestions; and the stream's URLs (hanse/posts/urls.py mounts them)."""

from __future__ import annotations

from django.contrib import messages
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hanse.communities import selectors as community_selectors
from hanse.communities.models import Community
from hanse.core import http, idempotency, ratelimit
from hanse.core.errors import ServiceError
from hanse.posts.forms import COMPANY, BodyForm, CommentForm, PostForm, ShareForm
from hanse.posts.rules import may_edit_post
from hanse.posts.selectors import feed as feed_selectors
from hanse.posts.selectors import posts as post_selectors
from hanse.posts.services import posts as post_services
from hanse.posts.views.comments import comment_create, comment_delete, comment_edit
from hanse.posts.views.common import BODY_ERRORS, post_or_404
from hanse.posts.views.reactions import bookmark, comment_react, comment_reactors, react, reactors
from hanse.posts.views.streams import (
    bookmarks,
    community_stream,
    company,
    composer_context,
    feed_more,
    feed_new_count,
    profile_stream,
    tag,
    tag_follow,
)

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
    ratelimit.require("post", viewer.pk)  # before anything is written (RATE_LIMITS)
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
            context["item"] = feed_selectors.decorate(
                [post_or_404(request, post.pk)], viewer=viewer
            )[0]
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
    post = post_or_404(request, post_id)
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
    post = post_or_404(request, post_id)
    if request.method == "POST":
        try:
            post_services.post_delete(post=post, by=viewer)
        except ServiceError as exc:
            http.raise_if_hidden(exc)
            messages.error(request, str(exc.message))
            return redirect("posts:detail", post_id=post_id)
        messages.success(request, _("The post has been deleted."))
        fallback = reverse("home:index")
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
        {"item": item, "post": post, "next": http.safe_next(request, reverse("home:index"))},
    )


@require_POST
def pin(request: HttpRequest, post_id: int) -> HttpResponse:
    return _pin(request, post_id, pinned=True)


@require_POST
def unpin(request: HttpRequest, post_id: int) -> HttpResponse:
    return _pin(request, post_id, pinned=False)


def _pin(request: HttpRequest, post_id: int, *, pinned: bool) -> HttpResponse:
    viewer = http.viewer(request)
    post = post_or_404(request, post_id)
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
    if request.method == "POST":
        ratelimit.require("post", viewer.pk)  # a share is a post (RATE_LIMITS)
    post = post_or_404(request, post_id)
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


# --- urls

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
