"""Rounds, sign-ups, matching and confirmation: a round becomes circles."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hanse.chat.models import Channel
from hanse.chat.services import channels as chat_channels
from hanse.circles import interactions as circle_interactions
from hanse.circles import matching, rules, tasks
from hanse.circles.models import Circle, CircleMember, CircleRound, SignUp, SignUpWish
from hanse.circles.models.circles import SLOTS
from hanse.circles.people import location_of, people_of, slots_of
from hanse.core.errors import PermissionRefused, ServiceError
from hanse.events.recurrence import zone
from hanse.events.selectors import bump_upcoming_versions
from hanse.events.services import events as event_services
from hanse.jobs.outbox import enqueue_on_commit
from hanse.people.models import Location, User

MAX_WISHES = 5
# Names for circles, the rivers and harbours of the north.
CIRCLE_NAMES = [
    "Elbe", "Weser", "Trave", "Ems", "Eider", "Schwentine", "Stör", "Alster", "Hunte",
    "Oste", "Wakenitz", "Warnow", "Peene", "Recknitz", "Treene", "Krückau", "Pinnau",
    "Wümme", "Lühe", "Schwinge",
]  # fmt: skip


def _require_coordinator(by: User) -> None:
    if not rules.is_coordinator(by):
        raise PermissionRefused(_("Only circle coordinators can do this."))


def round_create(
    *,
    by: User,
    name: str,
    signup_closes: dt.date,
    starts_on: dt.date,
    weeks: int = 12,
    min_size: int = 4,
    max_size: int = 5,
) -> CircleRound:
    """Open a round for sign-ups (coordinators)."""
    _require_coordinator(by)
    name = (name or "").strip()
    if not name or len(name) > 120:
        raise ServiceError(_("Give the round a name of at most 120 characters."), code="name")
    if starts_on <= signup_closes:
        raise ServiceError(_("The first week must start after the sign-up closes."), code="dates")
    if not 1 <= weeks <= 52:
        raise ServiceError(_("A round lasts between 1 and 52 weeks."), code="weeks")
    if not 2 <= min_size <= max_size <= 12:
        raise ServiceError(
            _("Circle sizes must be between 2 and 12, the smallest not above the largest."),
            code="sizes",
        )
    with transaction.atomic():
        round_ = CircleRound.objects.create(
            name=name,
            signup_closes=signup_closes,
            starts_on=starts_on,
            weeks=weeks,
            min_size=min_size,
            max_size=max_size,
            created_by=by,
        )
        enqueue_on_commit(tasks.notify_round_opened, round_.pk)
    return round_


def signup_save(
    *,
    user: User,
    round_: CircleRound,
    slots: Sequence[int],
    mode: str,
    location: Location | None,
    language: str,
    goal: str = "",
    with_people: Sequence[User] = (),
    without_people: Sequence[User] = (),
) -> SignUp:
    """Sign up for a round, or change one's sign-up while sign-up is open."""
    if not rules.may_sign_up(user, round_):
        raise ServiceError(_("Sign-up for this round is closed."), code="closed")
    chosen = sorted({int(s) for s in slots if int(s) in SLOTS})
    if not chosen:
        raise ServiceError(_("Choose at least one weekly time that suits you."), code="slots")
    if mode not in SignUp.Mode.values:
        raise ServiceError(_("Choose online or on site."), code="mode")
    if mode != SignUp.Mode.ONLINE and location is None:
        raise ServiceError(_("Choose the location where you would meet on site."), code="location")
    if language not in SignUp.Language.values:
        raise ServiceError(_("Choose a language."), code="language")
    goal = (goal or "").strip()
    if len(goal) > 1000:
        raise ServiceError(_("Your goal may be at most 1000 characters long."), code="goal")
    with_ids = {p.pk for p in with_people if p.pk != user.pk}
    without_ids = {p.pk for p in without_people if p.pk != user.pk}
    if with_ids & without_ids:
        raise ServiceError(_("A colleague cannot be both a wish and an exclusion."), code="wishes")
    if len(with_ids) > MAX_WISHES or len(without_ids) > MAX_WISHES:
        raise ServiceError(
            _("Name at most %(max)d colleagues in each list.") % {"max": MAX_WISHES},
            code="wishes",
        )
    with transaction.atomic():
        signup, _created = SignUp.objects.update_or_create(
            round=round_,
            user=user,
            defaults={
                "slots": chosen,
                "mode": mode,
                "location": location if mode != SignUp.Mode.ONLINE else None,
                "language": language,
                "goal": goal,
            },
        )
        SignUpWish.objects.filter(signup=signup).delete()
        SignUpWish.objects.bulk_create(
            [SignUpWish(signup=signup, other_id=i, kind=SignUpWish.Kind.WITH) for i in with_ids]
            + [
                SignUpWish(signup=signup, other_id=i, kind=SignUpWish.Kind.WITHOUT)
                for i in without_ids
            ]
        )
    return signup


