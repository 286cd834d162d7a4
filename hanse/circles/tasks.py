"""Background work of circles: the notifications after a round opens or is confirmed and
after a multiplier decision; each event notifies once however often its task runs (each
task's body is ``notify_or_retry``, hanse/notifications/tasks.py, which also retries)."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils import timezone
from django.utils.formats import date_format
from django_tasks import task

from hanse.circles.models import (
    Circle,
    CircleMember,
    CircleRound,
    FriendCircle,
    FriendInvite,
    Multiplier,
    SignUp,
)
from hanse.circles.notifications import (
    FACILITATOR,
    FRIEND_INVITED,
    FRIEND_LAPSED,
    MATCHED,
    MULTIPLIER_DECIDED,
    ROUND_OPENED,
    UNPLACED,
)
from hanse.notifications.models import Notification
from hanse.notifications.services import notify
from hanse.notifications.tasks import Once, notify_or_retry
from hanse.people.models import User


@task()
def notify_round_opened(round_id: int, attempt: int = 1) -> None:
    """Every active employee hears that sign-up is open (in the app; e-mail in the digest)."""
    notify_or_retry(
        notify_round_opened,
        [round_id],
        attempt,
        f"Notifying round {round_id} opened",
        lambda: _round_opened(round_id),
    )


def _round_opened(round_id: int) -> list[Once]:
    round_ = CircleRound.objects.filter(pk=round_id).first()
    if round_ is None:
        return []
    return [
        Once(
            f"circles:round_opened:{round_id}",
            lambda: notify(
                type_key=ROUND_OPENED.key,
                recipients=User.objects.filter(is_active=True),
                target=round_,
                data={"name": round_.name, "closes": date_format(round_.signup_closes)},
            ),
        )
    ]


@task()
def notify_round_confirmed(round_id: int, attempt: int = 1) -> None:
    """Members of the new circles hear where they are; the unplaced are told honestly."""
    notify_or_retry(
        notify_round_confirmed,
        [round_id],
        attempt,
        f"Notifying round {round_id}",
        lambda: _round_confirmed(round_id),
    )


def _round_confirmed(round_id: int) -> list[Once]:
    round_ = CircleRound.objects.filter(pk=round_id).first()
    if round_ is None:
        return []

    def hook() -> list[Notification]:
        made: list[Notification] = []
        placed: set[int] = set()
        members = CircleMember.objects.filter(circle__round=round_).select_related("user", "circle")
        for m in members:
            placed.add(m.user_id)
            made += notify(
                type_key=MATCHED.key,
                recipients=[m.user],
                target=m.circle,
                data={"name": m.circle.name, "circle_id": m.circle_id},
            )
        unplaced = [
            s.user
            for s in SignUp.objects.filter(round=round_).select_related("user")
            if s.user_id not in placed
        ]
        made += notify(type_key=UNPLACED.key, recipients=unplaced, target=round_, data={})
        return made

    return [Once(f"circles:round_confirmed:{round_id}", hook)]


@task()
def notify_multiplier_decided(multiplier_id: int, attempt: int = 1) -> None:
    notify_or_retry(
        notify_multiplier_decided,
        [multiplier_id],
        attempt,
        "Notifying a multiplier",
        lambda: _multiplier_decided(multiplier_id),
    )


def _multiplier_decided(multiplier_id: int) -> list[Once]:
    m = Multiplier.objects.select_related("user").filter(pk=multiplier_id).first()
    if m is None:
        return []
    return [
        Once(
            f"circles:multiplier:{multiplier_id}:{m.status}",
            lambda: notify(
                type_key=MULTIPLIER_DECIDED.key,
                recipients=[m.user],
                target=m,
                data={"approved": m.status == Multiplier.Status.APPROVED},
            ),
        )
    ]


@task()
def circle_day(attempt: int = 1) -> None:
    """Tell today's facilitators (once per circle and week); finish circles past their weeks."""
    notify_or_retry(circle_day, [], attempt, "The circles' day", _circle_day)


def _circle_day() -> Iterator[Once]:
    # A generator: each circle is finished or its facilitator told before the next is looked at.
    today = timezone.localdate()
    running = Circle.objects.filter(status=Circle.Status.RUNNING, starts_on__lte=today)
    for circle in running:
        week = (today - circle.starts_on).days // 7 + 1
        if week > circle.weeks:
            circle.status = Circle.Status.FINISHED
            circle.save(update_fields=["status"])
            continue
        if circle.slot // 100 != today.isoweekday():
            continue
        members = list(circle.members.select_related("user").order_by("position", "id"))
        if not members:
            continue
        facilitator = members[(week - 1) % len(members)].user

        def hook(
            circle: Circle = circle, user: User = facilitator, week: int = week
        ) -> list[Notification]:
            return notify(
                type_key=FACILITATOR.key,
                recipients=[user],
                target=circle,
                data={"name": circle.name, "circle_id": circle.pk, "week": week},
            )

        yield Once(f"circles:facilitator:{circle.pk}:{week}", hook)


# --- friends forming a circle themselves (wt/leftovers) ------------------------------------


@task()
def notify_friend_circle(proposal_id: int, attempt: int = 1) -> None:
    """After a proposal changes: invitees hear of it once; a formed circle tells its members
    (as a matched round does); a lapsed one tells who proposed and who confirmed it."""
    notify_or_retry(
        notify_friend_circle,
        [proposal_id],
        attempt,
        f"Friend circle {proposal_id}",
        lambda: _friend_circle(proposal_id),
    )


def _friend_circle(proposal_id: int) -> Iterator[Once]:
    # A generator: the invitees are told before the proposal's circle is looked at.
    proposal = FriendCircle.objects.select_related("initiator").filter(pk=proposal_id).first()
    if proposal is None:
        return

    def invited() -> list[Notification]:
        pending = FriendInvite.objects.filter(proposal=proposal).select_related("user")
        return notify(
            type_key=FRIEND_INVITED.key,
            recipients=[i.user for i in pending],
            actor=proposal.initiator,
            target=proposal,
            data={
                "name": proposal.name,
                "by": proposal.initiator.display_name,
                "when": proposal.slot_label,
                "proposal_id": proposal.pk,
            },
        )

    yield Once(f"circles:friends_invited:{proposal_id}", invited)
    circle = proposal.circle
    if proposal.status == FriendCircle.Status.FORMED and circle is not None:

        def formed(circle: Circle = circle) -> list[Notification]:
            made: list[Notification] = []
            for m in CircleMember.objects.filter(circle=circle).select_related("user"):
                made += notify(
                    type_key=MATCHED.key,
                    recipients=[m.user],
                    target=circle,
                    data={"name": circle.name, "circle_id": circle.pk},
                )
            return made

        yield Once(f"circles:friends_formed:{proposal_id}", formed)
    elif proposal.status == FriendCircle.Status.LAPSED:

        def lapsed() -> list[Notification]:
            accepted = FriendInvite.objects.filter(
                proposal=proposal, answer=FriendInvite.Answer.ACCEPTED
            ).select_related("user")
            return notify(
                type_key=FRIEND_LAPSED.key,
                recipients=[proposal.initiator, *[i.user for i in accepted]],
                target=proposal,
                data={"name": proposal.name, "proposal_id": proposal.pk},
            )

        yield Once(f"circles:friends_lapsed:{proposal_id}", lapsed)
