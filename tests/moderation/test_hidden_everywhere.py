"""Hidden content disappears from every surface (feed, search, API, notifications, chat
history and its live pushes) and comes back when restored: one mechanism, visible_to."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import get_channel_layer
from django.test import Client

from hanse.chat import selectors as chat_selectors
from hanse.moderation import services
from hanse.people.models import User
from hanse.posts.selectors.feed import community_stream, home_feed
from hanse.realtime import topics
from hanse.realtime.groups import topic_group
from hanse.search.selectors import SearchQuery, search
from tests.moderation.conftest import ModCast

pytestmark = pytest.mark.django_db


def _hide(mod: ModCast, kind: str, obj: Any) -> None:
    services.content_hide(
        by=mod.community_moderator, kind=kind, object_id=obj.pk, reason="Beleidigung"
    )


def _restore(mod: ModCast, kind: str, obj: Any) -> None:
    services.content_restore(by=mod.community_moderator, kind=kind, object_id=obj.pk)


def test_feeds(mod: ModCast) -> None:
    """The community stream and the home feed leave a hidden post out, but not for its
    author; it comes back when restored."""
    post = mod.content["post"]

    def in_feeds(user: User) -> tuple[bool, bool]:
        stream = community_stream(viewer=user, community=mod.community)
        home = home_feed(viewer=user)
        return (
            post.pk in [i.post.pk for i in stream.items],
            post.pk in [i.post.pk for i in home.items],
        )

    assert in_feeds(mod.member) == (True, True)
    _hide(mod, "post", post)
    assert in_feeds(mod.member) == (False, False)
    assert in_feeds(mod.author) == (True, True)
    _restore(mod, "post", post)
    assert in_feeds(mod.member) == (True, True)


def test_search(mod: ModCast, django_capture_on_commit_callbacks: Any) -> None:
    """Search asks visible_to for every hit: a hidden post is not found, a restored one is."""
    from hanse.posts.services.posts import post_create

    with django_capture_on_commit_callbacks(execute=True):
        post = post_create(
            author=mod.author, body="Schmähkritik am Filialleiter", community=mod.community
        )

    def found(user: User) -> bool:
        results = search(user=user, query=SearchQuery(text="Schmähkritik"))
        return post.pk in [h.object_id for h in results.hits if h.type == "post"]

    assert found(mod.member)
    with django_capture_on_commit_callbacks(execute=True):
        _hide(mod, "post", post)
    assert not found(mod.member)
    assert found(mod.author)
    with django_capture_on_commit_callbacks(execute=True):
        _restore(mod, "post", post)
    assert found(mod.member)


def test_api(mod: ModCast, client_for: Callable[[User | None], Client]) -> None:
    """The API answers 404 for a hidden post and event, leaves a hidden comment and chat
    message out of its lists, and shows them again after restoring."""
    member = client_for(mod.member)
    post, comment = mod.content["post"], mod.content["comment"]
    event, message = mod.content["event"], mod.content["chat_message"]

    def state() -> tuple[int, int, bool, bool]:
        comments = member.get(f"/api/v1/posts/{post.pk}/comments").json()
        history = member.get(f"/api/v1/chat/channels/{message.channel_id}/messages").json()
        return (
            member.get(f"/api/v1/posts/{post.pk}").status_code,
            member.get(f"/api/v1/events/{event.pk}").status_code,
            comment.pk in [c["id"] for c in comments["items"]],
            message.pk in [m["id"] for m in history["items"]],
        )

    assert state() == (200, 200, True, True)
    for kind in ("comment", "chat_message", "event"):
        _hide(mod, kind, mod.content[kind])
    assert state() == (200, 404, False, False)
    _hide(mod, "post", post)
    assert member.get(f"/api/v1/posts/{post.pk}").status_code == 404
    # The author still gets them.
    author = client_for(mod.author)
    assert author.get(f"/api/v1/posts/{post.pk}").status_code == 200
    assert author.get(f"/api/v1/events/{event.pk}").status_code == 200
    for kind in ("post", "comment", "chat_message", "event"):
        _restore(mod, kind, mod.content[kind])
    assert state() == (200, 200, True, True)


def test_notifications(mod: ModCast, django_capture_on_commit_callbacks: Any) -> None:
    """A notification about hidden content leaves the bell, and returns when restored."""
    from hanse.notifications.selectors import visible_notifications
    from hanse.posts.services.comments import comment_create

    post = mod.content["post"]
    with django_capture_on_commit_callbacks(execute=True):
        comment = comment_create(post=post, author=mod.member, body="Hallo @anja, bitte löschen")

    def about_comment(user: User) -> bool:
        return visible_notifications(user=user).filter(comment=comment).exists()

    assert about_comment(mod.author)
    services.content_hide(by=mod.admin, kind="comment", object_id=comment.pk, reason="Off-topic")
    assert not about_comment(mod.author)
    services.content_restore(by=mod.admin, kind="comment", object_id=comment.pk)
    assert about_comment(mod.author)


def test_chat_history_and_live_push(mod: ModCast, django_capture_on_commit_callbacks: Any) -> None:
    """The channel's history leaves a hidden message out; the live push to the channel
    carries it as deleted, without its text; restoring pushes it again."""
    message = mod.content["chat_message"]
    channel = message.channel

    def in_history(user: User) -> bool:
        page = chat_selectors.history(channel=channel, viewer=user)
        return message.pk in [m.pk for m in page.messages]

    group = topic_group(topics.chat(channel.pk))

    def heard_while(action: Callable[[], None]) -> dict[str, Any]:
        """The channel's push while ``action`` runs (its after-commit work included); one
        event loop subscribes, acts and listens, as a consumer does (Redis pub/sub needs it)."""

        def act() -> None:
            with django_capture_on_commit_callbacks(execute=True):
                action()

        async def run() -> dict[str, Any]:
            layer = get_channel_layer()
            name = await layer.new_channel()
            await layer.group_add(group, name)
            await sync_to_async(act)()
            raw = await asyncio.wait_for(layer.receive(name), timeout=10)
            await layer.group_discard(group, name)
            return dict(json.loads(raw["text"]))

        return async_to_sync(run)()

    live = heard_while(lambda: _hide(mod, "chat_message", message))
    assert not in_history(mod.member)
    assert in_history(mod.author)
    assert (live["type"], live["op"], live["id"]) == ("chat.message", "deleted", message.pk)
    assert "Geheimzahl" not in live["html"]

    restored = heard_while(lambda: _restore(mod, "chat_message", message))
    assert in_history(mod.member)
    assert "Geheimzahl" in restored["html"]


def test_stream_cards_show_each_viewer_their_own_notice(
    mod: ModCast, client_for: Callable[[User | None], Client]
) -> None:
    """Stream cards are cached and shared between viewers (hanse/posts/cards.py); the notice
    on a hidden post is not part of them: the author reads "Only you and the moderators",
    the community's moderator reads the notice without it, a member does not see the post,
    and after the restore nobody sees a notice, although every card came from the cache."""
    post = mod.content["post"]
    stream = f"/communities/{mod.community.slug}/"
    author, moderator, member = (
        client_for(mod.author),
        client_for(mod.community_moderator),
        client_for(mod.member),
    )
    assert post.body in author.get(stream).content.decode()  # the card is cached now
    _hide(mod, "post", post)
    seen_by_author = author.get(stream).content.decode()
    assert "Hidden by moderation" in seen_by_author
    assert "Only you and the moderators see this." in seen_by_author
    seen_by_moderator = moderator.get(stream).content.decode()
    assert post.body in seen_by_moderator and "Hidden by moderation" in seen_by_moderator
    assert "Only you and the moderators see this." not in seen_by_moderator
    assert post.body not in member.get(stream).content.decode()
    _restore(mod, "post", post)
    for client in (author, moderator, member):
        page = client.get(stream).content.decode()
        assert post.body in page and "Hidden by moderation" not in page