def signup_withdraw(*, user: User, round_: CircleRound) -> None:
    """Withdraw one's sign-up while sign-up is open."""
    if not rules.may_sign_up(user, round_):
        raise ServiceError(_("Sign-up for this round is closed."), code="closed")
    SignUp.objects.filter(round=round_, user=user).delete()


# --- matching ---------------------------------------------------------------------------


def _signups(round_: CircleRound) -> list[SignUp]:
    return list(SignUp.objects.filter(round=round_).select_related("user").order_by("id"))


def round_match(*, by: User, round_: CircleRound) -> dict[str, Any]:
    """Run the matching and store the proposal for review (coordinators)."""
    if not rules.may_review_matching(by, round_):
        raise PermissionRefused(_("Only circle coordinators can match an open round."))
    signups = _signups(round_)
    result = matching.match(
        people_of(signups), min_size=round_.min_size, max_size=round_.max_size, seed=round_.pk
    )
    proposal = {
        "circles": result.circles,
        "unplaced": result.unplaced,
        "objective": result.objective.as_dict(),
    }
    round_.proposal = proposal
    round_.status = CircleRound.Status.MATCHING
    round_.save(update_fields=["proposal", "status"])
    return proposal


def proposal_move(*, by: User, round_: CircleRound, signup_id: int, to: int | None) -> None:
    """Move a person to another proposed circle (``to`` its index; None: unplaced, -1: a new
    circle). The hard rules are checked here; the message never says whose wish blocks."""
    if not rules.may_review_matching(by, round_) or not round_.proposal:
        raise PermissionRefused(_("Only circle coordinators can change a proposal."))
    circles: list[list[int]] = [list(c) for c in round_.proposal.get("circles", [])]
    unplaced: list[int] = list(round_.proposal.get("unplaced", []))
    if signup_id not in unplaced and not any(signup_id in c for c in circles):
        raise ServiceError(_("This person is not part of the proposal."), code="unknown")
    if to is not None and not -1 <= to < len(circles):
        raise ServiceError(_("This circle does not exist."), code="unknown_circle")
    signups = _signups(round_)
    people = people_of(signups)
    if to is not None and to >= 0:
        target = [*circles[to], signup_id] if signup_id not in circles[to] else circles[to]
        if not matching.fits(people, target, max_size=round_.max_size):
            raise ServiceError(
                _(
                    "This person cannot join this circle: it would be too large, or there is "
                    "no common time, place or language, or a sign-up rules it out."
                ),
                code="hard_rule",
            )
    for c in circles:
        if signup_id in c:
            c.remove(signup_id)
    if signup_id in unplaced:
        unplaced.remove(signup_id)
    if to is None:
        unplaced.append(signup_id)
    elif to == -1:
        circles.append([signup_id])
    else:
        circles[to].append(signup_id)
    round_.proposal = {
        "circles": circles,
        "unplaced": sorted(unplaced),
        "objective": matching.evaluate(
            people, circles, unplaced, min_size=round_.min_size, max_size=round_.max_size
        ).as_dict(),
    }
    round_.save(update_fields=["proposal"])


