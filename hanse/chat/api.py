"""/api/v1/chat: channels, members, message history, posting (for bots: a personal access
token), edits, reactions and read cursors. What the caller may not read is 404."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from hanse.api.pagination import (
    CursorPage,
    CursorQuery,
    OffsetPage,
    OffsetQuery,
    cursor_page,
    invalid_cursor,
    offset_page,
)
from hanse.api.schemas import ERRORS, Cursor, Id, PersonRef, limit_field
from hanse.chat import selectors, services
from hanse.chat.models import Channel, ChannelMember, Message
from hanse.chat.rendering import reaction_summaries
from hanse.core import http
from hanse.core.errors import ServiceError
from hanse.people.models import User

router = Router(tags=["chat"])

KindLiteral = Literal["public", "private", "community", "direct", "group"]
ReactionLiteral = Literal["like", "celebrate", "insightful", "support", "curious"]


class ChannelOut(Schema):
    id: int
    kind: KindLiteral
    name: str = Field(description="Empty for direct and group messages.")
    topic: str
    community: str | None = Field(description="The community's slug for a community channel.")
    archived: bool
    last_message_id: int | None
    member: bool = Field(description="Whether the caller is a member.")
    muted: bool
    unread: int = Field(description="Unread messages for the caller (threads excluded).")
    last_read_id: int


class ChannelIn(Schema):
    name: str = Field(description="At most 80 characters.")
    kind: Literal["public", "private"] = "public"
    topic: str = ""
    members: list[str] = Field(default_factory=list, description="Usernames to add.")


class DirectIn(Schema):
    people: list[str] = Field(
        description="Usernames: one for a direct message, up to 14 for a group."
    )


class ChannelMemberOut(Schema):
    person: PersonRef
    role: Literal["admin", "member"]
    joined_at: datetime


class PeopleIn(Schema):
    people: list[str] = Field(description="Usernames.")


class TopicIn(Schema):
    topic: str = Field(description="At most 250 characters.")


class MuteIn(Schema):
    muted: bool


class ChatAttachmentOut(Schema):
    id: int
    kind: Literal["image", "file"]
    name: str
    content_type: str
    size: int
    url: str


class MessageOut(Schema):
    id: int
    channel: int
    parent: int | None = Field(description="The thread's first message, for a reply.")
    author: PersonRef | None
    body: str = Field(description="Markdown; empty when deleted.")
    body_html: str
    client_id: str
    created_at: datetime
    edited_at: datetime | None
    deleted: bool
    reply_count: int
    reactions: dict[str, int]
    my_reactions: list[str]
    attachments: list[ChatAttachmentOut]


class HistoryOut(CursorPage[MessageOut]):
    """A window of a channel's messages, oldest first. Its `next_cursor` goes on in the
    direction the first page went: to older messages, or (after `after`) to newer ones."""


class HistoryQuery(CursorQuery):
    after: Cursor | None = Field(
        None,
        description="Start with the messages newer than this id (catching up after a gap); "
        "without it (and without `cursor`) the first page holds the newest messages.",
    )
    thread: Id | None = Field(None, description="Replies of this message instead (one page).")
    limit: int = limit_field(50, 200)

    def direction(self) -> tuple[str, int | None]:
        """("before", id) to page back in time, ("after", id) to page forward."""
        position = self.position()
        if position is None:
            return ("after", self.after) if self.after is not None else ("before", None)
        match position:
            case ["before" | "after" as way, int(message_id)] if message_id >= 0:
                return way, message_id
        raise invalid_cursor()


class MessageIn(Schema):
    body: str = Field(description="Markdown, at most 8,000 characters.")
    client_id: uuid.UUID | None = Field(
        None, description="Choose one per message: sending it again returns the stored message."
    )
    parent: Id | None = Field(None, description="Reply in the thread of this message.")


class MessagePatch(Schema):
    body: str


class ReactionIn(Schema):
    kind: ReactionLiteral


class MessageReactionState(Schema):
    kind: ReactionLiteral
    reacted: bool
    count: int


class ReadIn(Schema):
    last_read_id: Cursor


class ReadCursorOut(Schema):
    last_read_id: int


class ChannelPage(OffsetPage[ChannelOut]):
    """A page of conversations or channels."""


class ChannelMemberPage(OffsetPage[ChannelMemberOut]):
    """A page of a conversation's members."""


