"""The services queue notifications after commit; the tasks create them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail as django_mail

from hanse.communities.models import Community
from hanse.communities.services import (
    invitation_create,
    join_request_approve,
    join_request_create,
    membership_change_role,
    membership_leave,
)
from hanse.notifications.models import CommunityNotificationSetting, Notification
from hanse.notifications.services import community_setting_set, delivery_settings_update
from hanse.posts.services.comments import comment_create
from hanse.posts.services.posts import post_create
from hanse.posts.services.reactions import reaction_add

pytestmark = pytest.mark.django_db(transaction=True)


def types_of(person: Any) -> list[str]:
    return sorted(Notification.objects.filter(recipient=person).values_list("type", flat=True))


def test_post_in_community_notifies_all_posts_followers(
    people: dict[str, Any], make_community: Callable[..., Community]
) -> None:
    """Followers with "all posts" hear of a new post; highlights-only members do not."""
    anna, ben, cem = people["anna"], people["ben"], people["cem"]
    community = make_community(owner=anna, members=(ben, cem))
    community_setting_set(user=ben, community=community, level="all_posts")
    post_create(author=anna, community=community, body="Treffen am Freitag")
    assert types_of(ben) == ["community_post"]
    assert types_of(cem) == []


def test_mention_in_comment_is_notified_and_mailed(
    people: dict[str, Any], make_community: Callable[..., Community]
) -> None:
    """@cem in a comment: cem gets a mention (and its e-mail right away); anna a reply."""
    anna, ben, cem = people["anna"], people["ben"], people["cem"]
    delivery_settings_update(user=cem, quiet_hours_start=None, quiet_hours_end=None)
    post = post_create(author=anna, body="Wer hat Ideen?")
    comment_create(post=post, author=ben, body="Frag mal @cem")
    assert types_of(cem) == ["mention"]
    assert types_of(anna) == ["reply_to_post"]
    assert [m.to for m in django_mail.outbox] == [["cem@example.org"]]
    assert django_mail.outbox[0].subject == "Ben Meyer mentioned you in a comment"


def test_reactions_are_grouped(people: dict[str, Any]) -> None:
    """Two colleagues react: one notification for anna with both of them."""
    anna, ben, cem = people["anna"], people["ben"], people["cem"]
    post = post_create(author=anna, body="Neue Kaffeemaschine!")
    reaction_add(user=ben, kind="like", post=post)
    reaction_add(user=cem, kind="like", post=post)
    [notification] = Notification.objects.filter(recipient=anna, type="reaction")
    assert notification.count == 2
    assert notification.actor == cem


def test_join_request_notifies_moderators_and_decision_the_requester(
    people: dict[str, Any], make_community: Callable[..., Community]
) -> None:
    """A request reaches owner and moderators; approval reaches the person who asked."""
    anna, ben, cem = people["anna"], people["ben"], people["cem"]
    community = make_community(Community.Kind.PRIVATE, owner=anna, moderators=(ben,))
    request = join_request_create(community=community, user=cem, message="Darf ich?")
    assert types_of(anna) == ["join_request"]
    assert types_of(ben) == ["join_request"]
    join_request_approve(request=request, by=ben)
    assert types_of(cem) == ["join_request_approved"]


def test_invitation_and_role_change_are_notified(
    people: dict[str, Any], make_community: Callable[..., Community]
) -> None:
    """Invited to a secret community; later made moderator."""
    anna, ben, dora = people["anna"], people["ben"], people["dora"]
    community = make_community(Community.Kind.SECRET, owner=anna, members=(ben,))
    invitation_create(community=community, invitee=dora, by=anna)
    assert types_of(dora) == ["community_invitation"]
    membership_change_role(community=community, user=ben, role="moderator", by=anna)
    membership_change_role(community=community, user=ben, role="member", by=anna)
    assert types_of(ben) == ["role_changed", "role_changed"]


def test_leaving_forgets_the_community_level(
    people: dict[str, Any], make_community: Callable[..., Community]
) -> None:
    """After leaving, ben's "all posts" is gone and new posts do not reach him."""
    anna, ben = people["anna"], people["ben"]
    community = make_community(owner=anna, members=(ben,))
    community_setting_set(user=ben, community=community, level="all_posts")
    membership_leave(community=community, user=ben)
    assert not CommunityNotificationSetting.objects.filter(user=ben).exists()
    post_create(author=anna, community=community, body="Noch jemand da?")
    assert types_of(ben) == []


def test_nothing_is_queued_when_the_transaction_rolls_back(people: dict[str, Any]) -> None:
    """Side effects wait for the commit: a rolled-back post notifies nobody."""
    from django.db import transaction

    anna, ben = people["anna"], people["ben"]
    with pytest.raises(RuntimeError), transaction.atomic():
        post_create(author=anna, body="Hallo @ben")
        raise RuntimeError("rolled back")
    assert types_of(ben) == []