def _first_meeting(starts_on: dt.date, slot: int) -> dt.datetime:
    day = starts_on + dt.timedelta(days=(slot // 100 - 1 - starts_on.weekday()) % 7)
    return dt.datetime.combine(day, dt.time(slot % 100), tzinfo=zone("Europe/Berlin"))


def circle_create(
    *,
    members: Sequence[User],
    name: str,
    starts_on: dt.date,
    weeks: int,
    slot: int,
    location: Location | None,
    round_: CircleRound | None = None,
    goals: dict[int, str] | None = None,
) -> Circle:
    """A circle with its weekly meeting (events) and its chat (chat), members only. Called
    by ``round_confirm`` and by friends who register their own circle."""
    if len(members) < 2:
        raise ServiceError(_("A circle needs at least two people."), code="too_small")
    first = members[0]
    start = _first_meeting(starts_on, slot)
    with transaction.atomic():
        circle = Circle.objects.create(
            round=round_,
            name=name,
            starts_on=starts_on,
            weeks=weeks,
            slot=slot,
            online=location is None,
            location=location,
        )
        CircleMember.objects.bulk_create(
            [
                CircleMember(circle=circle, user=m, position=i, goal=(goals or {}).get(m.pk, ""))
                for i, m in enumerate(members)
            ]
        )
        # The meeting's title and description say nothing of what the circle talks about.
        circle.event = event_services.event_create(
            by=first,
            title=_("WOL circle %(name)s") % {"name": name},
            description=_("The weekly meeting of the Working Out Loud circle."),
            start=start,
            end=start + dt.timedelta(hours=1),
            rrule=f"FREQ=WEEKLY;COUNT={weeks}",
            location=location,
        )
        circle.channel = chat_channels.channel_create(
            by=first,
            name=f"WOL {name}"[:80],
            kind=Channel.Kind.PRIVATE,
            members=list(members[1:]),
        )
        circle.save(update_fields=["event", "channel"])
        ids = [m.pk for m in members]
        transaction.on_commit(lambda: bump_upcoming_versions(user_ids=ids))
        circle_interactions.circle_formed(member_ids=ids)
    return circle


def round_confirm(*, by: User, round_: CircleRound) -> list[Circle]:
    """Create the proposed circles, tell the members and, honestly, the unplaced."""
    if not rules.may_review_matching(by, round_) or not round_.proposal:
        raise PermissionRefused(_("Only circle coordinators can confirm a proposal."))
    signups = {s.pk: s for s in _signups(round_)}
    proposal = round_.proposal
    groups = [[signups[i] for i in c if i in signups] for c in proposal.get("circles", [])]
    people = people_of(list(signups.values()))
    by_id = {p.id: p for p in people}
    for group in groups:
        if not round_.min_size <= len(group) <= round_.max_size or not matching.fits(
            people, [s.pk for s in group], max_size=round_.max_size
        ):
            raise ServiceError(
                _(
                    "A proposed circle breaks a rule (size, common time, place, language or "
                    "a sign-up). Move people until every circle fits, then confirm."
                ),
                code="hard_rule",
            )
    created: list[Circle] = []
    with transaction.atomic():
        taken = Circle.objects.filter(round=round_).count()
        for n, group in enumerate(groups):
            common_slots = -1
            common_venue = -1
            for s in group:
                common_slots &= by_id[s.pk].slots
                common_venue &= by_id[s.pk].venues
            slot = slots_of(common_slots)[0]
            location_id = None if common_venue & matching.ONLINE else location_of(common_venue)
            location = Location.objects.filter(pk=location_id).first() if location_id else None
            created.append(
                circle_create(
                    members=[s.user for s in group],
                    name=CIRCLE_NAMES[(taken + n) % len(CIRCLE_NAMES)]
                    + (f" {(taken + n) // len(CIRCLE_NAMES) + 1}" if taken + n >= 20 else ""),
                    starts_on=round_.starts_on,
                    weeks=round_.weeks,
                    slot=slot,
                    location=location,
                    round_=round_,
                    goals={s.user_id: s.goal for s in group},
                )
            )
        round_.status = CircleRound.Status.CONFIRMED
        round_.confirmed_at = timezone.now()
        round_.save(update_fields=["status", "confirmed_at"])
        enqueue_on_commit(tasks.notify_round_confirmed, round_.pk)
    return created
