"""The start page's "colleagues to meet": cached per person, forgotten when what it depends on
changes (a follow, one's skills, unit or location), also after the commit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from hanse.people.models import User
from hanse.people.selectors import people_to_meet, people_to_meet_cache_key
from hanse.people.services import follow, profile_update

pytestmark = pytest.mark.django_db


def _suggested(client: Client) -> list[str]:
    """The usernames the start page's side column suggests."""
    page = client.get(reverse("home:index"))
    assert page.status_code == 200
    return [p.username for p in page.context["suggested_people"]]


def test_following_from_the_start_page_drops_the_colleague_at_once(
    make_user: Callable[..., User], client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    """The list is cached on the first look; after following one of them, the next look of
    the start page no longer suggests them."""
    jonas = make_user("jonas", location=None)
    mates = [make_user(f"mate{n}") for n in range(3)]
    profile_update(user=jonas, by=jonas, skills=["Linux"])
    for mate in mates:
        profile_update(user=mate, by=mate, skills=["Linux"])
    client.force_login(jonas)
    first = _suggested(client)
    assert set(first) == {"mate0", "mate1", "mate2"}
    assert cache.get(f"{people_to_meet_cache_key(jonas.pk)}:6") is not None
    with django_capture_on_commit_callbacks(execute=True):
        follow(follower=jonas, followee=mates[0])
    assert set(_suggested(client)) == {"mate1", "mate2"}


def test_a_list_cached_before_the_commit_is_forgotten_after_it(
    make_user: Callable[..., User], django_capture_on_commit_callbacks: Any
) -> None:
    """A start page rendered while the follow was not committed yet caches the old list; the
    commit forgets it again."""
    jonas = make_user("jonas")
    mate = make_user("mate")
    for person in (jonas, mate):
        profile_update(user=person, by=person, skills=["Linux"])
    key = f"{people_to_meet_cache_key(jonas.pk)}:6"
    with django_capture_on_commit_callbacks() as hooks:
        follow(follower=jonas, followee=mate)
        cache.set(key, [mate.pk])  # what a concurrent look saw before the commit
    assert [p.username for p in people_to_meet(user=jonas)] == ["mate"]
    for hook in hooks:
        hook()
    assert cache.get(key) is None
    assert people_to_meet(user=jonas) == []


def test_new_skills_rank_anew(
    make_user: Callable[..., User], django_capture_on_commit_callbacks: Any
) -> None:
    """Who shares one's skills changes the list: setting one's skills forgets it."""
    anna, ben = make_user("anna", location=None), make_user("ben", location=None)
    profile_update(user=ben, by=ben, skills=["Excel"])
    assert people_to_meet(user=anna) == []  # cached: nobody shares anything yet
    with django_capture_on_commit_callbacks(execute=True):
        profile_update(user=anna, by=anna, skills=["Excel"])
    assert [p.username for p in people_to_meet(user=anna)] == ["ben"]
