"""Stream pages: the home feed, posting through the composer, reactions, infinite scroll."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from hanse.posts.models import Bookmark, Mention, Post, Reaction, TagFollow
from tests.posts.conftest import Cast

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_previews")]

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_home_shows_composer_feed_and_side_column(
    cast: Cast, client_for: Callable[..., Client], make_post: Callable[..., Post]
) -> None:
    """The start page has the composer, the filter tabs, the feed and the right column."""
    make_post(cast.owner, "Neues aus der **Runde**", community=cast.open)
    response = client_for(cast.member).get(reverse("home:index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="composer-body"' in html
    assert "Neues aus der <strong>Runde</strong>" in html
    assert "Who knows what?" in html
    assert "Your communities" in html
    assert 'aria-current="page">All</a>' in html
    assert reverse("posts:feed_new_count") in html


def test_home_feed_hides_posts_of_communities_i_cannot_read(
    cast: Cast, client_for: Callable[..., Client], make_post: Callable[..., Post], follow: Any
) -> None:
    """A followed author's post in a secret community never reaches an outsider's feed."""
    follow(cast.outsider, cast.owner)
    make_post(cast.owner, "Geheimer Plan", community=cast.secret)
    make_post(cast.owner, "Für alle sichtbar")
    html = client_for(cast.outsider).get(reverse("home:index")).content.decode()
    assert "Für alle sichtbar" in html
    assert "Geheimer Plan" not in html


def test_posting_through_the_form_with_mention_and_hashtag(
    cast: Cast, client_for: Callable[..., Client]
) -> None:
    """The composer (without JavaScript) publishes, links the mention and tag, shows it."""
    client = client_for(cast.member)
    response = client.post(
        reverse("posts:create"),
        {"body": "Danke @olga für den Tipp #Baufinanzierung", "where": "company", "next": "/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
    post = Post.objects.get()
    assert post.author == cast.member
    assert post.scope == "company"
    assert Mention.objects.filter(post=post, user=cast.owner).exists()
    assert list(post.tags.values_list("name", flat=True)) == ["baufinanzierung"]
    html = client.get("/").content.decode()
    assert "Your post is published." in html
    assert 'href="/people/olga/"' in html
    assert 'href="/tags/baufinanzierung/"' in html


def test_posting_in_a_community_and_on_my_profile(
    cast: Cast, client_for: Callable[..., Client]
) -> None:
    """The composer posts in a community I am in, or on my profile."""
    client = client_for(cast.member)
    client.post(
        reverse("posts:create"), {"body": "In der Runde", "where": f"community:{cast.open.slug}"}
    )
    client.post(reverse("posts:create"), {"body": "Auf dem Profil", "where": "profile"})
    assert Post.objects.get(body="In der Runde").community == cast.open
    assert Post.objects.get(body="Auf dem Profil").scope == "profile"


def test_posting_in_a_community_i_am_not_in_is_refused(
    cast: Cast, client_for: Callable[..., Client]
) -> None:
    """A community outside my memberships is not a valid choice; nothing is written."""
    response = client_for(cast.outsider).post(
        reverse("posts:create"), {"body": "Hallo", "where": f"community:{cast.open.slug}"}
    )
    assert response.status_code == 400
    assert "Select a valid choice." in response.content.decode()
    assert not Post.objects.exists()


def test_empty_post_shows_the_error_and_writes_nothing(
    cast: Cast, client_for: Callable[..., Client]
) -> None:
    """An empty post comes back with the service's message next to the text."""
    response = client_for(cast.member).post(
        reverse("posts:create"), {"body": "   ", "where": "company"}
    )
    assert response.status_code == 400
    assert "Write something first." in response.content.decode()
    assert not Post.objects.exists()


