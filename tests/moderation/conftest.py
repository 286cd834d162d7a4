"""The moderation cast: a private community with its author, members and moderators, a
platform moderator and an administrator, and one piece of content of every kind."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from hanse.communities.models import Community
from hanse.people.models import User

ACTORS = (
    "anonymous",
    "member",
    "outsider",
    "author",
    "community_moderator",
    "platform_moderator",
    "admin",
)
KINDS = ("post", "comment", "chat_message", "event", "idea")


@dataclass
class ModCast:
    author: User
    member: User
    outsider: User
    community_moderator: User
    platform_moderator: User
    admin: User
    community: Community
    content: dict[str, Any]

    def actor(self, name: str) -> User | None:
        return None if name == "anonymous" else getattr(self, name)


def grant_platform_moderation(user: User) -> User:
    user.user_permissions.add(Permission.objects.get(codename="moderate_platform"))
    # A fresh object: Django caches permissions on the instance.
    return User.objects.get(pk=user.pk)


@pytest.fixture
def mod(make_user: Callable[..., User], make_community: Callable[..., Community]) -> ModCast:
    from hanse.chat.services.channels import community_channel_ensure
    from hanse.chat.services.messages import message_post
    from hanse.events.services.events import event_create
    from hanse.ideas.services import idea_create
    from hanse.posts.services.comments import comment_create
    from hanse.posts.services.posts import post_create

    author = make_user("anja", first_name="Anja", last_name="Autorin")
    member = make_user("mia", first_name="Mia", last_name="Mitglied")
    outsider = make_user("otto", first_name="Otto", last_name="Außen")
    community_moderator = make_user("moritz", first_name="Moritz", last_name="Moderator")
    platform_moderator = grant_platform_moderation(
        make_user("paula", first_name="Paula", last_name="Plattform")
    )
    admin = make_user("adele", first_name="Adele", last_name="Admin", is_superuser=True)
    community = make_community(
        Community.Kind.PRIVATE,
        owner=community_moderator,
        name="Kreditrunde",
        members=(author, member),
    )
    post = post_create(
        author=author, body="Kundennummer 4711 ist ein Betrüger", community=community
    )
    comment = comment_create(post=post, author=author, body="Das sage ich laut: Betrüger")
    channel = community_channel_ensure(community=community, user=community_moderator)
    message, _new = message_post(channel=channel, author=author, body="Geheimzahl 1234 im Chat")
    start = timezone.now() + timedelta(days=3)
    event = event_create(
        by=author,
        title="Werbeveranstaltung Nebenjob",
        description="Verdienen Sie nebenbei",
        start=start,
        end=start + timedelta(hours=1),
        community=community,
    )
    idea = idea_create(
        author=author,
        title="Kunden öffentlich anprangern",
        description="Säumige Kunden am Schalter aushängen",
        community=community,
    )
    return ModCast(
        author=author,
        member=member,
        outsider=outsider,
        community_moderator=community_moderator,
        platform_moderator=platform_moderator,
        admin=admin,
        community=community,
        content={
            "post": post,
            "comment": comment,
            "chat_message": message,
            "event": event,
            "idea": idea,
        },
    )
