"""Chat writes: messages (with mentions, files, the send limit and idempotent client ids),
edits, deletions and reactions."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hanse.chat import events
from hanse.chat import interactions as chat_interactions
from hanse.chat import rules as chat_rules
from hanse.chat.models import (
    MAX_MESSAGE_CHARS,
    Channel,
    ChannelMember,
    Message,
    MessageAttachment,
    MessageReaction,
)
from hanse.chat.services.access import require_readable, require_reader, require_writer
from hanse.chat.tasks import notify_message_created
from hanse.chat.uploads import CHAT_FILES
from hanse.core import ratelimit, uploads
from hanse.core.errors import PermissionRefused, ServiceError
from hanse.core.ratelimit import Counted
from hanse.core.text import ParsedText, parse_text
from hanse.jobs.outbox import enqueue_on_commit
from hanse.people.models import User
from hanse.posts.models import ReactionKind

if TYPE_CHECKING:
    from hanse.core.uploads import ValidatedFile


def _mentioned_members(channel: Channel, parsed: ParsedText) -> dict[str, Any]:
    """Members of the channel mentioned in the text: {username: user}."""
    names = parsed.mentions[:50]
    if not names:
        return {}
    match = Q()
    for name in names:
        match |= Q(username__iexact=name)
    people = User.objects.filter(match, chat_memberships__channel=channel, is_active=True)
    return {p.username: p for p in people}


def _render(channel: Channel, body: str) -> tuple[str, list[int]]:
    # One Markdown parse for the names and the HTML.
    parsed = parse_text(body, tags=False)
    mentioned = _mentioned_members(channel, parsed)
    html = parsed.render(mentions={name: p.display_name for name, p in mentioned.items()})
    return html, [p.pk for p in mentioned.values()]


def _clean_body(body: str, *, has_files: bool) -> str:
    body = (body or "").strip()
    if len(body) > MAX_MESSAGE_CHARS:
        raise ServiceError(
            _(
                "A message can have at most %(max)s characters; this one has %(count)s. "
                "Please shorten it or send it in parts."
            )
            % {"max": f"{MAX_MESSAGE_CHARS:,}", "count": f"{len(body):,}"},
            code="message_too_long",
        )
    if not body and not has_files:
        raise ServiceError(_("Please write a message."), code="empty")
    return body


def _store_files(message: Message, validated: Sequence[ValidatedFile]) -> list[MessageAttachment]:
    return uploads.store(
        validated,
        CHAT_FILES,
        lambda item: MessageAttachment(message=message, **uploads.row_fields(item)),
    )


def _as_stored(message: Message, attachments: Sequence[MessageAttachment]) -> Message:
    """A copy of a message just saved, with what selectors.message_queryset() prefetches
    (its attachments, no reactions yet) filled in from memory: the live event is rendered
    from it after the commit without reading the message back. The caller's object is left
    without these caches, so later changes to it are never hidden by them."""
    shown: Any = copy.copy(message)
    shown._prefetched_objects_cache = {}
    if any(row.pk is None for row in attachments):
        return shown  # a database that does not return ids from bulk inserts: read them
    for name, rows in (("attachments", list(attachments)), ("reactions", [])):
        # As Django's prefetch_related fills a related manager's cache.
        queryset = getattr(shown, name).get_queryset()
        queryset._result_cache, queryset._prefetch_done = rows, True
        shown._prefetched_objects_cache[name] = queryset
    return shown


def _require_send_rate(author: User) -> Counted:
    """One policy for every way a message comes in (page, API, WebSocket): at most
    ``RATE_LIMITS["chat"]`` messages per person per window, counted across processes
    (hanse/core/ratelimit.py); refused with 429 and Retry-After."""
    return ratelimit.require(
        "chat", author.pk, message=_("You are sending messages too fast. Please wait a moment.")
    )


def _existing_for(author: User, client_id: uuid.UUID, channel: Channel) -> Message | None:
    existing = Message.objects.filter(author=author, client_id=client_id).first()
    if existing is not None and existing.channel_id != channel.pk:
        raise ServiceError(
            _("This message id was already used in another conversation."),
            code="client_id_reused",
        )
    return existing


def message_post(
    *,
    channel: Channel,
    author: User,
    body: str,
    client_id: uuid.UUID | None = None,
    parent: Message | None = None,
    files: Sequence[UploadedFile] = (),
    with_addons: bool = False,
) -> tuple[Message, bool]:
    """Store a message (or a reply in a thread) and announce it after commit. Sending the
    same ``client_id`` again returns the stored message and False: a resend is harmless.

    A resend is rare (a lost acknowledgement), so it is not looked for before every message:
    the unique (author, client_id) constraint finds it when the insert fails, and a refusal
    on the way (the send limit, ...) looks for it before it is given. Either way a resend
    answers as before, stores nothing and does not count against the limit."""
    # Whether the person may read the channel comes first: an unknown channel and one they
    # may not see must answer alike, whatever the body or the client_id.
    reader = require_reader(channel, author)
    counted: Counted | None = None
    try:
        counted = _require_send_rate(author)
        body = _clean_body(body, has_files=bool(files))
        validated: list[ValidatedFile] = []
        if files:
            # Decoding and re-encoding images is slow: done before the transaction;
            # thumbnails are made by the task queue after the commit (_store_files).
            validated = uploads.validate(files, CHAT_FILES, thumbnails=False)
        member = require_writer(channel, author, reader)
        parent = _thread_root(channel, parent)
    except ServiceError:
        existing = _existing_for(author, client_id, channel) if client_id else None
        if existing is None:
            raise
        if counted is not None:
            counted.give_back()
        return existing, False
    html, mentioned_ids = _render(channel, body)
    now = timezone.now()
    try:
        # A failure after the files were stored (a resend racing this one) removes them.
        with uploads.removed_on_error(), transaction.atomic():
            message = Message(
                channel=channel,
                author=author,
                parent=parent,
                body=body,
                body_html=html,
                created_at=now,
            )
            if client_id is not None:
                message.client_id = client_id
            message.save()
            stored = _store_files(message, validated)
            if parent is None:
                Channel.objects.filter(pk=channel.pk).update(
                    last_message_id=message.pk, last_message_at=now
                )
                channel.last_message_id, channel.last_message_at = message.pk, now
                # Your own message is read: the cursor moves past it.
                ChannelMember.objects.filter(pk=member.pk, last_read_id__lt=message.pk).update(
                    last_read_id=message.pk
                )
            else:
                Message.objects.filter(pk=parent.pk).update(
                    reply_count=F("reply_count") + 1, last_reply_at=now
                )
            shown = _as_stored(message, stored)
            # A new message has no add-ons (hanse/chat/extensions.py), unless its caller adds
            # one in the same transaction (a poll): the live push then asks none of them.
            shown._no_addons = not with_addons  # type: ignore[attr-defined]
            # The task notifies the people of a direct or group message and mentioned
            # members; in any other message it has nobody to tell, so it is not queued.
            if channel.kind in (Channel.Kind.DIRECT, Channel.Kind.GROUP) or mentioned_ids:
                enqueue_on_commit(notify_message_created, message.pk, list(mentioned_ids))
            transaction.on_commit(lambda: events.message_created(shown, mentioned_ids))
            chat_interactions.message_posted(
                channel_id=channel.pk,
                direct=channel.kind == Channel.Kind.DIRECT,
                author_id=author.pk,
                parent_author_id=parent.author_id if parent is not None else None,
                mentioned_ids=list(mentioned_ids),
            )
    except IntegrityError:
        if client_id is None:
            raise
        # A resend, or the same message arriving twice at once (two tabs, a resend racing
        # the first): nothing was stored, and the attempt does not count against the limit.
        counted.give_back()
        existing = _existing_for(author, client_id, channel)
        if existing is None:
            raise
        return existing, False
    return message, True


def _thread_root(channel: Channel, parent: Message | None) -> Message | None:
    """The message a reply goes under: threads have one level."""
    if parent is None:
        return None
    if parent.channel_id != channel.pk:
        raise ServiceError(
            _("A reply must be in the same conversation as its message."), code="bad_parent"
        )
    # A reply to a reply joins the thread of the first message.
    if parent.parent_id is not None:
        parent = Message.objects.get(pk=parent.parent_id)
    if parent.deleted_at is not None:
        raise ServiceError(_("This message was deleted; it cannot be replied to."))
    return parent


def _require_author(message: Message, user: User) -> None:
    if not chat_rules.may_edit_message(user, message):
        raise PermissionRefused(_("Only the author can edit a message."))


def message_edit(*, message: Message, by: User, body: str) -> Message:
    """The author changes the text of a message."""
    channel = message.channel
    require_readable(channel, by)
    if message.deleted_at is not None:
        raise ServiceError(_("This message was deleted; it cannot be edited."), code="deleted")
    _require_author(message, by)
    body = _clean_body(body, has_files=message.attachments.exists())
    html, _mentioned = _render(channel, body)
    with transaction.atomic():
        message.body, message.body_html, message.edited_at = body, html, timezone.now()
        message.save(update_fields=["body", "body_html", "edited_at"])
        mid = message.pk
        transaction.on_commit(lambda: events.message_changed(mid, "edited"))
    return message


def message_delete(*, message: Message, by: User) -> Message:
    """The author or a channel admin deletes a message; "This message was deleted" stays in
    its place (and its thread, if any, stays readable)."""
    channel = message.channel
    require_readable(channel, by)
    if message.deleted_at is not None:
        return message
    if not chat_rules.may_delete_message(by, message):
        raise PermissionRefused(_("Only the author or a channel admin can delete a message."))
    attachments = list(message.attachments.all())
    with transaction.atomic():
        message.body, message.body_html, message.deleted_at = "", "", timezone.now()
        message.save(update_fields=["body", "body_html", "deleted_at"])
        MessageAttachment.objects.filter(message=message).delete()
        MessageReaction.objects.filter(message=message).delete()
        mid = message.pk
        uploads.delete_files_on_commit(attachments)
        transaction.on_commit(lambda: events.message_changed(mid, "deleted"))
    return message


def reaction_toggle(*, message: Message, user: User, kind: str) -> tuple[bool, int]:
    """Add the person's reaction of this kind, or take it back; returns (reacted, count of
    this kind on the message)."""
    reader = require_reader(message.channel, user)
    if kind not in ReactionKind.values:
        raise ServiceError(_("Choose one of the offered reactions."), code="invalid_reaction")
    require_writer(message.channel, user, reader)
    if message.deleted_at is not None:
        raise ServiceError(_("This message was deleted."), code="deleted")
    with transaction.atomic():
        deleted, _rows = MessageReaction.objects.filter(
            message=message, user=user, kind=kind
        ).delete()
        reacted = not deleted
        if reacted:
            MessageReaction.objects.get_or_create(message=message, user=user, kind=kind)
        count = MessageReaction.objects.filter(message=message, kind=kind).count()
        mid = message.pk
        transaction.on_commit(lambda: events.message_changed(mid, "reactions"))
    return reacted, count


def messages_purge(*, ids: Sequence[int]) -> int:
    """Delete messages for good (retention, removed content): their replies, reactions and
    files go with them, the search index follows the deletes, threads keep a true count.
    Returns how many message rows were deleted. No permission check: the system decides."""
    with transaction.atomic():
        doomed = Message.objects.filter(pk__in=ids)
        parents = set(
            doomed.filter(parent__isnull=False).values_list("parent_id", flat=True)
        ) - set(ids)
        files = list(
            MessageAttachment.objects.filter(Q(message__in=ids) | Q(message__parent__in=ids))
        )
        deleted = Message.objects.filter(Q(pk__in=ids) | Q(parent__in=ids)).count()
        # Through the collector, so that post_delete reaches the search index.
        doomed.delete()
        for parent in Message.objects.filter(pk__in=parents):
            replies = Message.objects.filter(parent=parent)
            parent.reply_count = replies.count()
            last = replies.order_by("-created_at").values_list("created_at", flat=True).first()
            parent.last_reply_at = last
            parent.save(update_fields=["reply_count", "last_reply_at"])
        uploads.delete_files_on_commit(files)
    return deleted
