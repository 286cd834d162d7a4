"""The bell's count (two indexed queries, one when nothing is unread) and the list (a fixed
number of queries)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from hanse.communities.models import Community
from hanse.communities.services import membership_leave
from hanse.notifications import registry, selectors
from hanse.notifications.models import Notification
from hanse.posts import notifications as hooks

pytestmark = pytest.mark.django_db


@pytest.fixture
def filled(people: Any, make_post: Callable, make_community: Callable, react: Callable) -> None:
    """Ben's 13 unread notifications: mentions in a private club and company-wide, and three
    reactions to his post."""
    club = make_community(Community.Kind.PRIVATE, owner=people["anna"], members=(people["ben"],))
    for i in range(6):
        hooks.on_post_created(
            make_post(people["anna"], f"Post {i}", community=club, mentions=(people["ben"],))
        )
        hooks.on_post_created(
            make_post(people["cem"], f"Firmenweit {i}", mentions=(people["ben"],))
        )
    mine = make_post(people["ben"], "Mein Beitrag")
    for person in ("anna", "cem", "dora"):
        hooks.on_reaction_added(react(people[person], post=mine))


def test_unread_count_is_two_queries(
    people: Any,
    filled: None,
    django_assert_num_queries: Any,
) -> None:
    """The bell: the types of the unread rows, then their count, whatever the number of
    notifications; the count's filter has branches for those types only."""
    with django_assert_num_queries(2) as queries:
        assert selectors.unread_count(user=people["ben"]) == 13
    unread_types = set(
        Notification.objects.filter(recipient=people["ben"], read_at__isnull=True).values_list(
            "type", flat=True
        )
    )
    every_type = {ntype.key for ntype in registry.all_types()}
    left_out = every_type - unread_types
    assert left_out and unread_types
    count_sql = queries.captured_queries[1]["sql"]
    assert all(f"'{key}'" not in count_sql for key in left_out)


def test_unread_count_with_nothing_unread_is_one_query(
    people: Any,
    filled: None,
    django_assert_num_queries: Any,
) -> None:
    Notification.objects.filter(recipient=people["ben"]).update(read_at=timezone.now())
    with django_assert_num_queries(1):
        assert selectors.unread_count(user=people["ben"]) == 0


def test_unread_count_equals_the_full_filter(people: Any, filled: None) -> None:
    """Restricting the filter to the unread rows' types counts the same rows as the filter of
    every type, also after the person left a community whose notifications then stop
    counting."""
    ben = people["ben"]
    full = selectors.bell_queryset(user=ben).count()
    assert selectors.unread_count(user=ben) == full == 13
    club = Community.objects.get(memberships__user=ben, kind=Community.Kind.PRIVATE)
    membership_leave(community=club, user=ben)
    selectors.forget_unread_counts([ben.pk])
    after = selectors.bell_queryset(user=ben).count()
    assert after < full
    assert selectors.unread_count(user=ben) == after


def test_unread_count_uses_the_partial_index(people: Any) -> None:
    """EXPLAIN shows the bell reads an index on the recipient, never the whole table.

    SQLite picks the partial index notif_unread_idx; PostgreSQL on a near-empty test table
    may prefer the plain recipient index, which is just as selective there."""
    qs = selectors.bell_queryset(user=people["ben"])
    sql, params = qs.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        else:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
        plan = " ".join(str(row) for row in cursor.fetchall())
    if connection.vendor == "sqlite":
        assert "notif_unread_idx" in plan
    else:
        assert "Index" in plan
        assert "Seq Scan on notifications_notification" not in plan


def test_list_runs_a_fixed_number_of_queries(
    people: Any,
    filled: None,
    django_assert_max_num_queries: Any,
) -> None:
    """The list is two queries for 13 notifications with actors, posts and communities: the
    types Ben has, then the page, filtered for those types only."""
    with django_assert_max_num_queries(2):
        page = selectors.notifications_for(user=people["ben"], limit=20)
        titles = [item.text.title for item in page.items]
    assert len(titles) == 13
    assert titles[0] == "Dora Klein and 2 others reacted to your post “Mein Beitrag”"


