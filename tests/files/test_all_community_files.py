"""The community's "all files": the library with post, comment and chat files (read-only,
linking to where they were shared), each source as its own visibility allows."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hanse.chat.services import community_channel_ensure, message_post
from hanse.chat.services.messages import message_delete
from hanse.files import selectors, services
from hanse.posts.services.comments import comment_create
from hanse.posts.services.posts import post_create, post_delete
from tests.files.test_pdf_preview import BROKEN

pytestmark = pytest.mark.django_db


def _file(name, body=b"Inhalt"):
    return SimpleUploadedFile(name, body, content_type="application/octet-stream")


@pytest.fixture
def shared(people, club):
    """A library file, a post file, a comment file and a chat file, each by someone else."""
    services.files_upload(by=people["owner"], community=club, files=[_file("a-bibliothek.txt")])
    post = post_create(
        author=people["member"],
        body="Protokoll",
        community=club,
        files=[_file("b-post.pdf", BROKEN)],
    )
    comment = comment_create(
        post=post, author=people["moderator"], body="Ergänzung", files=[_file("c-kommentar.txt")]
    )
    channel = community_channel_ensure(community=club, user=people["member"])
    message, _new = message_post(
        channel=channel, author=people["member"], body="Hier", files=[_file("d-chat.txt")]
    )
    return {"post": post, "comment": comment, "channel": channel, "message": message}


def _names(client, club, **params):
    response = client.get(reverse("files:all_files", args=[club.slug]), params)
    assert response.status_code == 200
    return [e["e_name"] for e in response.context["files"]], response.content.decode()


def test_all_sources_are_listed_with_links_to_where_they_were_shared(
    people, club, client_for, shared
):
    names, html = _names(client_for(people["member"]), club)
    assert names == ["a-bibliothek.txt", "b-post.pdf", "c-kommentar.txt", "d-chat.txt"]
    post_url = reverse("posts:detail", args=[shared["post"].pk])
    assert f'href="{post_url}"' in html
    assert f'href="{post_url}#comment-{shared["comment"].pk}"' in html
    chat_url = reverse("chat:channel", args=[shared["channel"].pk])
    assert f'href="{chat_url}#m-{shared["message"].pk}"' in html
    attachment = shared["post"].attachments.get()
    assert f'href="{reverse("posts:file", args=[attachment.pk, "b-post.pdf"])}"' in html


def test_sort_type_place_and_person_filters(people, club, client_for, shared):
    client = client_for(people["member"])
    assert _names(client, club, sort="-name")[0] == [
        "d-chat.txt", "c-kommentar.txt", "b-post.pdf", "a-bibliothek.txt"
    ]  # fmt: skip
    assert _names(client, club, type="pdf")[0] == ["b-post.pdf"]
    assert _names(client, club, type="text", sort="name")[0] == [
        "a-bibliothek.txt", "c-kommentar.txt", "d-chat.txt"
    ]  # fmt: skip
    assert _names(client, club, source="chat")[0] == ["d-chat.txt"]
    assert _names(client, club, source="post")[0] == ["b-post.pdf", "c-kommentar.txt"]
    assert _names(client, club, person=people["member"].pk)[0] == ["b-post.pdf", "d-chat.txt"]
    # Unknown values are ignored, never an error.
    assert len(_names(client, club, person="x", source="nope", type="exe", sort="?")[0]) == 4
    _found, html = _names(client, club, type="text", sort="-size")
    assert "sort=size&amp;type=text" in html


def test_deleted_posts_and_messages_take_their_files_along(people, club, client_for, shared):
    post_delete(post=shared["post"], by=people["member"])
    message_delete(message=shared["message"], by=people["member"])
    assert _names(client_for(people["member"]), club)[0] == ["a-bibliothek.txt"]


@pytest.mark.parametrize(("who", "status"), [("outsider", 403), (None, 302)])
def test_who_cannot_read_the_community_sees_none(people, club, client_for, shared, who, status):
    response = client_for(people[who] if who else None).get(
        reverse("files:all_files", args=[club.slug])
    )
    assert response.status_code == status
    assert b"b-post.pdf" not in response.content and b"d-chat.txt" not in response.content


def test_the_selector_asks_each_sources_visibility(people, club, shared, admin_user):
    """An outsider gets nothing from any source; an administrator everything."""
    rows = selectors.community_files(viewer=people["outsider"], community=club)
    assert list(rows) == []
    assert len(selectors.community_files(viewer=admin_user, community=club)) == 4


def test_query_count_is_fixed(people, club, client_for, shared, django_assert_max_num_queries):
    client = client_for(people["member"])
    with django_assert_max_num_queries(20):
        client.get(reverse("files:all_files", args=[club.slug]))
