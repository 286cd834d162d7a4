"""Posts, comments, reactions, tags, mentions, bookmarks, revisions and link previews."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hanse.communities.models import Community, Membership
from hanse.core import moderation
from hanse.core.rules import is_platform_admin
from hanse.people.guests import is_guest

if TYPE_CHECKING:
    from hanse.people.models import User

MAX_BODY_CHARS = 20000


def _readable_communities(user: User) -> Q:
    """Rows whose community (if any) the person may read: no community, an open one, or
    one they are a member of. Built on communities' own rule of who reads what."""

    mine = Membership.objects.filter(user=user).values("community_id")
    if is_guest(user):
        # Guests read their communities only: nothing company-wide, no profile streams.
        return Q(community_id__in=mine)
    return (
        Q(community__isnull=True)
        | Q(community__kind=Community.Kind.OPEN)
        | Q(community_id__in=mine)
    )


class PostQuerySet(models.QuerySet["Post"]):
    def visible_to(self, user: User | None) -> PostQuerySet:
        """The one home of "may this person read this post" (feeds, tags, profile, API,
        files, previews, search and notifications all start here)."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if is_platform_admin(user):
            return moderation.exclude_hidden(self.all(), "post", user)
        return moderation.exclude_hidden(self.filter(_readable_communities(user)), "post", user)


class Post(models.Model):
    class Scope(models.TextChoices):
        COMPANY = "company", _("Company-wide")
        COMMUNITY = "community", _("Community")
        PROFILE = "profile", _("Profile")

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="posts",
        verbose_name=_("author"),
    )
    scope = models.CharField(_("where"), max_length=10, choices=Scope.choices)
    community = models.ForeignKey(
        "communities.Community",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="posts",
        verbose_name=_("community"),
    )
    body = models.TextField(_("text"), max_length=MAX_BODY_CHARS)
    # Rendered once on write through hanse.core.text; pages never render Markdown per view.
    body_html = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(_("posted"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    pinned_at = models.DateTimeField(null=True, blank=True, verbose_name=_("pinned at"))
    pinned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("pinned by"),
    )
    shared_post = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="shares",
        verbose_name=_("shared post"),
    )
    link_preview = models.ForeignKey(
        "posts.LinkPreview", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Counters kept by the services with F() so the feed never counts rows per post.
    comment_count = models.PositiveIntegerField(default=0, verbose_name=_("comment count"))
    reaction_count = models.PositiveIntegerField(default=0, verbose_name=_("reaction count"))
    tags = models.ManyToManyField("posts.Tag", related_name="posts", blank=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        # Feeds page by id (keyset); each source of the home feed has its own index.
        indexes = [
            models.Index(fields=["community", "-id"], name="post_community_id_idx"),
            models.Index(fields=["author", "-id"], name="post_author_id_idx"),
            models.Index(fields=["scope", "-id"], name="post_scope_id_idx"),
            models.Index(
                fields=["community", "-pinned_at"],
                condition=Q(pinned_at__isnull=False),
                name="post_pinned_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(scope="community") & Q(community__isnull=False))
                | (~Q(scope="community") & Q(community__isnull=True)),
                name="post_scope_matches_community",
            )
        ]

    def __str__(self) -> str:
        return f"{self.author_id}: {self.body[:40]}"


class PostRevision(models.Model):
    """An earlier version of a post, kept when it is edited; moderators can read them."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField(verbose_name=_("text"))
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("edited by"),
    )
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("post revision")
        verbose_name_plural = _("post revisions")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"revision of {self.post_id} at {self.created_at:%Y-%m-%d %H:%M}"


class CommentQuerySet(models.QuerySet["Comment"]):
    def visible_to(self, user: User | None) -> CommentQuerySet:
        """A comment is readable exactly when its post is (and moderation did not hide it)."""
        readable = self.filter(post__in=Post.objects.visible_to(user).values("id"))
        return moderation.exclude_hidden(readable, "comment", user)


