"""Notifications and the settings that decide who gets which, where and when.

A ``Notification`` is one line in a person's bell. Types are keys into the registry
(hanse/notifications/registry.py), not choices, so that events, chat and participation add
theirs without a migration. Delivery by e-mail and web push works from the bookkeeping fields
(``email_state``/``emailed_at``, ``push_state``/``pushed_at``) set here when a notification is
created; the senders only pick rows up and record what they did.
"""

from __future__ import annotations

from datetime import time

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.timezone import now as _now
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    IN_APP = "in_app", _("In the app")
    EMAIL = "email", _("E-mail")
    PUSH = "push", _("Push notification")


class DeliveryState(models.TextChoices):
    NONE = "none", _("Not to be sent")
    PENDING = "pending", _("To be sent right away")
    DIGEST = "digest", _("For the next digest")
    SENT = "sent", _("Sent")
    SKIPPED = "skipped", _("Skipped")
    # Push only: every attempt failed; listed in the admin to be sent again on purpose.
    FAILED = "failed", _("Failed for good")


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    type = models.CharField(_("type"), max_length=60)
    # The latest person who caused it; grouped notifications keep everyone in ``actors``.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("actor"),
    )
    actors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="NotificationActor",
        related_name="+",
        blank=True,
    )
    # What it is about. Explicit keys for the stream and communities (they cascade, so a
    # deleted post takes its notifications with it); a generic reference for later features.
    post = models.ForeignKey(
        "posts.Post",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("post"),
    )
    comment = models.ForeignKey(
        "posts.Comment",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("comment"),
    )
    community = models.ForeignKey(
        "communities.Community",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("community"),
    )
    target_ct = models.ForeignKey(
        ContentType,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("target type"),
    )
    target_id = models.PositiveBigIntegerField(null=True, blank=True, verbose_name=_("target id"))
    target = GenericForeignKey("target_ct", "target_id")
    # Small facts the text needs that the target may no longer tell (e.g. the new role).
    data = models.JSONField(default=dict, blank=True)
    # Unread notifications with the same key for the same person collapse into one row.
    group_key = models.CharField(max_length=200, blank=True, default="")
    count = models.PositiveIntegerField(default=1, verbose_name=_("count"))
    # False when the person turned the bell off for this type but gets it by e-mail or push.
    in_app = models.BooleanField(default=True, verbose_name=_("in the app"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))
    updated_at = models.DateTimeField(default=timezone.now, verbose_name=_("updated at"))
    read_at = models.DateTimeField(null=True, blank=True, verbose_name=_("read at"))
    # Delivery bookkeeping for the e-mail and push senders.
    email_state = models.CharField(
        max_length=10,
        choices=DeliveryState.choices,
        default=DeliveryState.NONE,
        verbose_name=_("e-mail state"),
    )
    emailed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("e-mailed at"))
    push_state = models.CharField(
        max_length=10,
        choices=DeliveryState.choices,
        default=DeliveryState.NONE,
        verbose_name=_("push state"),
    )
    pushed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("pushed at"))

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            # The bell: "how many unread" reads only this small partial index.
            models.Index(
                fields=["recipient"],
                condition=Q(read_at__isnull=True, in_app=True),
                name="notif_unread_idx",
            ),
            # The list, newest activity first, keyset on updated_at.
            models.Index(fields=["recipient", "-updated_at"], name="notif_recipient_updated_idx"),
            # The senders: what is waiting for e-mail right away / for a digest.
            models.Index(
                fields=["email_state", "created_at"],
                condition=Q(email_state__in=["pending", "digest"]),
                name="notif_email_queue_idx",
            ),
            models.Index(
                fields=["created_at"],
                condition=Q(push_state="pending"),
                name="notif_push_queue_idx",
            ),
        ]
        constraints = [
            # One unread row per group and person: concurrent collapses cannot split it, and
            # the lookup of "is there one to collapse into" uses this index.
            models.UniqueConstraint(
                fields=["recipient", "group_key"],
                condition=Q(read_at__isnull=True) & ~Q(group_key=""),
                name="notif_one_unread_group",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.type} for {self.recipient_id} ({self.count})"

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class NotificationActor(models.Model):
    """One person in a grouped notification ("Anna and 4 others"), with when they acted."""

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="actor_links"
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("notification actor")
        verbose_name_plural = _("notification actors")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["notification", "actor"], name="notifactor_unique")
        ]

    def __str__(self) -> str:
        return f"{self.actor_id} in {self.notification_id}"


