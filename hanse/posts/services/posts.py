"""Writes for posts: create, edit (with revisions), delete, pin; shared text handling."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from hanse.communities.models import Community
from hanse.core import idempotency, uploads
from hanse.core.errors import PermissionRefused, ServiceError
from hanse.core.text import MAX_SOURCE_CHARS, TextTooLongError, parse_text
from hanse.people.models import User
from hanse.posts import events
from hanse.posts import interactions as post_interactions
from hanse.posts.models import Attachment, Comment, Mention, Post, PostRevision, Tag
from hanse.posts.rules import may_delete_post, may_edit_post, may_pin_post, may_post_in
from hanse.posts.services.attachments import (
    attachments_delete_files,
    attachments_store,
    attachments_validate,
)

if TYPE_CHECKING:
    from hanse.people.models import User

# More mentions than this in one text are not resolved (and not notified): a guard against
# a post that mentions the whole company.
MAX_MENTIONS = 50
MAX_TAGS = 30

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True, slots=True)
class RenderedText:
    html: str
    people: list[User]
    communities: list[Community]
    tags: list[str]


def require_active(user: Any) -> None:
    if user is None or not user.is_authenticated or not user.is_active:
        raise PermissionRefused(_("Sign in to do this."))


def check_body(body: str, *, allow_empty: bool = False) -> str:
    """The text, stripped; refused when empty (unless allowed) or too long."""
    if not isinstance(body, str):
        raise ServiceError(_("The text is not valid."), code="invalid")
    text = body.strip()
    if len(text) > MAX_SOURCE_CHARS:
        raise ServiceError(TextTooLongError().message, code="too_long")
    if not text and not allow_empty:
        raise ServiceError(_("Write something first."), code="empty")
    return text


def render_text(body: str, *, author: User, community: Community | None) -> RenderedText:
    """Render Markdown and resolve mentions and hashtags as the author sees them.

    People are linked when they exist and are active. A community is linked only when the
    author may see it, and a secret community only inside its own stream: its name must not
    travel into places its non-members read.
    """

    # One Markdown parse gives the names to resolve and, filled with them, the HTML.
    parsed = parse_text(body)
    names = parsed.mentions[:MAX_MENTIONS]
    people: list[User] = []
    communities: list[Community] = []
    if names:
        people = list(
            User.objects.annotate(lname=Lower("username")).filter(lname__in=names, is_active=True)
        )
        visible = Community.objects.visible_to(author).filter(slug__in=names)
        not_secret = ~Q(kind=Community.Kind.SECRET)
        if community is not None:
            not_secret |= Q(pk=community.pk)
        communities = list(visible.filter(not_secret))
    html = parsed.render(
        mentions={p.username: p.display_name for p in people},
        communities={c.slug: c.name for c in communities},
    )
    return RenderedText(
        html=html, people=people, communities=communities, tags=parsed.hashtags[:MAX_TAGS]
    )


def tags_for(names: Sequence[str]) -> list[Tag]:
    """Tag rows for these normalised names, created when new (race-safe).

    Most tags of a post exist already: one read finds them, and only a new tag costs its
    insert. Each new tag is saved on its own (not in bulk), so its ``post_save`` reaches the
    search index's hooks; ``get_or_create`` takes the row a twin request inserted at the same
    moment."""
    if not names:
        return []
    found = list(Tag.objects.filter(name__in=names))
    known = {tag.name for tag in found}
    found.extend(
        Tag.objects.get_or_create(name=name)[0]
        for name in dict.fromkeys(names)
        if name not in known
    )
    return found


def store_mentions(
    rendered: RenderedText, *, post: Post | None = None, comment: Comment | None = None
) -> None:
    rows = [Mention(post=post, comment=comment, user=p) for p in rendered.people]
    rows += [Mention(post=post, comment=comment, community=c) for c in rendered.communities]
    if rows:
        Mention.objects.bulk_create(rows)


def validate_files(files: Sequence[UploadedFile]) -> list[Any]:
    """FILES' validation, run before any transaction opens."""
    if not files:
        return []

    # Thumbnails are made by the task queue after the commit (attachments_store).
    return list(attachments_validate(files, thumbnails=False))


def store_files(
    validated: list[Any],
    *,
    uploader: User,
    post: Post | None = None,
    comment: Comment | None = None,
) -> None:
    if not validated:
        return

    attachments_store(validated, post=post, comment=comment, uploader=uploader)


def delete_files_on_commit(attachments: Iterable[Attachment]) -> None:
    """Remove stored files once the rows are gone for good."""
    doomed = list(attachments)
    if not doomed:
        return

    def remove() -> None:

        attachments_delete_files(doomed)

    transaction.on_commit(remove)


def _visible(user: User, post: Post) -> bool:
    return Post.objects.visible_to(user).filter(pk=post.pk).exists()