def test_an_empty_list_is_one_query(people: Any, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(1):
        page = selectors.notifications_for(user=people["dora"])
    assert page.items == [] and page.next_before is None


def _full_filter_ids(user: Any, **filters: Any) -> list[int]:
    """The list as the filter of every registered type gives it."""
    qs = selectors.visible_notifications(user=user).filter(**filters)
    return list(qs.order_by("-updated_at", "-id").values_list("pk", flat=True))


def test_list_equals_the_full_filter(people: Any, filled: None) -> None:
    """Building the visibility filter for the person's own types lists the same rows, in
    the same order, as the filter of every type: all, unread only, older than a cursor, and
    after Ben left the club, whose mentions then leave the list at once."""
    ben = people["ben"]

    def listed(**kwargs: Any) -> list[int]:
        return [i.notification.pk for i in selectors.notifications_for(user=ben, **kwargs).items]

    everything = _full_filter_ids(ben)
    assert listed(limit=100) == everything and len(everything) == 13
    Notification.objects.filter(pk__in=everything[:4]).update(read_at=timezone.now())
    assert listed(limit=100, unread_only=True) == _full_filter_ids(ben, read_at__isnull=True)
    cursor = Notification.objects.get(pk=everything[5]).updated_at
    assert listed(limit=100, before=cursor) == _full_filter_ids(ben, updated_at__lt=cursor)
    club = Community.objects.get(memberships__user=ben, kind=Community.Kind.PRIVATE)
    membership_leave(community=club, user=ben)
    after = _full_filter_ids(ben)
    assert len(after) < 13
    assert listed(limit=100) == after


def test_list_pages_by_updated_at(people: Any, filled: None) -> None:
    """Keyset pages: 13 notifications in pages of 5, 5 and 3, none twice."""
    seen: list[int] = []
    before = None
    for expected in (5, 5, 3):
        page = selectors.notifications_for(user=people["ben"], before=before, limit=5)
        assert len(page.items) == expected
        seen += [item.notification.pk for item in page.items]
        before = page.next_before
    assert before is None
    assert len(set(seen)) == 13 == Notification.objects.filter(recipient=people["ben"]).count()


def test_bell_query_checks_posts_and_comments_once(people: Any) -> None:
    """The post and comment checks are the same for every type, so the bell ANDs them once:
    repeated in each of the twenty-odd branches the query was over 100 kB of SQL, and
    building it cost half a second of CPU on every page with a cold cache."""
    sql = str(selectors.bell_queryset(user=people["ben"]).query)
    assert len(sql) < 40_000


def test_digest_lists_what_the_full_filter_lists(people: Any, filled: None) -> None:
    """The e-mail digest's items, filtered for the waiting rows' types only, are the rows
    the filter of every type gives, also after Ben left the club; none waiting: no items."""
    from hanse.notifications import email
    from hanse.notifications.models import DeliveryState

    ben = people["ben"]

    def full() -> list[int]:
        return list(
            selectors.notifications_visible_to(user=ben)
            .filter(email_state=DeliveryState.DIGEST, read_at__isnull=True)
            .order_by("-updated_at", "-id")
            .values_list("pk", flat=True)
        )

    assert email.digest_items(user=ben) == []
    Notification.objects.filter(recipient=ben).update(email_state=DeliveryState.DIGEST)
    assert [n.pk for n in email.digest_items(user=ben)] == full() and len(full()) == 13
    club = Community.objects.get(memberships__user=ben, kind=Community.Kind.PRIVATE)
    membership_leave(community=club, user=ben)
    assert [n.pk for n in email.digest_items(user=ben)] == full() and len(full()) < 13
