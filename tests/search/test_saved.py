"""Saved searches: keep a search from the results page, list and delete it, and hear about new
results (only those the person may read) through a notification."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from hanse.notifications.models import Notification
from hanse.people.models import User
from hanse.posts.models import Post
from hanse.search.models import SavedSearch
from hanse.search.saved import check_saved_searches
from tests.posts.conftest import Cast

pytestmark = pytest.mark.django_db


def test_save_from_the_results_page(client_for: Callable[[User], Client], cast: Cast) -> None:
    """The page offers the form; saving keeps the words and filters, not the page number."""
    client = client_for(cast.member)
    html = client.get("/search/?q=Kredit&type=post&page=2").content.decode()
    assert "Save this search" in html
    assert 'name="query" value="q=Kredit&amp;type=post"' in html
    response = client.post(
        "/search/saved/new/", {"query": "q=Kredit&type=post&page=2", "name": "", "notify": "on"}
    )
    saved = SavedSearch.objects.get(user=cast.member)
    assert (saved.name, saved.query, saved.notify) == ("Kredit", "q=Kredit&type=post", True)
    assert response["Location"] == "/search/?q=Kredit&type=post"
    client.post("/search/saved/new/", {"query": "type=post&q=Kredit", "name": "Kredite"})
    assert SavedSearch.objects.get(user=cast.member).name == "Kredite"  # the same search


def test_nothing_to_save(client_for: Callable[[User], Client], cast: Cast) -> None:
    client = client_for(cast.member)
    response = client.post("/search/saved/new/", {"query": "sort=newest"}, follow=True)
    assert "Search for something first, then save it." in response.content.decode()
    assert not SavedSearch.objects.exists()


def test_list_notify_and_delete_only_ones_own(
    client_for: Callable[[User], Client], cast: Cast
) -> None:
    mine = SavedSearch.objects.create(user=cast.member, name="Kredit", query="q=Kredit")
    theirs = SavedSearch.objects.create(user=cast.owner, name="Geheim", query="q=Geheim")
    client = client_for(cast.member)
    html = client.get("/search/saved/").content.decode()
    assert 'href="/search/?q=Kredit"' in html
    assert "Geheim" not in html
    assert client.post(f"/search/saved/{theirs.pk}/delete/").status_code == 404
    assert client.post(f"/search/saved/{theirs.pk}/notify/").status_code == 404
    client.post(f"/search/saved/{mine.pk}/notify/", {})
    mine.refresh_from_db()
    assert mine.notify is False
    client.post(f"/search/saved/{mine.pk}/delete/")
    assert list(SavedSearch.objects.values_list("name", flat=True)) == ["Geheim"]


def test_new_results_are_told_once_and_only_when_readable(
    cast: Cast, make_post: Callable[..., Post], committed: Any
) -> None:
    """A new readable post makes one notification; a secret one the person cannot read, none."""
    saved = SavedSearch.objects.create(
        user=cast.outsider,
        name="Bausparen",
        query="q=Bausparen",
        checked_at=timezone.now() - timedelta(minutes=1),
    )
    with committed():
        make_post(cast.member, "Bausparen lohnt sich wieder", community=cast.secret)
    assert check_saved_searches.call() == 0
    with committed():
        make_post(cast.member, "Bausparen für Azubis", community=cast.open)
    assert check_saved_searches.call() == 1
    note = Notification.objects.get(recipient=cast.outsider)
    assert note.type == "saved_search_results"
    assert note.data["count"] == 1
    assert check_saved_searches.call() == 0  # nothing new since
    saved.refresh_from_db()
    assert saved.checked_at > note.created_at - timedelta(seconds=5)
