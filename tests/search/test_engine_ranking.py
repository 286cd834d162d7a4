"""Ranking boosts, suggestions and author matches through the selectors."""

from __future__ import annotations

from typing import Any

import pytest

from hanse.people.models import Follow, Skill, User
from hanse.posts.models import Post
from hanse.posts.services.posts import post_create
from hanse.search import selectors
from hanse.search.selectors import SearchQuery, match_authors, search, suggest
from tests.search.conftest import ids

pytestmark = pytest.mark.django_db


def test_my_communities_and_people_i_follow_rank_first(
    user: User, make_user: Any, make_community: Any, committed: Any
) -> None:
    stranger, friend = make_user("sven"), make_user("frieda")
    with committed():
        mine = make_community(owner=stranger, name="Meine", members=(user,))
        other = make_community(owner=stranger, name="Andere")
        in_other = post_create(author=stranger, body="Kredit", community=other, scope="community")
        in_mine = post_create(author=stranger, body="Kredit", community=mine, scope="community")
        by_stranger = post_create(author=stranger, body="Darlehen")
        by_friend = post_create(author=friend, body="Darlehen")
    Follow.objects.create(follower=user, followee=friend)
    # Same text; the older (lower id) post of my community still comes first.
    assert ids(search(user=user, query=SearchQuery(text="Kredit ")))[:2] == [
        in_mine.pk,
        in_other.pk,
    ]
    assert ids(search(user=user, query=SearchQuery(text="Darlehen "))) == [
        by_friend.pk,
        by_stranger.pk,
    ]


def test_suggestions_while_typing(
    user: User, make_user: Any, make_community: Any, committed: Any
) -> None:
    with committed():
        jens = make_user("jens", first_name="Jens", last_name="Brandt", job_title="Berater")
        club = make_community(owner=user, name="Jenseits der Zahlen")
        post = post_create(author=user, body="Jenaer Glas im Foyer #Jenatreffen")
    typed = suggest(user=user, text="Jen")
    assert [p.pk for p in typed.people] == [jens.pk]
    assert [c.pk for c in typed.communities] == [club.pk]
    assert [t.name for t in typed.hashtags] == ["jenatreffen"]  # tags are stored lower case
    assert [h.object_id for h in typed.hits] == [post.pk]
    assert suggest(user=user, text="J").people == []  # two letters at least


def test_match_authors_counts_visible_documents_per_author(
    user: User, make_user: Any, committed: Any
) -> None:
    ben = make_user("ben")
    with committed():
        first = post_create(author=ben, body="Baufinanzierung erklärt")
        second = post_create(author=ben, body="Mehr zur Baufinanzierung")
        mine = post_create(author=user, body="Frage zur Baufinanzierung")
        ben.skills.add(Skill.objects.create(name="Baufinanzierung", slug="baufinanzierung"))
    matches = match_authors(user=user, text="Baufinanzierung")
    assert matches[ben.pk].count == 2
    assert sorted(matches[ben.pk].object_ids["post"]) == sorted([first.pk, second.pk])
    assert matches[user.pk].object_ids == {"post": [mine.pk]}


def test_paging_and_counts(user: User, committed: Any) -> None:
    with committed():
        posts = [post_create(author=user, body=f"Kredit Nummer {n}") for n in range(7)]
    first = search(user=user, query=SearchQuery(text="Kredit", per_page=3, sort="newest"))
    second = search(user=user, query=SearchQuery(text="Kredit", per_page=3, page=2, sort="newest"))
    third = search(user=user, query=SearchQuery(text="Kredit", per_page=3, page=3, sort="newest"))
    assert first.total == 7 and first.counts["post"] == 7 and first.has_next
    assert ids(first) + ids(second) + ids(third) == [p.pk for p in reversed(posts)]
    assert not third.has_next


def test_filters_only_list_newest_first(user: User, make_user: Any, committed: Any) -> None:
    ben = make_user("ben")
    with committed():
        older = post_create(author=ben, body="Eins")
        newer = post_create(author=ben, body="Zwei")
        post_create(author=user, body="Drei")
    assert ids(search(user=user, query=SearchQuery(text="from:@ben"))) == [newer.pk, older.pk]
    assert ids(search(user=user, query=SearchQuery(text="", author="ben"))) == [newer.pk, older.pk]


def test_unit_filter_includes_units_below(
    user: User, make_user: Any, org: Any, committed: Any
) -> None:
    with committed():
        in_branch = make_user("bea", org_unit=org["moelln"])
        in_it = make_user("ivo", org_unit=org["it_ops"])
        branch_post = post_create(author=in_branch, body="Kredit aus Mölln")
        post_create(author=in_it, body="Kredit aus der IT")
    query = SearchQuery(text="Kredit", unit=org["private"].pk)
    assert ids(search(user=user, query=query)) == [branch_post.pk]


def test_suggestions_rank_only_a_capped_candidate_set(
    user: User, committed: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A short prefix matching many documents: only up to the cap of them are ranked (the
    newest where the engine gives them in that order), and the best of those are shown."""
    with committed():
        posts = [post_create(author=user, body=f"Kreditlinie Nummer {n}") for n in range(8)]
        named = post_create(author=user, body="Kreditlinie Kreditlinie Kreditlinie")
    monkeypatch.setattr(selectors, "SUGGEST_CONTENT_CAP", 3)
    hits = suggest(user=user, text="Kr").hits
    assert 1 <= len(hits) <= 3
    assert {h.object_id for h in hits} <= {p.pk for p in [*posts, named]}
    # A word with fewer matches than the cap is answered by all of them, best first.
    monkeypatch.setattr(selectors, "SUGGEST_CONTENT_CAP", 300)
    assert suggest(user=user, text="Kreditlin").hits[0].object_id == named.pk


def test_people_are_suggested_by_name_not_by_job_title(
    user: User, make_user: Any, committed: Any
) -> None:
    with committed():
        kim = make_user("kim", first_name="Kim", last_name="Kreiser", job_title="Berater")
        make_user("ole", first_name="Ole", last_name="Ohm", job_title="Kreditberater")
    assert [p.pk for p in suggest(user=user, text="Krei").people] == [kim.pk]
    assert [p.pk for p in suggest(user=user, text="Kredit").people] == []


def test_counts_above_the_checked_number_say_more_than(
    user: User, committed: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Beyond the matches checked one by one, a count says "more than" a number that was
    checked: the engine's own figure is never shown."""
    monkeypatch.setattr(selectors, "COUNT_CHECKED", 3)
    with committed():
        for n in range(6):
            post_create(author=user, body=f"Kredit Nummer {n}")
    found = search(user=user, query=SearchQuery(text="Kredit"))
    assert found.counts["post"] == 3 and "post" in found.more
    assert found.total == 3 and found.total_more


def test_counts_never_include_what_the_index_still_holds_but_is_gone(
    user: User, committed: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Posts deleted before the index caught up: the count stays at or below what can be
    read, also above the checked number."""
    monkeypatch.setattr(selectors, "COUNT_CHECKED", 3)
    with committed():
        posts = [post_create(author=user, body=f"Darlehen Nummer {n}") for n in range(6)]
    # Gone without the index hearing of it (no commit hooks run here).
    Post.objects.filter(pk__in=[p.pk for p in posts[:5]]).delete()
    found = search(user=user, query=SearchQuery(text="Darlehen"))
    assert ids(found) == [posts[5].pk]
    readable = 1
    count = found.counts["post"]
    assert count < readable if "post" in found.more else count <= readable
