"""Deletes in Django admin go through the services: the same rule, the same side effects."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from hanse.people.models import User
from hanse.posts.models import Announcement, Comment, ComplianceListAccess, Post
from hanse.posts.services.announcements import announcement_create
from hanse.posts.services.comments import comment_create


def png() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (120, 80), (10, 90, 200)).save(out, format="PNG")
    return SimpleUploadedFile("Plan.png", out.getvalue(), content_type="image/png")


def stored_files() -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def test_admin_comment_delete_counts_off_and_removes_files(
    admin_user: User,
    make_user: Callable[..., User],
    make_post: Callable[..., Post],
    client_for: Callable[..., Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Deleting a comment in admin lowers its post's count and removes its files, as
    comment_delete does (admin's own delete left both behind)."""
    anna = make_user("anna")
    post = make_post(anna)
    with django_capture_on_commit_callbacks(execute=True):
        comment = comment_create(post=post, author=anna, body="Foto", files=[png()])
        comment_create(post=post, author=anna, body="Antwort", parent=comment)
    assert Post.objects.get(pk=post.pk).comment_count == 2
    assert stored_files()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(admin_user).post(
            reverse("admin:posts_comment_delete", args=[comment.pk]), {"post": "yes"}
        )
    assert response.status_code == 302
    assert not Comment.objects.exists()
    assert Post.objects.get(pk=post.pk).comment_count == 0
    assert stored_files() == set()


def test_admin_bulk_delete_of_comments_and_their_replies(
    admin_user: User,
    make_user: Callable[..., User],
    make_post: Callable[..., Post],
    client_for: Callable[..., Any],
) -> None:
    """The bulk action deletes a comment and a reply to it once each, and the count agrees."""
    anna = make_user("anna")
    post = make_post(anna)
    first = comment_create(post=post, author=anna, body="Erster")
    reply = comment_create(post=post, author=anna, body="Antwort", parent=first)
    comment_create(post=post, author=anna, body="Bleibt")
    client_for(admin_user).post(
        reverse("admin:posts_comment_changelist"),
        {"action": "delete_selected", "_selected_action": [first.pk, reply.pk], "post": "yes"},
    )
    assert list(Comment.objects.values_list("body", flat=True)) == ["Bleibt"]
    assert Post.objects.get(pk=post.pk).comment_count == 1


def test_staff_without_the_right_cannot_delete_others_posts_in_admin(
    make_user: Callable[..., User],
    make_post: Callable[..., Post],
    client_for: Callable[..., Any],
) -> None:
    """A staff member with admin's delete permission but not the service's right is refused,
    single and in bulk, and nothing is deleted or logged."""
    from django.contrib.admin.models import LogEntry

    staff = make_user("staff", is_staff=True)
    staff.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_post", "delete_post"])
    )
    post = make_post(make_user("anna"))
    client = client_for(staff)
    single = client.post(reverse("admin:posts_post_delete", args=[post.pk]), {"post": "yes"})
    assert single.status_code == 302
    assert "You may not delete this post." in [
        str(m) for m in client.get(single.url).context["messages"]
    ]
    bulk = client.post(
        reverse("admin:posts_post_changelist"),
        {"action": "delete_selected", "_selected_action": [post.pk], "post": "yes"},
    )
    assert bulk.status_code == 302
    assert Post.objects.filter(pk=post.pk).exists()
    assert not LogEntry.objects.exists()


def test_admin_post_delete_removes_files(
    admin_user: User,
    make_user: Callable[..., User],
    make_post: Callable[..., Post],
    client_for: Callable[..., Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    """An administrator's bulk delete of posts takes their stored files along."""
    anna = make_user("anna")
    with django_capture_on_commit_callbacks(execute=True):
        posts = [make_post(anna, files=[png()]), make_post(anna, body="Ohne")]
    assert stored_files()
    with django_capture_on_commit_callbacks(execute=True):
        client_for(admin_user).post(
            reverse("admin:posts_post_changelist"),
            {
                "action": "delete_selected",
                "_selected_action": [p.pk for p in posts],
                "post": "yes",
            },
        )
    assert not Post.objects.exists()
    assert stored_files() == set()


def test_admin_deletes_announcements_through_the_service_and_keeps_evidence(
    admin_user: User, client_for: Callable[..., Any]
) -> None:
    """An announcement is deleted in admin like on the site; one whose named list was viewed
    is kept with its access log."""
    client = client_for(admin_user)
    plain = announcement_create(author=admin_user, title="Kantine", body="Neu.", is_draft=False)
    response = client.post(
        reverse("admin:posts_announcement_delete", args=[plain.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Announcement.objects.filter(pk=plain.pk).exists()
    viewed = announcement_create(
        author=admin_user, title="Neue Richtlinie", body="Bitte lesen.", is_draft=False
    )
    ComplianceListAccess.objects.create(announcement=viewed, viewer=admin_user, via="web")
    client.post(reverse("admin:posts_announcement_delete", args=[viewed.pk]), {"post": "yes"})
    client.post(
        reverse("admin:posts_announcement_changelist"),
        {"action": "delete_selected", "_selected_action": [viewed.pk], "post": "yes"},
    )
    assert Announcement.objects.filter(pk=viewed.pk).exists()
    assert ComplianceListAccess.objects.count() == 1