class MembersQuery(OffsetQuery):
    limit: int = limit_field(100, 500)


class BrowseQuery(OffsetQuery):
    scope: Literal["mine", "browse"] = Field(
        "mine", description="mine: my conversations; browse: public and community channels."
    )
    q: str = ""


def _person(user: User | None) -> PersonRef | None:
    if user is None:
        return None
    return PersonRef.of(user)


def _people(usernames: list[str]) -> list[User]:
    found = list(User.objects.filter(username__in=usernames, is_active=True))
    missing = set(usernames) - {u.username for u in found}
    if missing:
        raise ServiceError(
            _("No active person has the username “%(name)s”.") % {"name": sorted(missing)[0]},
            code="unknown_person",
            status=422,
        )
    return found


def _channel_out(channel: Channel, member: ChannelMember | None, unread: int = 0) -> ChannelOut:
    return ChannelOut(
        id=channel.pk,
        kind=channel.kind,  # type: ignore[arg-type]
        name=channel.name,
        topic=channel.topic,
        community=channel.community.slug if channel.community_id and channel.community else None,
        archived=channel.archived_at is not None,
        last_message_id=channel.last_message_id,
        member=member is not None,
        muted=bool(member and member.muted),
        unread=unread,
        last_read_id=member.last_read_id if member else 0,
    )


def _message_out(message: Message, viewer: User) -> MessageOut:
    from django.urls import reverse

    summaries = reaction_summaries(message, viewer)
    return MessageOut(
        id=message.pk,
        channel=message.channel_id,
        parent=message.parent_id,
        author=_person(message.author),
        body=message.body,
        body_html=message.body_html,
        client_id=str(message.client_id),
        created_at=message.created_at,
        edited_at=message.edited_at,
        deleted=message.deleted_at is not None,
        reply_count=message.reply_count,
        reactions={r.kind: r.count for r in summaries if r.count},
        my_reactions=[r.kind for r in summaries if r.mine],
        attachments=[
            ChatAttachmentOut(
                id=a.pk,
                kind=a.kind,  # type: ignore[arg-type]
                name=a.original_name,
                content_type=a.content_type,
                size=a.size,
                url=reverse("chat:file", args=[a.pk, a.original_name]),
            )
            for a in message.attachments.all()
        ],
    )


def _channel(request: HttpRequest, channel_id: Id) -> Channel:
    return selectors.get_channel_for(viewer=http.viewer(request), channel_id=channel_id)


def _msg(request: HttpRequest, channel: Channel, message_id: Id) -> Message:
    return selectors.get_message_for(
        viewer=http.viewer(request), channel=channel, message_id=message_id
    )


@router.get(
    "/channels",
    response={200: ChannelPage, **ERRORS},
    summary="My conversations, or channels to join",
)
def channels_list(request: HttpRequest, query: Query[BrowseQuery]) -> ChannelPage:
    viewer = http.viewer(request)
    if query.scope == "browse":
        page = offset_page(selectors.browse(viewer=viewer, q=query.q), query, lambda c: c)
        mine = {
            m.channel_id: m
            for m in ChannelMember.objects.filter(
                user=viewer, channel__in=[c.pk for c in page["items"]]
            )
        }
        page["items"] = [_channel_out(c, mine.get(c.pk)) for c in page["items"]]
        return ChannelPage(**page)
    bar = selectors.sidebar(user=viewer)
    return ChannelPage(
        **offset_page(bar.entries(), query, lambda e: _channel_out(e.channel, e.member, e.unread))
    )