def test_htmx_composer_returns_fresh_form_and_new_post(
    cast: Cast, client_for: Callable[..., Client]
) -> None:
    """With htmx the composer is replaced by an empty one and the post goes into the feed."""
    response = client_for(cast.member).post(
        reverse("posts:create"), {"body": "Per htmx", "where": "company", "next": "/"}, **HTMX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'hx-swap-oob="afterbegin:#feed-list"' in html
    assert "Per htmx" in html
    assert "Your post is published." in html
    assert "<!doctype html>" not in html


def test_htmx_composer_error_keeps_the_text(cast: Cast, client_for: Callable[..., Client]) -> None:
    """A refused post comes back in the composer with the text kept."""
    response = client_for(cast.member).post(
        reverse("posts:create"), {"body": "x" * 20001, "where": "company"}, **HTMX
    )
    html = response.content.decode()
    assert "afterbegin:#feed-list" not in html
    assert 'aria-invalid="true"' in html
    assert not Post.objects.exists()


def test_posting_with_an_image(
    cast: Cast, client_for: Callable[..., Client], png_upload: Callable[..., Any]
) -> None:
    """Files go along with the composer's multipart form."""
    client_for(cast.member).post(
        reverse("posts:create"),
        {"body": "Mit Bild", "where": "company", "files": [png_upload("tafel.png")]},
    )
    post = Post.objects.get()
    assert [a.original_name for a in post.attachments.all()] == ["tafel.png"]


def test_infinite_scroll_before_param(
    cast: Cast, client_for: Callable[..., Client], make_post: Callable[..., Post]
) -> None:
    """?before= gives the older page; htmx gets only the items and the next link."""
    posts = [make_post(cast.member, f"Beitrag {n:02d}") for n in range(25)]
    client = client_for(cast.member)
    first = client.get("/").content.decode()
    assert "Beitrag 24" in first
    assert "Beitrag 04" not in first
    cursor = posts[5].pk
    assert f"?before={cursor}" in first
    older = client.get(reverse("posts:feed_more"), {"before": cursor}, **HTMX)
    html = older.content.decode()
    assert "Beitrag 04" in html
    assert "Beitrag 00" in html
    assert "Beitrag 05" not in html
    assert "<!doctype html>" not in html
    assert "composer-body" not in html
    page = client.get("/", {"before": cursor}).content.decode()
    assert "<!doctype html>" in page
    assert "Beitrag 04" in page


def test_feed_filters(
    cast: Cast, client_for: Callable[..., Client], make_post: Callable[..., Post], follow: Any
) -> None:
    """Communities shows my communities' posts; Following the people I follow."""
    follow(cast.member, cast.outsider)
    make_post(cast.owner, "Aus der Runde", community=cast.open)
    make_post(cast.outsider, "Von Otto")
    client = client_for(cast.member)
    communities = client.get("/", {"filter": "communities"}).content.decode()
    assert "Aus der Runde" in communities
    assert "Von Otto" not in communities
    following = client.get("/", {"filter": "following"}).content.decode()
    assert "Von Otto" in following
    assert "Aus der Runde" not in following


def test_new_posts_indicator(
    cast: Cast, client_for: Callable[..., Client], make_post: Callable[..., Post]
) -> None:
    """The indicator counts posts newer than the top of the feed."""
    first = make_post(cast.member, "Erster")
    make_post(cast.member, "Zweiter")
    make_post(cast.member, "Dritter")
    response = client_for(cast.member).get(
        reverse("posts:feed_new_count"), {"after": first.pk}, **HTMX
    )
    html = response.content.decode()
    assert "2 new posts" in html
    assert 'hx-target="#feed-region"' in html
    empty = client_for(cast.member).get(
        reverse("posts:feed_new_count"), {"after": Post.objects.latest("id").pk}, **HTMX
    )
    assert empty.content.decode().strip() == ""


def test_home_page_query_count(
    cast: Cast,
    client_for: Callable[..., Client],
    make_post: Callable[..., Post],
    django_assert_max_num_queries: Any,
) -> None:
    """A page of 20 posts (with reactions and bookmarks) renders in at most 20 queries."""
    for n in range(25):
        post = make_post(cast.owner, f"Beitrag {n} #thema", community=cast.open)
        Reaction.objects.create(user=cast.member, post=post, kind="like")
        Bookmark.objects.create(user=cast.member, post=post)
    client = client_for(cast.member)
    client.get("/")  # warm up the session and per-process caches
    with django_assert_max_num_queries(20):
        response = client.get("/")
    assert response.content.decode().count('class="post card') == 20


def test_react_toggles_and_returns_the_bar(
    cast: Cast, client_for: Callable[..., Client], make_post: Callable[..., Post]
) -> None:
    """A reaction POST adds, a second one takes back; htmx gets the bar with aria-pressed."""
    post = make_post(cast.owner, "Reagiere!")
    client = client_for(cast.member)
    url = reverse("posts:react", args=[post.pk])
    response = client.post(url, {"kind": "celebrate"}, **HTMX)
    html = response.content.decode()
    assert Reaction.objects.filter(post=post, user=cast.member, kind="celebrate").exists()
    assert f'id="reactions-post-{post.pk}"' in html
    assert 'value="celebrate:off" id="react-post-' in html
    assert 'aria-pressed="true"' in html
    assert "1 reaction" in html
    client.post(url, {"kind": "celebrate"}, **HTMX)
    assert not Reaction.objects.filter(post=post).exists()
    assert client.post(url, {"kind": "angry"}).status_code == 400


def test_react_without_htmx_redirects_back(
    cast: Cast, client_for: Callable[..., Client], make_post: Callable[..., Post]
) -> None:
    """Without JavaScript the reaction form goes back to where it came from."""
    post = make_post(cast.owner, "Reagiere!")
    response = client_for(cast.member).post(
        reverse("posts:react", args=[post.pk]), {"kind": "like", "next": "/stream/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/stream/"


def test_react_on_invisible_post_is_404(
    cast: Cast, client_for: Callable[..., Client], make_post: Callable[..., Post]
) -> None:
    """Nobody can react to (or learn about) a post in a secret community they are not in."""
    post = make_post(cast.owner, "Geheim", community=cast.secret)
    response = client_for(cast.outsider).post(
        reverse("posts:react", args=[post.pk]), {"kind": "like"}
    )
    assert response.status_code == 404
    assert not Reaction.objects.exists()


def test_bookmark_toggle_and_page(
    cast: Cast, client_for: Callable[..., Client], make_post: Callable[..., Post]
) -> None:
    """Save for later adds to the bookmarks page; the htmx answer is the new button."""
    post = make_post(cast.owner, "Merken")
    client = client_for(cast.member)
    response = client.post(reverse("posts:bookmark", args=[post.pk]), {"save": "1"}, **HTMX)
    assert "Saved for later" in response.content.decode()
    assert Bookmark.objects.filter(user=cast.member, post=post).exists()
    page = client.get(reverse("posts:bookmarks")).content.decode()
    assert "Merken" in page
    client.post(reverse("posts:bookmark", args=[post.pk]), {"save": "0"})
    assert not Bookmark.objects.exists()


def test_tag_page_and_follow(
    cast: Cast, client_for: Callable[..., Client], make_post: Callable[..., Post]
) -> None:
    """The tag page lists the posts and follows the tag; a secret post stays hidden."""
    make_post(cast.owner, "Offen #Nachhaltigkeit")
    make_post(cast.owner, "Geheim #Nachhaltigkeit", community=cast.secret)
    client = client_for(cast.outsider)
    html = client.get(reverse("posts:tag", args=["nachhaltigkeit"])).content.decode()
    assert "#nachhaltigkeit" in html
    assert "Offen" in html
    assert "Geheim" not in html
    response = client.post(reverse("posts:tag_follow", args=["nachhaltigkeit"]), {"follow": "1"})
    assert response.status_code == 302
    assert TagFollow.objects.filter(user=cast.outsider, tag__name="nachhaltigkeit").exists()
    html = client.get(reverse("posts:tag", args=["nachhaltigkeit"])).content.decode()
    assert "Unfollow #nachhaltigkeit" in html
    client.post(reverse("posts:tag_follow", args=["nachhaltigkeit"]), {"follow": "0"}, **HTMX)
    assert not TagFollow.objects.exists()


def test_tag_page_normalises_the_address(cast: Cast, client_for: Callable[..., Client]) -> None:
    """/tags/Nachhaltigkeit/ redirects to the normalised tag."""
    response = client_for(cast.member).get("/tags/Nachhaltigkeit/")
    assert response.status_code == 302
    assert response["Location"] == "/tags/nachhaltigkeit/"


def test_company_stream(
    cast: Cast, client_for: Callable[..., Client], make_post: Callable[..., Post]
) -> None:
    """/stream/ shows company-wide posts only."""
    make_post(cast.owner, "Für alle")
    make_post(cast.owner, "Nur in der Runde", community=cast.open)
    html = client_for(cast.outsider).get(reverse("posts:company")).content.decode()
    assert "Für alle" in html
    assert "Nur in der Runde" not in html


def test_community_home_shows_composer_for_members_and_stream(
    cast: Cast, client_for: Callable[..., Client], make_post: Callable[..., Post]
) -> None:
    """Members get the composer; readers the stream with pinned posts first."""
    from hanse.posts.services.posts import post_pin

    pinned = make_post(cast.owner, "Angepinnt", community=cast.open)
    make_post(cast.owner, "Neuer", community=cast.open)
    post_pin(post=pinned, by=cast.moderator)
    url = reverse("communities:detail", args=[cast.open.slug])
    member_html = client_for(cast.member).get(url).content.decode()
    assert 'id="composer-body"' in member_html
    assert f'value="community:{cast.open.slug}"' in member_html
    assert member_html.index("Angepinnt") < member_html.index("Neuer")
    outsider_html = client_for(cast.outsider).get(url).content.decode()
    assert "Neuer" in outsider_html
    assert 'id="composer-body"' not in outsider_html


def test_private_community_stream_is_hidden_from_outsiders(
    cast: Cast, client_for: Callable[..., Client], make_post: Callable[..., Post]
) -> None:
    """Outsiders see no posts of a private community; its stream page sends them away."""
    make_post(cast.owner, "Interna zum Quartal", community=cast.private)
    client = client_for(cast.outsider)
    html = client.get(reverse("communities:detail", args=[cast.private.slug])).content.decode()
    assert "Interna zum Quartal" not in html
    response = client.get(reverse("posts:community_stream", args=[cast.private.slug]))
    assert response.status_code == 302
    secret = client.get(reverse("posts:community_stream", args=[cast.secret.slug]))
    assert secret.status_code == 404


def test_profile_shows_posts_section(
    cast: Cast, client_for: Callable[..., Client], make_post: Callable[..., Post]
) -> None:
    """The profile lists the person's posts the viewer may read; my own has the composer."""
    make_post(cast.member, "Mein Profilbeitrag", scope="profile")
    make_post(cast.member, "Geheim", community=cast.secret)
    url = reverse("people:profile", args=[cast.member.username])
    other = client_for(cast.outsider).get(url).content.decode()
    assert "Mein Profilbeitrag" in other
    assert "Geheim" not in other
    assert 'id="composer-body"' not in other
    mine = client_for(cast.member).get(url).content.decode()
    assert 'id="composer-body"' in mine
    assert '<option value="profile" selected>' in mine


def test_profile_stream_page(
    cast: Cast, client_for: Callable[..., Client], make_post: Callable[..., Post]
) -> None:
    """The standalone profile stream renders and answers htmx with items only."""
    make_post(cast.member, "Beitrag von Mia")
    client = client_for(cast.outsider)
    url = reverse("posts:profile_stream", args=[cast.member.username])
    assert "Beitrag von Mia" in client.get(url).content.decode()
    partial = client.get(url, **HTMX).content.decode()
    assert "Beitrag von Mia" in partial
    assert "<!doctype html>" not in partial
    assert client.get(reverse("posts:profile_stream", args=["niemand"])).status_code == 404


def test_mention_suggestions_never_offer_a_secret_community(
    cast: Cast, client_for: Callable[..., Client]
) -> None:
    """The autocomplete offers people and visible communities only."""
    client = client_for(cast.outsider)
    data = client.get(reverse("posts:mention_suggestions"), {"q": "Geh"}).json()
    assert data == {"results": []}
    data = client.get(reverse("posts:mention_suggestions"), {"q": "ol"}).json()
    assert {"kind": "person", "handle": "olga", "label": "Olga Owner", "detail": ""} in data[
        "results"
    ]
    member = client_for(cast.member).get(reverse("posts:mention_suggestions"), {"q": "Geh"})
    assert [r["handle"] for r in member.json()["results"]] == [cast.secret.slug]


def test_anonymous_is_sent_to_login(cast: Cast, make_post: Callable[..., Post]) -> None:
    """Every stream page needs a login."""
    post = make_post(cast.owner, "Hallo")
    client = Client()
    for url in (
        "/",
        reverse("posts:detail", args=[post.pk]),
        reverse("posts:company"),
        reverse("posts:bookmarks"),
        reverse("posts:tag", args=["x"]),
        reverse("posts:mention_suggestions"),
    ):
        response = client.get(url)
        assert response.status_code in (302, 401), url
        if response.status_code == 302:
            assert "/accounts/login/" in response["Location"]


def test_new_post_is_pushed_live_without_waiting_for_the_task_worker(
    cast: Cast,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
    client_for: Callable[..., Client],
) -> None:
    """The live push leaves the web process that committed the post; only the link preview
    and the notifications wait in the queue. (Without Redis the channel layer lives in the web
    server's memory: a push from the worker process would reach nobody.)"""
    from asgiref.sync import async_to_sync
    from channels.layers import get_channel_layer
    from django_tasks_db.models import DBTaskResult

    from hanse.realtime.groups import topic_group

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["live", "default"]}
    }  # not run
    configured = dict(settings.CHANNEL_LAYERS["default"])
    if "CONFIG" in configured:  # Redis: a prefix of this test's own (workers share Redis)
        configured["CONFIG"] = {**configured["CONFIG"], "prefix": f"t-{uuid.uuid4().hex[:12]}"}
        settings.CHANNEL_LAYERS = {"default": configured}
    layer = get_channel_layer()
    group = topic_group(f"community:{cast.open.pk}")

    async def listen_then(post: Callable[[], Any]) -> dict[str, Any]:
        from asgiref.sync import sync_to_async

        name = await layer.new_channel()
        await layer.group_add(group, name)
        await sync_to_async(post)()
        return await asyncio.wait_for(layer.receive(name), timeout=5)

    def post() -> None:
        with django_capture_on_commit_callbacks(execute=True):
            response = client_for(cast.member).post(
                reverse("posts:create"),
                {"body": "Live!", "where": f"community:{cast.open.slug}", "next": "/"},
            )
        assert response.status_code == 302

    message = async_to_sync(listen_then)(post)
    event = json.loads(message["text"]) if "text" in message else message["event"]
    assert (event["type"], event["community"]) == ("post.created", cast.open.pk)
    queued = DBTaskResult.objects.filter(status="READY").values_list("task_path", flat=True)
    assert "hanse.posts.tasks.announce_post_created" in list(queued)
