"""Chat messages and announcements: found only by those who may read them, never counted for
others; platform administrators do not read private conversations; a message deleted or a
channel left disappears at once."""

from __future__ import annotations

from typing import Any

import pytest

from hanse.chat.models import Channel, ChannelMember
from hanse.chat.services import channel_create, dm_open, message_post
from hanse.people.models import User
from hanse.search.selectors import SearchQuery, match_authors, search, suggest

pytestmark = pytest.mark.django_db


def _found(user: User, text: str) -> tuple[list[int], int]:
    results = search(user=user, query=SearchQuery(text=text))
    return [h.object_id for h in results.hits if h.type == "message"], results.counts["message"]


def test_direct_messages_only_for_those_in_them(
    user: User, make_user: Any, admin_user: User, committed: Any
) -> None:
    ben, otto = make_user("ben"), make_user("otto")
    with committed():
        channel, _ = dm_open(by=user, people=[ben])
        message, _ = message_post(channel=channel, author=user, body="Geheimzahl Tresor")
    assert _found(user, "Tresor") == ([message.pk], 1)
    assert _found(ben, "Tresor") == ([message.pk], 1)
    assert _found(otto, "Tresor") == ([], 0)
    assert _found(admin_user, "Tresor") == ([], 0)
    assert suggest(user=otto, text="Tresor").hits == []
    assert match_authors(user=otto, text="Tresor", types=("message",)) == {}


def test_private_channel_and_leaving_it(user: User, make_user: Any, committed: Any) -> None:
    ben, otto = make_user("ben"), make_user("otto")
    with committed():
        channel = channel_create(by=user, name="vorstand", kind=Channel.Kind.PRIVATE, members=[ben])
        message, _ = message_post(channel=channel, author=user, body="Quartalszahlen vertraulich")
        public = channel_create(by=user, name="allgemein", kind=Channel.Kind.PUBLIC)
        open_message, _ = message_post(channel=public, author=user, body="Quartalszahlen morgen")
    assert _found(otto, "Quartalszahlen") == ([open_message.pk], 1)
    assert sorted(_found(ben, "Quartalszahlen")[0]) == sorted([message.pk, open_message.pk])
    ChannelMember.objects.filter(channel=channel, user=ben).delete()  # left; index untouched
    assert _found(ben, "Quartalszahlen") == ([open_message.pk], 1)


def test_a_deleted_message_disappears_at_once(user: User, committed: Any) -> None:
    with committed():
        channel = channel_create(by=user, name="team", kind=Channel.Kind.PUBLIC)
        message, _ = message_post(channel=channel, author=user, body="Kaffeemaschine kaputt")
    assert _found(user, "Kaffeemaschine")[0] == [message.pk]
    message.deleted_at = message.created_at
    type(message).objects.filter(pk=message.pk).update(deleted_at=message.created_at)
    assert _found(user, "Kaffeemaschine")[0] == []


def test_anonymous_finds_nothing(user: User, committed: Any) -> None:
    with committed():
        channel = channel_create(by=user, name="team", kind=Channel.Kind.PUBLIC)
        message_post(channel=channel, author=user, body="Kaffeemaschine kaputt")
    results = search(user=None, query=SearchQuery(text="Kaffeemaschine"))
    assert results.hits == [] and results.total == 0 and set(results.counts.values()) == {0}
    assert suggest(user=None, text="Kaffee").hits == []