@router.post(
    "/channels", response={201: ChannelOut, **ERRORS}, summary="Create a public or private channel"
)
def channels_create(request: HttpRequest, payload: ChannelIn) -> Status[ChannelOut]:
    viewer = http.viewer(request)
    channel = services.channel_create(
        by=viewer,
        name=payload.name,
        kind=payload.kind,
        topic=payload.topic,
        members=_people(payload.members),
    )
    return Status(201, _channel_out(channel, selectors.membership_of(channel=channel, user=viewer)))


@router.post(
    "/direct", response={200: ChannelOut, **ERRORS}, summary="Open a direct or group message"
)
def direct_open(request: HttpRequest, payload: DirectIn) -> ChannelOut:
    viewer = http.viewer(request)
    channel, _created = services.dm_open(by=viewer, people=_people(payload.people))
    return _channel_out(channel, selectors.membership_of(channel=channel, user=viewer))


@router.get("/channels/{channel_id}", response={200: ChannelOut, **ERRORS})
def channels_get(request: HttpRequest, channel_id: Id) -> ChannelOut:
    channel = _channel(request, channel_id)
    member = selectors.membership_of(channel=channel, user=http.viewer(request))
    unread = 0
    if member is not None:
        for entry in selectors.sidebar(user=http.viewer(request)).entries():
            if entry.channel.pk == channel.pk:
                unread = entry.unread
    return _channel_out(channel, member, unread)


@router.post("/channels/{channel_id}/join", response={200: ChannelOut, **ERRORS})
def channels_join(request: HttpRequest, channel_id: Id) -> ChannelOut:
    channel = _channel(request, channel_id)
    member = services.channel_join(channel=channel, user=http.viewer(request))
    return _channel_out(channel, member)


@router.post("/channels/{channel_id}/leave", response={204: None, **ERRORS})
def channels_leave(request: HttpRequest, channel_id: Id) -> Status[None]:
    services.channel_leave(channel=_channel(request, channel_id), user=http.viewer(request))
    return Status(204, None)


def _member_out(m: ChannelMember) -> ChannelMemberOut:
    return ChannelMemberOut(person=_person(m.user), role=m.role, joined_at=m.joined_at)  # type: ignore[arg-type]


@router.get("/channels/{channel_id}/members", response={200: ChannelMemberPage, **ERRORS})
def members_list(
    request: HttpRequest, channel_id: Id, query: Query[MembersQuery]
) -> ChannelMemberPage:
    channel = _channel(request, channel_id)
    return ChannelMemberPage(
        **offset_page(selectors.members_of(channel=channel), query, _member_out)
    )


@router.post(
    "/channels/{channel_id}/members",
    response={200: ChannelMemberPage, **ERRORS},
    summary="Add people (answers the first page of members)",
)
def members_invite(request: HttpRequest, channel_id: Id, payload: PeopleIn) -> ChannelMemberPage:
    channel = _channel(request, channel_id)
    services.member_invite(channel=channel, by=http.viewer(request), people=_people(payload.people))
    return members_list(request, channel_id, MembersQuery())


@router.delete("/channels/{channel_id}/members/{username}", response={204: None, **ERRORS})
def members_remove(request: HttpRequest, channel_id: Id, username: str) -> Status[None]:
    channel = _channel(request, channel_id)
    person = User.objects.filter(username=username).first()
    if person is None:
        raise Http404
    services.member_remove(channel=channel, by=http.viewer(request), user=person)
    return Status(204, None)


@router.put("/channels/{channel_id}/topic", response={200: ChannelOut, **ERRORS})
def channels_topic(request: HttpRequest, channel_id: Id, payload: TopicIn) -> ChannelOut:
    channel = _channel(request, channel_id)
    services.channel_set_topic(channel=channel, by=http.viewer(request), topic=payload.topic)
    return _channel_out(
        channel, selectors.membership_of(channel=channel, user=http.viewer(request))
    )


