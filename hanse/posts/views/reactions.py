"""Reactions to posts and comments, who reacted, and bookmarks."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hanse.core import http
from hanse.core.errors import ServiceError
from hanse.people.models import User
from hanse.posts.models import Comment, Post, ReactionKind
from hanse.posts.selectors import feed as feed_selectors
from hanse.posts.selectors import posts as post_selectors
from hanse.posts.selectors.posts import CommentItem
from hanse.posts.services import bookmarks as bookmark_services
from hanse.posts.services import reactions as reaction_services
from hanse.posts.views.common import comment_or_404, post_or_404, with_query

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
    post = post_or_404(request, post_id)
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
    comment = comment_or_404(request, comment_id)
    kind = _kind(request)
    if kind is None:
        return HttpResponseBadRequest(_("This reaction does not exist."))
    try:
        _set_reaction(request, user=viewer, kind=kind, comment=comment)
    except ServiceError as exc:
        http.raise_if_hidden(exc)
        messages.error(request, str(exc.message))
    if request.htmx:
        entry = comment_item(viewer, comment)
        return render(request, "posts/_comment_reactions.html", {"entry": entry})
    fallback = reverse("posts:detail", args=[comment.post_id]) + f"#comment-{comment.pk}"
    return HttpResponseRedirect(http.safe_next(request, fallback))


def comment_item(viewer: User, comment: Comment) -> CommentItem:
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
        (value, label, with_query(base, kind=value)) for value, label in ReactionKind.choices
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
    return _reactors_page(request, post=post_or_404(request, post_id))


@require_GET
def comment_reactors(request: http.Request, comment_id: int) -> HttpResponse:
    """Who reacted to a comment, by kind."""
    comment = comment_or_404(request, comment_id)
    return _reactors_page(request, post=comment.post, comment=comment)


@require_POST
def bookmark(request: http.Request, post_id: int) -> HttpResponse:
    """Save a post for later (save=1) or forget it (save=0)."""
    viewer = http.viewer(request)
    post = post_or_404(request, post_id)
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