class NotificationPreference(models.Model):
    """A person's choice for one type and channel; a row exists only where it differs from
    the type's default (see the registry)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        verbose_name=_("person"),
    )
    type = models.CharField(_("type"), max_length=60)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    enabled = models.BooleanField(_("on"))

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "type", "channel"], name="notifpref_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.type}/{self.channel}: {self.enabled}"


class DeliverySettings(models.Model):
    """When e-mail and push may reach a person. Without a row the defaults below apply."""

    class EmailFrequency(models.TextChoices):
        IMMEDIATE = "immediate", _("Only what matters, right away")
        DAILY = "daily", _("What matters right away, the rest in a daily digest")
        WEEKLY = "weekly", _("What matters right away, the rest in a weekly digest")
        OFF = "off", _("No e-mail")

    DEFAULT_QUIET_START = time(20, 0)
    DEFAULT_QUIET_END = time(7, 0)

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="delivery_settings",
        verbose_name=_("person"),
    )
    email_frequency = models.CharField(
        _("e-mail"),
        max_length=10,
        choices=EmailFrequency.choices,
        default=EmailFrequency.DAILY,
    )
    # Local times; no e-mail sent right away and no push between them (digests wait too).
    # Both empty: no quiet hours.
    quiet_hours_start = models.TimeField(
        _("quiet from"), null=True, blank=True, default=DEFAULT_QUIET_START
    )
    quiet_hours_end = models.TimeField(
        _("quiet until"), null=True, blank=True, default=DEFAULT_QUIET_END
    )
    timezone = models.CharField(_("time zone"), max_length=64, default="Europe/Berlin")
    updated_at = models.DateTimeField(default=_now, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("delivery settings")
        verbose_name_plural = _("delivery settings")

    def __str__(self) -> str:
        return f"delivery settings of {self.user_id}"


class CommunityNotificationSetting(models.Model):
    """How much a person hears from one community; a row only where it is not "highlights"."""

    class Level(models.TextChoices):
        ALL_POSTS = "all_posts", _("All posts")
        HIGHLIGHTS = "highlights", _("Highlights")
        MUTE = "mute", _("Mute")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="community_notification_settings",
        verbose_name=_("person"),
    )
    community = models.ForeignKey(
        "communities.Community",
        on_delete=models.CASCADE,
        related_name="notification_settings",
        verbose_name=_("community"),
    )
    level = models.CharField(
        _("notify me about"), max_length=12, choices=Level.choices, default=Level.HIGHLIGHTS
    )
    updated_at = models.DateTimeField(default=timezone.now, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("community notification setting")
        verbose_name_plural = _("community notification settings")
        constraints = [
            models.UniqueConstraint(fields=["user", "community"], name="communitynotif_unique")
        ]
        # "Who follows this community with all posts" when a post is created.
        indexes = [models.Index(fields=["community", "level"], name="communitynotif_level_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.community_id}: {self.level}"


# --- delivery bookkeeping (e-mail, scheduler) ------------------------------------------------


class EmailDelivery(models.Model):
    """One e-mail that is to go out, claimed under a unique key BEFORE it is sent.

    The key is ``notification:<id>`` for an e-mail sent right away and
    ``digest:<user>:<daily|weekly>:<period>`` for a digest. Whoever inserts the row (or moves
    it from ``failed`` back to ``claimed`` with a conditional UPDATE) is the only one who may
    send it, so two workers, a retried task or a re-run after a crash never send it twice.
    """

    class State(models.TextChoices):
        CLAIMED = "claimed", _("Claimed, not yet handed to the mail server")
        SENDING = "sending", _("Being handed to the mail server")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed, to be retried")
        GAVE_UP = "gave_up", _("Failed for good")
        SKIPPED = "skipped", _("Not sent (read, no longer visible or nothing to send)")
        UNKNOWN = "unknown", _("Interrupted while sending; not sent again")

    class Kind(models.TextChoices):
        IMMEDIATE = "immediate", _("Right away")
        DAILY = "daily", _("Daily digest")
        WEEKLY = "weekly", _("Weekly digest")

    key = models.CharField(max_length=120, unique=True, verbose_name=_("key"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="email_deliveries",
        verbose_name=_("person"),
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, verbose_name=_("kind"))
    notification = models.ForeignKey(
        Notification,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("notification"),
    )
    state = models.CharField(
        max_length=10, choices=State.choices, default=State.CLAIMED, verbose_name=_("state")
    )
    attempts = models.PositiveSmallIntegerField(default=1, verbose_name=_("attempts"))
    # The notifications a digest covered (ids), for the record.
    notification_ids = models.JSONField(default=list, blank=True)
    message_id = models.CharField(
        max_length=255, blank=True, default="", verbose_name=_("message id")
    )
    last_error = models.TextField(blank=True, default="", verbose_name=_("last error"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))
    claimed_at = models.DateTimeField(default=timezone.now, verbose_name=_("claimed at"))
    sent_at = models.DateTimeField(null=True, blank=True, verbose_name=_("sent at"))

    class Meta:
        verbose_name = _("e-mail delivery")
        verbose_name_plural = _("e-mail deliveries")
        indexes = [
            # The recovery step looks only at rows a crash may have left behind.
            models.Index(
                fields=["state", "claimed_at"],
                condition=Q(state__in=["claimed", "sending"]),
                name="emaildelivery_inflight_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key}: {self.state}"


class PushSubscription(models.Model):
    """One browser (phone, PC) where a person turned web push on.

    The browser hands out the endpoint (a URL at its vendor's push service) and the keys that
    encrypt what we send; the push service cannot read it. An endpoint belongs to one browser
    profile, so it is unique: when someone else signs in on the same device and turns push
    on, the row moves to them.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    endpoint = models.CharField(max_length=1024, unique=True)
    # The browser's P-256 public key and auth secret, base64url as PushSubscription.toJSON().
    p256dh = models.CharField(max_length=128)
    auth = models.CharField(max_length=64)
    user_agent = models.CharField(max_length=255, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    last_pushed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("push subscription")
        verbose_name_plural = _("push subscriptions")
        # The sender's "which devices does this person have" reads this index.
        indexes = [models.Index(fields=["user", "created_at"], name="pushsub_user_idx")]

    def __str__(self) -> str:
        return f"push subscription {self.pk} of {self.user_id}"
