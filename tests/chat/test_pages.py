from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from hanse.chat import services
from hanse.chat.models import Channel, ChannelMember, Message

pytestmark = pytest.mark.django_db


def test_post_form_without_javascript(
    people: dict[str, Any], private_channel: Channel, client_for: Any
) -> None:
    """The composer posts as a plain form and the page shows the message after the reload."""
    client = client_for(people["ben"])
    response = client.post(
        reverse("chat:post", args=[private_channel.pk]), {"body": "**Guten Morgen**"}
    )
    message = Message.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"#m-{message.pk}")
    page = client.get(reverse("chat:channel", args=[private_channel.pk]))
    assert b"<strong>Guten Morgen</strong>" in page.content


def test_empty_message_error(
    people: dict[str, Any], private_channel: Channel, client_for: Any
) -> None:
    """An empty message shows a clear error and stores nothing."""
    response = client_for(people["ben"]).post(
        reverse("chat:post", args=[private_channel.pk]), {"body": "  "}, follow=True
    )
    assert b"Please write a message." in response.content
    assert not Message.objects.exists()


def test_first_unread_divider_and_cursor(
    people: dict[str, Any], private_channel: Channel, post: Any, client_for: Any
) -> None:
    """The page marks the first unread message and then moves the cursor."""
    post(private_channel, people["ben"], "alt")
    ChannelMember.objects.filter(user=people["anna"]).update(last_read_id=10**6)
    ChannelMember.objects.filter(user=people["anna"]).update(last_read_id=Message.objects.get().pk)
    new = post(private_channel, people["ben"], "neu")
    page = client_for(people["anna"]).get(reverse("chat:channel", args=[private_channel.pk]))
    html = page.content.decode()
    assert 'id="first-unread"' in html and "New messages" in html
    assert html.index('id="first-unread"') < html.index(f'id="m-{new.pk}"')
    assert ChannelMember.objects.get(user=people["anna"]).last_read_id == new.pk


def test_deleted_message_placeholder(
    people: dict[str, Any], private_channel: Channel, post: Any, client_for: Any
) -> None:
    """A deleted message reads "This message was deleted"."""
    message = post(private_channel, people["ben"], "Weg damit")
    client_for(people["ben"]).post(
        reverse("chat:message_delete", args=[private_channel.pk, message.pk])
    )
    page = client_for(people["anna"]).get(reverse("chat:channel", args=[private_channel.pk]))
    assert b"This message was deleted" in page.content and b"Weg damit" not in page.content


def test_older_pages_keyset(
    people: dict[str, Any], private_channel: Channel, post: Any, client_for: Any
) -> None:
    """Older messages load by id with a button; the catch-up returns newer ones."""
    ids = [post(private_channel, people["ben"], f"Nachricht {i}").pk for i in range(55)]
    client = client_for(people["anna"])
    page = client.get(reverse("chat:channel", args=[private_channel.pk])).content.decode()
    assert "Load older messages" in page
    older = client.get(
        reverse("chat:messages", args=[private_channel.pk]), {"before": ids[5]}
    ).content.decode()
    assert f'id="m-{ids[0]}"' in older and f'id="m-{ids[5]}"' not in older
    data = client.get(
        reverse("chat:messages", args=[private_channel.pk]),
        {"after": ids[52]},
        HTTP_ACCEPT="application/json",
    ).json()
    assert [m["id"] for m in data["messages"]] == ids[53:]
    assert data["has_more"] is False


def test_dm_picker_and_group_limit(people: dict[str, Any], make_user: Any, client_for: Any) -> None:
    """The picker opens a conversation; too many people get a clear error."""
    client = client_for(people["anna"])
    response = client.post(reverse("chat:dm_new"), {"people": [people["ben"].pk], "start": "1"})
    channel = Channel.objects.get(kind="direct")
    assert response["Location"] == reverse("chat:channel", args=[channel.pk])
    many = [make_user().pk for _ in range(15)]
    response = client.post(reverse("chat:dm_new"), {"people": many, "start": "1"})
    assert b"at most 15 people including you; you chose 16" in response.content