class Comment(models.Model):
    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, related_name="comments", verbose_name=_("post")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="comments",
        verbose_name=_("author"),
    )
    # One level of replies: a reply's parent is always a top-level comment.
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
        verbose_name=_("parent comment"),
    )
    body = models.TextField(_("text"), max_length=MAX_BODY_CHARS)
    body_html = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))
    edited_at = models.DateTimeField(null=True, blank=True, verbose_name=_("edited at"))
    reaction_count = models.PositiveIntegerField(default=0)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [models.Index(fields=["post", "id"], name="comment_post_id_idx")]

    def __str__(self) -> str:
        return f"{self.author_id} on {self.post_id}: {self.body[:40]}"


class ReactionKind(models.TextChoices):
    LIKE = "like", _("Like")
    CELEBRATE = "celebrate", _("Celebrate")
    INSIGHTFUL = "insightful", _("Insightful")
    SUPPORT = "support", _("Support")
    CURIOUS = "curious", _("Curious")


class Reaction(models.Model):
    """One reaction of one kind by one person on a post or a comment."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reactions"
    )
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.CASCADE, related_name="reactions"
    )
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="reactions"
    )
    kind = models.CharField(max_length=12, choices=ReactionKind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("reaction")
        verbose_name_plural = _("reactions")
        constraints = [
            # The database, not the service, guarantees "one of each kind per person":
            # two clicks at the same moment leave one row.
            models.UniqueConstraint(
                fields=["post", "user", "kind"],
                condition=Q(post__isnull=False),
                name="reaction_post_unique",
            ),
            models.UniqueConstraint(
                fields=["comment", "user", "kind"],
                condition=Q(comment__isnull=False),
                name="reaction_comment_unique",
            ),
            models.CheckConstraint(
                condition=(Q(post__isnull=False) & Q(comment__isnull=True))
                | (Q(post__isnull=True) & Q(comment__isnull=False)),
                name="reaction_one_target",
            ),
        ]
        indexes = [models.Index(fields=["user", "post"], name="reaction_user_post_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.post_id or self.comment_id}"


class Tag(models.Model):
    """A hashtag, stored normalised (lower case, NFC) as hanse.core.text.normalise_tag does."""

    name = models.CharField(max_length=50, unique=True, verbose_name=_("name"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("hashtag")
        verbose_name_plural = _("hashtags")

    def __str__(self) -> str:
        return f"#{self.name}"


class TagFollow(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tag_follows"
    )
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="followers")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("followed hashtag")
        verbose_name_plural = _("followed hashtags")
        constraints = [models.UniqueConstraint(fields=["user", "tag"], name="tagfollow_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.tag_id}"


class Mention(models.Model):
    """Who or which community a post or comment mentions (for notifications and search)."""

    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.CASCADE, related_name="mentions"
    )
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="mentions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="mentioned_in",
    )
    community = models.ForeignKey(
        "communities.Community",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="mentioned_in",
    )

    class Meta:
        verbose_name = _("mention")
        verbose_name_plural = _("mentions")
        indexes = [models.Index(fields=["user"], name="mention_user_idx")]

    def __str__(self) -> str:
        return f"mention {self.user_id or self.community_id} in {self.post_id or self.comment_id}"


class Bookmark(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bookmarks"
    )
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="bookmarks")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("bookmark")
        verbose_name_plural = _("bookmarks")
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["user", "post"], name="bookmark_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} saved {self.post_id}"


class LinkPreview(models.Model):
    """The Open Graph card of a URL, fetched once in the background and shared by posts."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        OK = "ok", _("Fetched")
        FAILED = "failed", _("Failed")

    url = models.URLField(max_length=2048)
    url_hash = models.CharField(max_length=64, unique=True)
    final_url = models.URLField(max_length=2048, blank=True)
    title = models.CharField(max_length=200, blank=True)
    description = models.CharField(max_length=500, blank=True)
    image_url = models.URLField(max_length=2048, blank=True)
    site_name = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    fetched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("link preview")
        verbose_name_plural = _("link previews")

    def __str__(self) -> str:
        return self.url