@router.put("/channels/{channel_id}/mute", response={200: ChannelOut, **ERRORS})
def channels_mute(request: HttpRequest, channel_id: Id, payload: MuteIn) -> ChannelOut:
    channel = _channel(request, channel_id)
    member = services.channel_set_muted(
        channel=channel, user=http.viewer(request), muted=payload.muted
    )
    return _channel_out(channel, member)


@router.post(
    "/channels/{channel_id}/read",
    response={200: ReadCursorOut, **ERRORS},
    summary="Move my read cursor",
)
def channels_read(request: HttpRequest, channel_id: Id, payload: ReadIn) -> ReadCursorOut:
    channel = _channel(request, channel_id)
    cursor = services.channel_mark_read(
        channel=channel, user=http.viewer(request), last_read_id=payload.last_read_id
    )
    return ReadCursorOut(last_read_id=cursor)


@router.get(
    "/channels/{channel_id}/messages",
    response={200: HistoryOut, **ERRORS},
    summary="Message history",
)
def messages_list(request: HttpRequest, channel_id: Id, query: Query[HistoryQuery]) -> HistoryOut:
    viewer = http.viewer(request)
    channel = _channel(request, channel_id)
    if query.thread is not None:
        root = _msg(request, channel, query.thread)
        replies = selectors.thread(root=root, viewer=viewer)
        return HistoryOut(**cursor_page((_message_out(m, viewer) for m in replies), None))
    way, position = query.direction()
    if way == "after":
        page = selectors.history(channel=channel, viewer=viewer, after=position, limit=query.limit)
        following = ["after", page.newest_id] if page.has_newer else None
    else:
        page = selectors.history(channel=channel, viewer=viewer, before=position, limit=query.limit)
        following = ["before", page.oldest_id] if page.has_older else None
    return HistoryOut(**cursor_page((_message_out(m, viewer) for m in page.messages), following))


@router.post(
    "/channels/{channel_id}/messages",
    response={200: MessageOut, 201: MessageOut, **ERRORS},
    summary="Post a message (201; 200 when the client_id was already stored)",
)
def messages_post(request: HttpRequest, channel_id: Id, payload: MessageIn) -> Status[MessageOut]:
    viewer = http.viewer(request)
    channel = _channel(request, channel_id)
    parent = _msg(request, channel, payload.parent) if payload.parent else None
    message, created = services.message_post(
        channel=channel,
        author=viewer,
        body=payload.body,
        client_id=payload.client_id,
        parent=parent,
    )
    fresh = _msg(request, channel, message.pk)
    return Status(201 if created else 200, _message_out(fresh, viewer))


@router.patch("/channels/{channel_id}/messages/{message_id}", response={200: MessageOut, **ERRORS})
def messages_edit(
    request: HttpRequest, channel_id: Id, message_id: Id, payload: MessagePatch
) -> MessageOut:
    channel = _channel(request, channel_id)
    message = _msg(request, channel, message_id)
    services.message_edit(message=message, by=http.viewer(request), body=payload.body)
    return _message_out(_msg(request, channel, message_id), http.viewer(request))


@router.delete("/channels/{channel_id}/messages/{message_id}", response={204: None, **ERRORS})
def messages_delete(request: HttpRequest, channel_id: Id, message_id: Id) -> Status[None]:
    channel = _channel(request, channel_id)
    services.message_delete(message=_msg(request, channel, message_id), by=http.viewer(request))
    return Status(204, None)


@router.post(
    "/channels/{channel_id}/messages/{message_id}/reactions",
    response={200: MessageReactionState, **ERRORS},
)
def messages_react(
    request: HttpRequest, channel_id: Id, message_id: Id, payload: ReactionIn
) -> MessageReactionState:
    channel = _channel(request, channel_id)
    reacted, count = services.reaction_toggle(
        message=_msg(request, channel, message_id), user=http.viewer(request), kind=payload.kind
    )
    return MessageReactionState(kind=payload.kind, reacted=reacted, count=count)
