"""Comments: writing, editing and deleting them."""

from __future__ import annotations

from django.contrib import messages
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from hanse.core import http, idempotency, ratelimit
from hanse.core.errors import ServiceError
from hanse.posts.forms import BodyForm, CommentForm
from hanse.posts.rules import may_edit_comment
from hanse.posts.selectors import posts as post_selectors
from hanse.posts.services import comments as comment_services
from hanse.posts.views.common import BODY_ERRORS, comment_or_404, post_or_404
from hanse.posts.views.reactions import comment_item

# --- comments ------------------------------------------------------------------------------


@require_POST
def comment_create(request: HttpRequest, post_id: int) -> HttpResponse:
    """Comment on a post or reply to a comment; errors keep the text on the post's page."""
    viewer = http.viewer(request)
    post = post_or_404(request, post_id)
    ratelimit.require("comment", viewer.pk)  # before anything is written (RATE_LIMITS)
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
    comment = comment_or_404(request, comment_id)
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
    comment = comment_or_404(request, comment_id)
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
    entry = comment_item(viewer, comment)
    if not entry.can_delete:
        messages.error(request, _("You may not delete this comment."))
        return HttpResponseRedirect(post_url)
    return render(request, "posts/comment_delete.html", {"comment": comment, "back": post_url})
