"""The notification types of circles and multipliers, registered from CirclesConfig.ready().

What a notification says is only ever about the recipient themselves (they are matched,
not placed, approved): never a goal, a check-in or anything said in a circle.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from hanse.circles.models import Circle, CircleRound, FriendCircle, Multiplier
from hanse.core.rules import is_active_user
from hanse.notifications.registry import NotificationType, RenderedText, register

if TYPE_CHECKING:
    from hanse.notifications.models import Notification
    from hanse.people.models import User


def _rounds_visible(user: User) -> QuerySet[Any]:
    # Every employee may know that a round exists (its name and dates).
    return CircleRound.objects.all() if is_active_user(user) else CircleRound.objects.none()


def _circles_visible(user: User) -> QuerySet[Any]:
    return Circle.objects.visible_to(user)


def _multipliers_visible(user: User) -> QuerySet[Any]:
    return Multiplier.objects.visible_to(user)


def _render_opened(n: Notification) -> RenderedText:
    return RenderedText(
        title=_g("Sign-up for the WOL circles “%(name)s” is open")
        % {"name": n.data.get("name", "")},
        body=_g("Sign up by %(date)s: 12 weeks, one hour a week, with 4 colleagues.")
        % {"date": n.data.get("closes", "")},
        url=reverse("circles:index"),
    )


def _render_matched(n: Notification) -> RenderedText:
    return RenderedText(
        title=_g("You are in the WOL circle “%(name)s”") % {"name": n.data.get("name", "")},
        body=_g("Meet your circle: the first meeting, the chat and your goal are in its space."),
        url=reverse("circles:space", args=[n.data.get("circle_id", 0)]),
    )


def _render_unplaced(n: Notification) -> RenderedText:
    return RenderedText(
        title=_g("We could not place you in a circle this round"),
        body=_g(
            "No circle had a time, place and language that suited everyone. You can join the "
            "next round, or ask the coordinators for a circle with room."
        ),
        url=reverse("circles:index"),
    )


def _render_decided(n: Notification) -> RenderedText:
    if n.data.get("approved"):
        title = _g("You are now a Connector")
        body = _g("Welcome to the multipliers! Your profile shows the badge and your topics.")
    else:
        title = _g("Your application as a Connector was not accepted this time")
        body = _g("Ask the coordinators if you would like to know more.")
    return RenderedText(title=title, body=body, url=reverse("circles:multipliers"))


def _render_facilitator(n: Notification) -> RenderedText:
    return RenderedText(
        title=_g("You facilitate your circle “%(name)s” today") % {"name": n.data.get("name", "")},
        body=_g("Week %(week)s: the agenda and exercises are in your circle's space.")
        % {"week": n.data.get("week", "")},
        url=reverse("circles:space", args=[n.data.get("circle_id", 0)]),
    )


ROUND_OPENED = register(
    NotificationType(
        key="circle_round_opened",
        label=_("New WOL circle rounds"),
        description=_("Sign-up for a new round of Working Out Loud circles opens."),
        channels={"in_app": True, "email": "digest", "push": False},
        render=_render_opened,
        target_visible=_rounds_visible,
    )
)
MATCHED = register(
    NotificationType(
        key="circle_matched",
        label=_("Your WOL circle"),
        description=_("You have been placed in a circle, or could not be placed this round."),
        channels={"in_app": True, "email": "immediate", "push": True},
        important=True,
        render=_render_matched,
        target_visible=_circles_visible,
        private_conversation=True,
    )
)
UNPLACED = register(
    NotificationType(
        key="circle_unplaced",
        label=_("Not placed in a WOL circle"),
        description=_("A round was matched and no circle suited you this time."),
        channels={"in_app": True, "email": "immediate", "push": False},
        important=True,
        render=_render_unplaced,
        target_visible=_rounds_visible,
        private_conversation=True,
    )
)
MULTIPLIER_DECIDED = register(
    NotificationType(
        key="multiplier_decided",
        label=_("Connector role"),
        description=_("A coordinator has decided on your application as a Connector."),
        channels={"in_app": True, "email": "immediate", "push": False},
        important=True,
        render=_render_decided,
        target_visible=_multipliers_visible,
    )
)
FACILITATOR = register(
    NotificationType(
        key="circle_facilitator",
        label=_("Facilitator of the week"),
        description=_("It is your turn to facilitate your circle's meeting today."),
        channels={"in_app": True, "email": False, "push": True},
        render=_render_facilitator,
        target_visible=_circles_visible,
        private_conversation=True,
    )
)


# --- friends forming a circle themselves (wt/leftovers) ------------------------------------


def _friend_circles_visible(user: User) -> QuerySet[Any]:
    return FriendCircle.objects.visible_to(user)


def _render_friend_invited(n: Notification) -> RenderedText:
    return RenderedText(
        title=_g("%(person)s invites you to a WOL circle “%(name)s”")
        % {"person": n.data.get("by", ""), "name": n.data.get("name", "")},
        body=_g("12 weeks, one hour a week: %(when)s. Confirm or decline.")
        % {"when": n.data.get("when", "")},
        url=reverse("circles:friends_detail", args=[n.data.get("proposal_id", 0)]),
    )


def _render_friend_lapsed(n: Notification) -> RenderedText:
    return RenderedText(
        title=_g("The circle “%(name)s” will not take place") % {"name": n.data.get("name", "")},
        body=_g(
            "Too few colleagues confirmed. You can invite others or sign up for the next round."
        ),
        url=reverse("circles:friends_detail", args=[n.data.get("proposal_id", 0)]),
    )


FRIEND_INVITED = register(
    NotificationType(
        key="circle_friend_invited",
        label=_("Invitations to a WOL circle"),
        description=_("A colleague invites you to a circle they are forming."),
        channels={"in_app": True, "email": "immediate", "push": True},
        render=_render_friend_invited,
        target_visible=_friend_circles_visible,
        private_conversation=True,
    )
)
FRIEND_LAPSED = register(
    NotificationType(
        key="circle_friend_lapsed",
        label=_("A proposed WOL circle did not form"),
        description=_("Too few of the invited colleagues confirmed a circle."),
        channels={"in_app": True, "email": "immediate", "push": False},
        render=_render_friend_lapsed,
        target_visible=_friend_circles_visible,
        private_conversation=True,
    )
)