def test_thread_page(
    people: dict[str, Any], private_channel: Channel, post: Any, client_for: Any
) -> None:
    """The thread pane shows the replies; they are not in the channel history."""
    root = post(private_channel, people["anna"], "Frage")
    post(private_channel, people["ben"], "Antwort im Thread", parent=root)
    client = client_for(people["anna"])
    pane = client.get(
        reverse("chat:thread", args=[private_channel.pk, root.pk]), HTTP_HX_REQUEST="true"
    )
    assert b"Antwort im Thread" in pane.content
    history = client.get(reverse("chat:messages", args=[private_channel.pk]), {"after": 0})
    assert b"Antwort im Thread" not in history.content and b"1 reply" in history.content


def test_channel_page_query_count(
    people: dict[str, Any],
    private_channel: Channel,
    post: Any,
    client_for: Any,
    django_assert_max_num_queries: Any,
    make_user: Any,
) -> None:
    """The channel page costs a fixed number of queries, however long the history."""
    for i in range(30):
        message = post(private_channel, people["ben"], f"Hallo {i} @anna")
        services.reaction_toggle(message=message, user=people["anna"], kind="like")
    for _ in range(5):
        services.dm_open(by=people["anna"], people=[make_user()])
    client = client_for(people["anna"])
    url = reverse("chat:channel", args=[private_channel.pk])
    client.get(url)
    with django_assert_max_num_queries(22):
        assert client.get(url).status_code == 200


def test_header_badge_one_query(
    people: dict[str, Any],
    private_channel: Channel,
    post: Any,
    django_assert_num_queries: Any,
    rf: Any,
) -> None:
    """{% chat_unread_badge %} shows the global unread count with one query."""
    from django.template import Context, Template

    post(private_channel, people["anna"], "Hallo")
    request = rf.get("/")
    request.user = people["ben"]
    template = Template("{% load chat_tags %}{% chat_unread_badge %}")
    with django_assert_num_queries(1):
        html = template.render(Context({"request": request}))
    assert 'data-chat-unread="1"' in html and 'href="/chat/"' in html


def test_browse_and_join(people: dict[str, Any], public_channel: Channel, client_for: Any) -> None:
    """Browse lists public channels; join adds the person."""
    client = client_for(people["cara"])
    assert b"Kaffeek" in client.get(reverse("chat:browse")).content
    client.post(reverse("chat:join", args=[public_channel.pk]))
    assert ChannelMember.objects.filter(channel=public_channel, user=people["cara"]).exists()


def test_header_chat_badge_partial_counts_unread(
    people: dict[str, Any], private_channel: Any, post: Callable[..., Any], client_for: Any
) -> None:
    """The header's chat link (refreshed live on every page) shows the unread count."""
    post(private_channel, people["anna"], "Moin")
    html = client_for(people["ben"]).get(reverse("chat:badge")).content.decode()
    assert 'data-chat-unread="1"' in html
    assert 'data-live-on="chat.unread chat.read"' in html


def test_opening_a_conversation_clears_its_unread_mark_in_the_sidebar(
    people: dict[str, Any], private_channel: Any, post: Callable[..., Any], client_for: Any
) -> None:
    """The open conversation shows no unread badge in the sidebar: it was read as it opened."""
    post(private_channel, people["anna"], "Moin")
    post(private_channel, people["anna"], "Bist du da?")
    html = client_for(people["ben"]).get(f"/chat/{private_channel.pk}/").content.decode()
    entry = html.split(f'data-chat-entry="{private_channel.pk}"')[1].split("</a>")[0]
    assert "is-unread" not in html.split(f'data-chat-entry="{private_channel.pk}"')[0][-200:]
    assert "data-chat-count hidden>0" in entry
    assert 'data-chat-unread="0"' in html
