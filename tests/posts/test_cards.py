"""The post card cache (hanse/posts/cards.py): a cached card is never stale, never carries one
viewer's state to another, and its forms carry the current request's CSRF token and path."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hanse.posts import cards
from hanse.posts.models import Attachment, LinkPreview, Post
from hanse.posts.services.bookmarks import bookmark_add
from hanse.posts.services.posts import post_update
from hanse.posts.services.reactions import reaction_toggle
from tests.posts.conftest import Cast

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_previews")]


def _card(html: str, post: Post) -> str:
    match = re.search(
        rf'<article class="post card[^"]*" id="post-{post.pk}".*?</article>', html, re.S
    )
    assert match, f"card of post {post.pk} not on the page"
    return match.group(0)


def _home(client: Client) -> str:
    """The company stream: company-wide posts reach everybody there."""
    return client.get(reverse("posts:company")).content.decode()


def test_second_view_comes_from_the_cache_and_equals_the_first(
    cast: Cast,
    client_for: Callable[..., Client],
    make_post: Callable[..., Post],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    post = make_post(cast.owner, "Erster **Beitrag**")
    # Three days old: its relative time ("3 days ago") is part of the card's key and stays
    # the same between the two views, however slow the machine ("now" may turn into "1 minute").
    Post.objects.filter(pk=post.pk).update(created_at=timezone.now() - timedelta(days=3))
    client = client_for(cast.member)
    rendered: list[int] = []
    render = cards._render

    def counting(request: Any, item: Any) -> list[str]:  # counts, then renders for real
        rendered.append(item.post.pk)
        return render(request, item)

    monkeypatch.setattr(cards, "_render", counting)
    first = _card(_home(client), post)
    assert post.pk in rendered
    rendered.clear()
    second = _card(_home(client), post)
    assert rendered == []  # from the cache (local memory, or Redis in CI's second run)
    # Equal but for the CSRF token, which is masked afresh for every response.
    token = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert token.sub("", first) == token.sub("", second)
    assert "Erster <strong>Beitrag</strong>" in second


def test_an_edit_shows_at_once(
    cast: Cast, client_for: Callable[..., Client], make_post: Callable[..., Post]
) -> None:
    post = make_post(cast.owner, "Alte Fassung")
    client = client_for(cast.member)
    assert "Alte Fassung" in _card(_home(client), post)
    post_update(post=post, by=cast.owner, body="Neue Fassung")
    card = _card(_home(client), post)
    assert "Neue Fassung" in card
    assert "Alte Fassung" not in card
    assert "edited" in card


def test_author_name_and_link_preview_changes_show_at_once(
    cast: Cast, client_for: Callable[..., Client], make_post: Callable[..., Post]
) -> None:
    post = make_post(cast.owner, "Siehe https://example.org/bericht")
    client = client_for(cast.member)
    _home(client)
    cast.owner.first_name = "Olgaline"
    cast.owner.save(update_fields=["first_name"])
    preview = post.link_preview or LinkPreview.objects.create(url="https://example.org/bericht")
    preview.status = "ok"
    preview.title = "Der Jahresbericht"
    preview.fetched_at = timezone.now()
    preview.save()
    Post.objects.filter(pk=post.pk).update(link_preview=preview)
    card = _card(_home(client), post)
    assert "Olgaline" in card
    assert "Der Jahresbericht" in card


def test_one_viewers_state_never_reaches_another(
    cast: Cast, client_for: Callable[..., Client], make_post: Callable[..., Post]
) -> None:
    """Mia reacted and saved the post; Otto sees the same post with neither, Mia with both."""
    post = make_post(cast.owner, "Für alle")
    reaction_toggle(user=cast.member, kind="like", post=post)
    bookmark_add(user=cast.member, post=post)
    mine = _card(_home(client_for(cast.member)), post)
    theirs = _card(_home(client_for(cast.outsider)), post)
    assert 'class="reaction reaction--on"' in mine
    assert 'aria-pressed="true">Saved for later' in mine
    assert "reaction--on" not in theirs
    assert "Saved for later" not in theirs
    # Only the author may edit and delete.
    author_card = _card(_home(client_for(cast.owner)), post)
    assert reverse("posts:edit", args=[post.pk]) in author_card
    assert reverse("posts:edit", args=[post.pk]) not in theirs


def test_forms_carry_this_requests_token_and_path(
    cast: Cast, client_for: Callable[..., Client], make_post: Callable[..., Post]
) -> None:
    """The cached HTML has slots; every page fills in its own CSRF token and `next`."""
    post = make_post(cast.owner, "Token")
    cast.member.is_superuser = True  # sees the edit link with its URL-encoded ?next=
    cast.member.save(update_fields=["is_superuser"])
    client = client_for(cast.member)
    _home(client)  # fills the cache
    company = reverse("posts:company")
    html = client.get(company + "?utm=a&b=<x>").content.decode()
    card = _card(html, post)
    assert not re.search(r"slot[0-9a-f]{32}", html)
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', card)
    assert tokens and all(len(t) == 64 for t in tokens)
    # Escaped in attributes, URL-encoded in links.
    assert f'name="next" value="{company}?utm=a&amp;b=%3Cx%3E"' in card
    assert f"?next={company}%3Futm%3Da%26b%3D%253Cx%253E" in card
    # The same cached card on another page returns there.
    home = client.get(reverse("posts:detail", args=[post.pk])).content.decode()
    assert f'name="next" value="{reverse("posts:detail", args=[post.pk])}"' in _card(home, post)


def test_reacting_through_the_cached_card_with_csrf_checks_on(
    cast: Cast, make_post: Callable[..., Post]
) -> None:
    """A browser with CSRF enforcement can use the token a cached card carries."""
    post = make_post(cast.owner, "Reagier mal")
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.member)
    _home(client)
    card = _card(_home(client), post)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', card)
    assert token
    response = client.post(
        reverse("posts:react", args=[post.pk]),
        {"kind": "like", "csrfmiddlewaretoken": token.group(1), "next": "/"},
    )
    assert response.status_code == 302
    assert post.reactions.filter(user=cast.member, kind="like").exists()
    assert 'class="reaction reaction--on"' in _card(_home(client), post)


def test_language_is_part_of_the_key(
    cast: Cast, client_for: Callable[..., Client], make_post: Callable[..., Post]
) -> None:
    post = make_post(cast.owner, "Sprache")
    cast.member.ui_language = "de"
    cast.member.save(update_fields=["ui_language"])
    german = _card(_home(client_for(cast.member)), post)
    english = _card(_home(client_for(cast.outsider)), post)
    assert ">Merken</button>" in german
    assert "Save for later" in english


# The slot names of the card cache before issue 9.6: content that carries them must stay text.
FORGED = ("hanseCsrfSlot0", "hanseNextSlot0")


def test_content_cannot_forge_a_slot(
    cast: Cast, client_for: Callable[..., Client], make_post: Callable[..., Post]
) -> None:
    """Slot names in the body, the link preview, a file name or the author's name stay as
    written; the reader's CSRF token is only in the forms' hidden inputs."""
    bait = " ".join(FORGED) + " [x](/posts/?next=hanseNextSlot0&t=hanseCsrfSlot0)"
    cast.owner.first_name = "hanseCsrfSlot0"
    cast.owner.save(update_fields=["first_name"])
    post = make_post(cast.owner, f"Siehe https://example.org/falle {bait}")
    preview = LinkPreview.objects.create(
        url="https://example.org/falle",
        status="ok",
        title=f"Titel {bait}",
        description=f"Beschreibung {bait}",
        site_name="hanseCsrfSlot0",
        fetched_at=timezone.now(),
    )
    Post.objects.filter(pk=post.pk).update(link_preview=preview)
    Attachment.objects.create(
        uploader=cast.owner,
        post=post,
        kind="file",
        file="attachments/falle.pdf",
        original_name="hanseCsrfSlot0 hanseNextSlot0.pdf",
        content_type="application/pdf",
        size=10,
    )
    client = client_for(cast.member)
    for _view in range(2):  # rendered, then from the cache
        card = _card(_home(client), post)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', card)
        assert token
        forms = card.count('name="csrfmiddlewaretoken"')
        assert card.count(token.group(1)) == forms
        nexts = re.findall(r'name="next" value="([^"]*)"', card)
        assert nexts and set(nexts) == {reverse("posts:company")}
        for name in FORGED:
            assert name in card
        assert "/posts/?next=hanseNextSlot0&amp;t=hanseCsrfSlot0" in card


def test_a_card_ages_in_the_cache(
    cast: Cast,
    client_for: Callable[..., Client],
    make_post: Callable[..., Post],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The relative time is filled per request: two days later the same cached card says
    "2 days ago" instead of "3 hours ago", and nothing is rendered again (issue 13)."""
    from types import SimpleNamespace

    from hanse.core.templatetags import hanse_time

    post = make_post(cast.owner, "Älter werden")
    Post.objects.filter(pk=post.pk).update(created_at=timezone.now() - timedelta(hours=3))
    client = client_for(cast.member)
    first = _card(_home(client), post)
    assert re.search(r"3 (hours|Stunden)", first)
    rendered: list[int] = []
    render = cards._render

    def counting(request: Any, item: Any) -> list[str]:  # counts, then renders for real
        rendered.append(item.post.pk)
        return render(request, item)

    monkeypatch.setattr(cards, "_render", counting)
    later = timezone.now() + timedelta(days=2)
    clock = SimpleNamespace(
        now=lambda: later, is_naive=timezone.is_naive, make_aware=timezone.make_aware
    )
    monkeypatch.setattr(hanse_time, "timezone", clock)
    second = _card(_home(client), post)
    assert rendered == []
    assert re.search(r"2 (days|Tagen)", second) and not re.search(r"3 (hours|Stunden)", second)
