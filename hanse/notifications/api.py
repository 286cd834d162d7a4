"""/api/v1/notifications: the bell, the list, marking read, and the person's settings."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from hanse.api.pagination import CursorPage, CursorQuery, cursor_page
from hanse.api.schemas import ERRORS, Id, PersonRef, TimeOfDay
from hanse.communities.selectors import get_community_for
from hanse.core import http
from hanse.notifications import registry, selectors, services
from hanse.notifications.models import Channel, Notification
from hanse.people.models import User

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    type: str = Field(description="The type's key, e.g. mention, reaction, community_post.")
    title: str = Field(description="One sentence in the caller's language.")
    body: str = Field(description="An excerpt of what it is about, or empty.")
    url: str = Field(description="Where it leads, relative to the site.")
    actor: PersonRef | None = Field(None, description="The latest person who caused it.")
    count: int = Field(description="How many people (or events) a grouped notification holds.")
    unread: bool
    created_at: datetime
    updated_at: datetime = Field(description="The latest activity; the list is in its order.")


class NotificationList(CursorPage[NotificationOut]):
    """A page of notifications, latest activity first."""


class NotificationListQuery(CursorQuery):
    """Paging of the notifications (latest activity first)."""


class CountOut(Schema):
    unread: int


class MarkedOut(Schema):
    marked: int


class TypePreference(Schema):
    type: str
    label: str
    description: str
    in_app: bool
    email: bool
    push: bool


class DeliveryOut(Schema):
    email_frequency: Literal["immediate", "daily", "weekly", "off"]
    quiet_hours_start: TimeOfDay | None
    quiet_hours_end: TimeOfDay | None
    timezone: str


class PreferencesOut(Schema):
    types: list[TypePreference]
    delivery: DeliveryOut


class TypePreferenceIn(Schema):
    type: str
    in_app: bool | None = None
    email: bool | None = None
    push: bool | None = None


class PreferencesIn(Schema):
    types: list[TypePreferenceIn] = Field(
        default_factory=list, description="Only the types to change; left-out channels stay."
    )
    delivery: DeliveryOut | None = None


class CommunityLevelIn(Schema):
    level: Literal["all_posts", "highlights", "mute"]


class CommunityLevelOut(Schema):
    community: str
    level: Literal["all_posts", "highlights", "mute"]


def _out(n: Notification) -> NotificationOut:
    text = registry.get(n.type).render(n)
    actor = PersonRef.of(n.actor) if n.actor else None
    return NotificationOut(
        id=n.pk,
        type=n.type,
        title=text.title,
        body=text.body,
        url=text.url,
        actor=actor,
        count=n.count,
        unread=n.read_at is None,
        created_at=n.created_at,
        updated_at=n.updated_at,
    )


@router.get("", response={200: NotificationList, **ERRORS}, summary="List my notifications")
def list_notifications(
    request: HttpRequest, query: Query[NotificationListQuery]
) -> NotificationList:
    page = selectors.notifications_for(
        user=http.viewer(request), before=query.time_position(), limit=query.limit
    )
    return NotificationList(
        **cursor_page((_out(item.notification) for item in page.items), page.next_before)
    )


@router.get(
    "/unread-count", response={200: CountOut, **ERRORS}, summary="How many unread (the bell)"
)
def unread_count(request: HttpRequest) -> CountOut:
    return CountOut(unread=selectors.unread_count(user=http.viewer(request)))


@router.post("/read-all", response={200: MarkedOut, **ERRORS}, summary="Mark all as read")
def mark_all_read(request: HttpRequest) -> MarkedOut:
    return MarkedOut(marked=services.notifications_mark_all_read(user=http.viewer(request)))


@router.post(
    "/{notification_id}/read", response={200: NotificationOut, **ERRORS}, summary="Mark one read"
)
def mark_read(request: HttpRequest, notification_id: Id) -> NotificationOut:
    notification = selectors.get_notification_for(user=http.viewer(request), pk=notification_id)
    services.notification_mark_read(notification=notification, user=http.viewer(request))
    return _out(notification)


def _preferences(user: User) -> PreferencesOut:
    delivery = selectors.delivery_settings_of(user=user)
    return PreferencesOut(
        types=[
            TypePreference(
                type=c.ntype.key,
                label=str(c.ntype.label),
                description=str(c.ntype.description),
                in_app=c.enabled[Channel.IN_APP],
                email=c.enabled[Channel.EMAIL],
                push=c.enabled[Channel.PUSH],
            )
            for c in selectors.preferences_of(user=user)
        ],
        delivery=DeliveryOut(
            email_frequency=delivery.email_frequency,  # type: ignore[arg-type]  # a choice
            quiet_hours_start=delivery.quiet_hours_start,
            quiet_hours_end=delivery.quiet_hours_end,
            timezone=delivery.timezone,
        ),
    )


@router.get(
    "/preferences", response={200: PreferencesOut, **ERRORS}, summary="My notification settings"
)
def get_preferences(request: HttpRequest) -> PreferencesOut:
    return _preferences(http.viewer(request))


@router.put("/preferences", response={200: PreferencesOut, **ERRORS}, summary="Change my settings")
def put_preferences(request: HttpRequest, payload: PreferencesIn) -> PreferencesOut:
    from django.db import transaction

    user = http.viewer(request)
    with transaction.atomic():
        for item in payload.types:
            for channel in Channel.values:
                value = getattr(item, channel)
                if value is not None:
                    services.preference_set(
                        user=user, type_key=item.type, channel=channel, enabled=value
                    )
        if payload.delivery is not None:
            services.delivery_settings_update(
                user=user,
                email_frequency=payload.delivery.email_frequency,
                quiet_hours_start=payload.delivery.quiet_hours_start,
                quiet_hours_end=payload.delivery.quiet_hours_end,
                timezone_name=payload.delivery.timezone,
            )
    return _preferences(user)


@router.put(
    "/communities/{slug}",
    response={200: CommunityLevelOut, **ERRORS},
    summary="How much I hear from a community",
)
def put_community_level(
    request: HttpRequest, slug: str, payload: CommunityLevelIn
) -> CommunityLevelOut:
    user = http.viewer(request)
    community = get_community_for(viewer=user, slug=slug)
    level = services.community_setting_set(user=user, community=community, level=payload.level)
    return CommunityLevelOut(community=community.slug, level=level)  # type: ignore[arg-type]
