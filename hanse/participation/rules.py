"""What a person may do with polls: the one place it is decided.

Whether a person may *see* a poll is ``Poll.objects.visible_to`` (its post's visibility);
these predicates decide what they may do with one they can see.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from hanse.communities.rules import is_moderator
from hanse.core.rules import is_active_user, is_platform_admin
from hanse.people.guests import is_guest
from hanse.posts.rules import PUBLISH_ANNOUNCEMENT, may_post_in

if TYPE_CHECKING:
    from datetime import datetime

    from hanse.communities.models import Community
    from hanse.participation.models import (
        Poll,
        Praise,
        Question,
        TownHall,
        TownHallQuestion,
    )
    from hanse.posts.models import Comment

# A reminder to those who have not voted goes out at most once a day per poll.
REMIND_EVERY = timedelta(hours=24)


def may_create_poll_in(user: Any, community: Community | None) -> bool:
    """Whoever may post there may ask there (company-wide, own profile, member's community)."""
    return may_post_in(user, community)


def may_vote(user: Any, poll: Poll, *, now: datetime | None = None) -> bool:
    """Any active person who sees the poll, until it closes (the server's clock decides).
    Who sees it is ``Poll.objects.visible_to`` (for a poll in a chat message: the channel's
    members), which the vote service asks again under the poll's row lock."""
    return is_active_user(user) and not poll.is_closed(now)


def may_change_vote(user: Any, poll: Poll, *, now: datetime | None = None) -> bool:
    """Named polls only: an anonymous ballot is a counter, nobody knows which one was mine."""
    return not poll.anonymous and may_vote(user, poll, now=now)


def may_see_results(user: Any, poll: Poll, *, voted: bool, now: datetime | None = None) -> bool:
    """As the poll says: always, once one has voted, or once it has closed. The author and
    moderators are no exception (a poll "after closing" is secret until then for everyone)."""
    if poll.is_closed(now) or poll.results == poll.Results.ALWAYS:
        return True
    return poll.results == poll.Results.AFTER_VOTE and voted


def may_manage_poll(user: Any, poll: Poll) -> bool:
    """Close early, remind non-voters: the author, the community's moderators, admins (a
    poll in a chat message: its author and admins)."""
    if not is_active_user(user):
        return False
    if poll.author_id == user.pk or is_platform_admin(user):
        return True
    community = poll.post.community if poll.post_id and poll.post else None
    return community is not None and bool(is_moderator(user, community))


def may_export_poll(user: Any, poll: Poll, *, now: datetime | None = None) -> bool:
    """The author, once the results are visible to them (named: who chose what)."""
    return (
        is_active_user(user)
        and poll.author_id == user.pk
        and may_see_results(user, poll, voted=True, now=now)
    )


def may_remind(user: Any, poll: Poll, *, now: datetime | None = None) -> bool:
    """Managers of an open poll, once a day."""
    now = now or timezone.now()
    if not may_manage_poll(user, poll) or poll.is_closed(now):
        return False
    return poll.reminded_at is None or poll.reminded_at <= now - REMIND_EVERY


# --- questions and answers ----------------------------------------------------------------


def may_ask_in(user: Any, community: Community) -> bool:
    """Questions are asked in a community, by its members (who may post there)."""
    return may_post_in(user, community)


def may_accept_answer(user: Any, question: Question) -> bool:
    """The asker, the community's moderators and administrators."""
    if not is_active_user(user):
        return False
    if question.post.author_id == user.pk or is_platform_admin(user):
        return True
    return bool(is_moderator(user, question.community))


def may_upvote(user: Any, answer: Comment) -> bool:
    """Anyone who reads the question, but not for one's own answer."""
    return is_active_user(user) and answer.author_id != user.pk


# --- praise -------------------------------------------------------------------------------


def may_praise(user: Any, recipient: Any, community: Community | None) -> bool:
    """Anyone may thank an active colleague (not oneself): company-wide, or in a community
    both belong to (where their audiences overlap)."""
    if not is_active_user(user) or not is_active_user(recipient) or user.pk == recipient.pk:
        return False
    if community is None:
        return not is_guest(user)
    return may_post_in(user, community) and may_post_in(recipient, community)


def may_hide_praise(user: Any, praise: Praise) -> bool:
    """Only the recipient decides what their profile shows."""
    return is_active_user(user) and praise.recipient_id == user.pk


# --- town halls ---------------------------------------------------------------------------
# Whether a person may *see* a town hall is ``TownHall.objects.visible_to`` (its audience,
# hosts, moderators, administrators); these predicates decide what they may do in one.

# The Django permission "Can create and host town halls", granted in the admin (to a person
# or a group). The communications role (posts' announcement permission) may as well.
HOST_TOWNHALL = "participation.host_townhall"


def may_create_townhall(user: Any) -> bool:
    """Administrators, people granted "host town halls", and the communications role."""
    if not is_active_user(user):
        return False
    return (
        is_platform_admin(user)
        or bool(user.has_perm(HOST_TOWNHALL))
        or bool(user.has_perm(PUBLISH_ANNOUNCEMENT))
    )


def _host_ids(townhall: TownHall) -> set[int]:
    # Prefetched by the selectors' base queryset: no query per check.
    return {h.pk for h in townhall.hosts.all()}


def may_pick_townhall_people(user: Any) -> bool:
    """The person picker of the host and moderator fields: for whoever may fill them in,
    i.e. create town halls or host one (a host edits it)."""
    if not is_active_user(user):
        return False
    return may_create_townhall(user) or user.townhalls_hosted.exists()


def may_edit_townhall(user: Any, townhall: TownHall) -> bool:
    """Its hosts, the person who created it (while they may still create them), admins."""
    if not is_active_user(user):
        return False
    if is_platform_admin(user) or user.pk in _host_ids(townhall):
        return True
    return townhall.created_by_id == user.pk and may_create_townhall(user)


def may_moderate_townhall(user: Any, townhall: TownHall) -> bool:
    """Hosts, the moderators they named, and administrators: approve, merge, pin, answer."""
    if not is_active_user(user):
        return False
    if is_platform_admin(user) or user.pk in _host_ids(townhall):
        return True
    return user.pk in {m.pk for m in townhall.moderators.all()}


def may_ask_in_townhall(user: Any, townhall: TownHall, *, now: datetime | None = None) -> bool:
    """Anyone who sees it, before and during the session (the server's clock decides)."""
    return is_active_user(user) and townhall.phase(now) != "past"


def may_upvote_townhall_question(
    user: Any, question: TownHallQuestion, *, now: datetime | None = None
) -> bool:
    """Open questions, until the session ends; not one's own named question. An anonymous
    question cannot be told apart from anyone else's (nothing names its asker), so its
    asker may upvote it like everyone."""
    if not is_active_user(user) or question.status != question.Status.APPROVED:
        return False
    if question.author_id is not None and question.author_id == user.pk:
        return False
    return question.townhall.phase(now) != "past"