def post_create(
    *,
    author: User,
    body: str,
    community: Community | None = None,
    scope: str | None = None,
    files: Sequence[UploadedFile] = (),
    shared_post: Post | None = None,
    idempotency_key: str | None = None,
) -> Post:
    """Publish a post in a community, company-wide or on the author's profile; a retry with
    the same ``idempotency_key`` returns the first post."""
    require_active(author)
    if scope is None:
        scope = Post.Scope.COMMUNITY if community is not None else Post.Scope.COMPANY
    if scope not in Post.Scope.values:
        raise ServiceError(_("Choose where to post."), code="invalid_scope")
    if scope == Post.Scope.COMMUNITY and community is None:
        raise ServiceError(_("Choose a community to post in."), code="invalid_scope")
    if scope != Post.Scope.COMMUNITY and community is not None:
        raise ServiceError(
            _("A post in a community must have the scope “community”."), code="invalid_scope"
        )
    text = check_body(body, allow_empty=bool(files) or shared_post is not None)
    if community is not None and not may_post_in(author, community):
        if not Community.objects.visible_to(author).filter(pk=community.pk).exists():
            raise ServiceError(_("This community does not exist."), code="not_found", status=404)
        raise PermissionRefused(_("Only members can post in this community."))
    if shared_post is not None:
        if not _visible(author, shared_post):
            raise ServiceError(_("This post does not exist."), code="not_found", status=404)
        # Sharing a share shares what it shares.
        if shared_post.shared_post_id is not None and shared_post.shared_post is not None:
            shared_post = shared_post.shared_post
            if not _visible(author, shared_post):
                raise ServiceError(_("This post does not exist."), code="not_found", status=404)
        origin = shared_post.community
        if origin is not None and origin.kind != Community.Kind.OPEN:
            raise ServiceError(
                _("Posts from private or secret communities cannot be shared."),
                code="not_shareable",
            )
    rendered = render_text(text, author=author, community=community)
    validated = validate_files(files)
    # A failure after the files were stored removes them (hanse/core/uploads.py).
    with uploads.removed_on_error(), transaction.atomic():
        earlier = idempotency.claim(user=author, scope="posts.post", key=idempotency_key)
        if earlier is not None:
            return _earlier(Post, earlier, _("This post does not exist."))
        post = Post.objects.create(
            author=author,
            scope=scope,
            community=community,
            body=text,
            body_html=rendered.html,
            shared_post=shared_post,
        )
        tags = tags_for(rendered.tags)
        if tags:
            # A new post has no tag links yet: insert them (tags.set would read them first).
            Post.tags.through.objects.bulk_create(
                [Post.tags.through(post_id=post.pk, tag_id=tag.pk) for tag in tags]
            )
        store_mentions(rendered, post=post)
        store_files(validated, uploader=author, post=post)
        idempotency.record(user=author, scope="posts.post", key=idempotency_key, object_id=post.pk)
        events.post_created_on_commit(post, tags=[tag.name for tag in tags])
        post_interactions.mentioned(author_id=author.pk, people=rendered.people)
    return post


def _earlier(model: type[M], pk: int, missing: str | Promise) -> M:
    """What the first request with an idempotency key made (gone: 404 as for any other)."""
    found = model._default_manager.filter(pk=pk).first()
    if found is None:
        raise ServiceError(missing, code="not_found", status=404)
    return found


def post_update(*, post: Post, by: User, body: str) -> Post:
    """Change a post's text (author only); the previous text is kept as a revision."""
    require_active(by)
    if not may_edit_post(by, post):
        raise PermissionRefused(_("Only the author can edit this post."))
    allow_empty = post.shared_post_id is not None or post.attachments.exists()
    text = check_body(body, allow_empty=allow_empty)
    if text == post.body:
        return post
    rendered = render_text(text, author=by, community=post.community)
    with transaction.atomic():
        PostRevision.objects.create(post=post, body=post.body, edited_by=by)
        post.body = text
        post.body_html = rendered.html
        post.edited_at = timezone.now()
        post.save(update_fields=["body", "body_html", "edited_at"])
        post.tags.set(tags_for(rendered.tags))
        Mention.objects.filter(post=post).delete()
        store_mentions(rendered, post=post)
        events.post_updated_on_commit(post.pk)
    return post


def post_delete(*, post: Post, by: User) -> None:
    """Delete a post with its comments, reactions, files, bookmarks and tag links."""
    require_active(by)
    if not may_delete_post(by, post):
        raise PermissionRefused(_("You may not delete this post."))
    post_purge(post=post)


def post_purge(*, post: Post) -> None:
    """post_delete without the permission check: for the system (retention of removed
    content). Everything post_delete removes goes."""
    with transaction.atomic():
        files = list(
            Attachment.objects.filter(Q(post=post) | Q(comment__post=post)).only(
                "id", "file", "thumbnail"
            )
        )
        post_id = post.pk
        # Cascades remove comments (and replies), reactions, mentions, bookmarks, revisions,
        # attachment rows and the tag links; shares keep their own text and lose the link.
        post.delete()
        delete_files_on_commit(files)
        events.post_deleted_on_commit(post_id)


def post_pin(*, post: Post, by: User) -> Post:
    """Pin a community post to the top of its stream (moderators and owners)."""
    require_active(by)
    if post.community is None:
        raise ServiceError(_("Only posts in a community can be pinned."), code="not_pinnable")
    if not may_pin_post(by, post):
        raise PermissionRefused(_("Only moderators can pin posts in this community."))
    if post.pinned_at is None:
        post.pinned_at = timezone.now()
        post.pinned_by = by
        post.save(update_fields=["pinned_at", "pinned_by"])
    return post


def post_unpin(*, post: Post, by: User) -> Post:
    """Remove a post from the top of its community stream (moderators and owners)."""
    require_active(by)
    if not may_pin_post(by, post):
        raise PermissionRefused(_("Only moderators can unpin posts in this community."))
    if post.pinned_at is not None:
        post.pinned_at = None
        post.pinned_by = None
        post.save(update_fields=["pinned_at", "pinned_by"])
    return post
