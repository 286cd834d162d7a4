"""Friends forming a circle themselves, and a circle's online meeting link.

A person proposes a circle with 3 or 4 colleagues, a weekly time, a place (or online) and a
language; each invitee confirms or declines. When the last one has answered, the circle is
created through ``rounds.circle_create`` (its weekly meeting and chat, members only) if at
least three people are in, else the proposal lapses. Everyone hears of it after the commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hanse.circles import rules, tasks
from hanse.circles.models import Circle, FriendCircle, FriendInvite, SignUp
from hanse.circles.models.circles import SLOTS
from hanse.circles.services.rounds import circle_create
from hanse.core.errors import PermissionRefused, ServiceError
from hanse.events.models import Event
from hanse.events.services import events as event_services
from hanse.jobs.outbox import enqueue_on_commit
from hanse.people.models import Location, User

MEETING_URL_MAX = 500


def friend_circle_propose(
    *,
    by: User,
    name: str,
    invitees: Sequence[User],
    starts_on: dt.date,
    slot: int,
    location: Location | None,
    language: str,
) -> FriendCircle:
    """Propose a circle to 3 or 4 colleagues; they are told after the commit."""
    if not rules.may_propose_circle(by):
        raise PermissionRefused(_("You may not propose a circle."))
    name = " ".join((name or "").split())
    if not name:
        raise ServiceError(_("Please give the circle a name."), code="name_missing")
    if len(name) > 80:
        raise ServiceError(_("A circle's name may have at most 80 characters."), code="too_long")
    people: list[User] = []
    for person in invitees:
        if person.pk != by.pk and all(p.pk != person.pk for p in people):
            people.append(person)
    if any(p.pk == by.pk for p in invitees):
        raise ServiceError(_("You are in the circle anyway: invite your colleagues."), code="self")
    if not rules.FRIENDS_MIN_INVITEES <= len(people) <= rules.FRIENDS_MAX_INVITEES:
        raise ServiceError(
            _("Invite %(min)d or %(max)d colleagues (a circle has 4 or 5 people).")
            % {"min": rules.FRIENDS_MIN_INVITEES, "max": rules.FRIENDS_MAX_INVITEES},
            code="invitees",
        )
    if any(not p.is_active for p in people):
        raise ServiceError(_("One of the colleagues no longer works here."), code="inactive")
    if slot not in SLOTS:
        raise ServiceError(_("Please choose a weekly time."), code="slot")
    if starts_on < timezone.localdate():
        raise ServiceError(_("The first week cannot lie in the past."), code="past")
    if language not in SignUp.Language.values:
        raise ServiceError(_("Please choose a language."), code="language")
    with transaction.atomic():
        proposal = FriendCircle.objects.create(
            initiator=by,
            name=name,
            starts_on=starts_on,
            slot=slot,
            location=location,
            language=language,
        )
        FriendInvite.objects.bulk_create([FriendInvite(proposal=proposal, user=p) for p in people])
        enqueue_on_commit(tasks.notify_friend_circle, proposal.pk)
    return proposal


def friend_invite_answer(*, by: User, proposal: FriendCircle, accept: bool) -> FriendInvite:
    """Confirm or decline an invitation; the last answer forms the circle (or lets the
    proposal lapse when fewer than three people are in)."""
    with transaction.atomic():
        locked = FriendCircle.objects.select_for_update().get(pk=proposal.pk)
        invite = (
            FriendInvite.objects.select_related("proposal").filter(proposal=locked, user=by).first()
        )
        if invite is None:
            raise PermissionRefused(_("You are not invited to this circle."))
        if not rules.may_answer_invite(by, invite):
            raise ServiceError(_("This invitation has been answered already."), code="answered")
        invite.answer = FriendInvite.Answer.ACCEPTED if accept else FriendInvite.Answer.DECLINED
        invite.answered_at = timezone.now()
        invite.save(update_fields=["answer", "answered_at"])
        invites = list(locked.invites.select_related("user"))
        if all(i.answer != FriendInvite.Answer.PENDING for i in invites):
            accepted = [i.user for i in invites if i.answer == FriendInvite.Answer.ACCEPTED]
            if 1 + len(accepted) >= rules.FRIENDS_MIN_CIRCLE:
                locked.circle = circle_create(
                    members=[locked.initiator, *accepted],
                    name=locked.name,
                    starts_on=locked.starts_on,
                    weeks=locked.weeks,
                    slot=locked.slot,
                    location=locked.location,
                )
                locked.status = FriendCircle.Status.FORMED
            else:
                locked.status = FriendCircle.Status.LAPSED
            locked.save(update_fields=["circle", "status"])
            enqueue_on_commit(tasks.notify_friend_circle, locked.pk)
    proposal.status, proposal.circle = locked.status, locked.circle
    return invite


def clean_meeting_url(url: str) -> str:
    """An online meeting's address: https only (a meeting link carries credentials)."""
    url = (url or "").strip()
    if not url:
        return ""
    if len(url) > MEETING_URL_MAX:
        raise ServiceError(_("The meeting link is too long."), code="invalid_url")
    try:
        URLValidator(schemes=["https"])(url)
    except ValidationError:
        raise ServiceError(
            _("The meeting link must be a web address starting with https://."),
            code="invalid_url",
        ) from None
    return url


def circle_meeting_link_set(*, by: User, circle: Circle, url: str) -> Circle:
    """Set (or clear) the circle's online meeting link; the weekly meeting shows it too."""
    if not rules.may_set_meeting_link(by, circle):
        raise PermissionRefused(_("Only the circle's members may set its meeting link."))
    cleaned = clean_meeting_url(url)
    with transaction.atomic():
        circle.meeting_url = cleaned
        circle.save(update_fields=["meeting_url"])
        event = (
            Event.objects.filter(pk=circle.event_id).select_related("organiser").first()
            if circle.event_id is not None
            else None
        )
        if event is not None and event.organiser is not None and event.online_url != cleaned:
            # The circle's rule decided above; the meeting is changed in its organiser's
            # name (the member who created it), as events' own rules require.
            event_services.event_update(event=event, by=event.organiser, online_url=cleaned)
    return circle
