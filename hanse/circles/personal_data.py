"""What circles store about a person: sign-ups with their own goal and wishes, circle
memberships, relationship lists, check-ins, retrospectives, the Connector role, friend
circles and onboarding ticks. Never the wishes others made about them (an exclusion is the
other person's private word)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from hanse.circles.models import (
    CheckIn,
    CircleMember,
    ConnectorStory,
    FriendCircle,
    FriendInvite,
    Multiplier,
    OnboardingTick,
    Relationship,
    Retrospective,
    SignUp,
    SignUpWish,
)
from hanse.core import personal_data

rows = personal_data.rows


def _export(user: Any) -> personal_data.Export:
    records: list[dict[str, Any]] = []
    records += rows(
        SignUp.objects.filter(user=user).order_by("created_at"),
        "id",
        "round__name",
        "goal",
        "slots",
        "mode",
        "location__name",
        "language",
        "created_at",
        kind="signup",
    )
    # Only the wishes this person made; never those others made about them.
    records += rows(
        SignUpWish.objects.filter(signup__user=user).order_by("pk"),
        "signup_id",
        "kind",
        "other_id",
        kind="signup_wish",
    )
    records += rows(
        CircleMember.objects.filter(user=user).order_by("joined_at"),
        "id",
        "circle__name",
        "goal",
        "goal_shared",
        "show_on_profile",
        "joined_at",
        kind="circle_membership",
    )
    records += rows(
        Relationship.objects.filter(member__user=user).order_by("created_at"),
        "member_id",
        "name",
        "notes",
        "shared",
        "created_at",
        kind="relationship",
    )
    records += rows(
        CheckIn.objects.filter(member__user=user).order_by("created_at"),
        "member_id",
        "week",
        "attended",
        "did",
        "will_try",
        "created_at",
        "updated_at",
        kind="check_in",
    )
    records += rows(
        Retrospective.objects.filter(member__user=user),
        "member_id",
        "gave_me",
        "next_steps",
        "shared",
        "created_at",
        "updated_at",
        kind="retrospective",
    )
    records += rows(
        Multiplier.objects.filter(user=user),
        "topics",
        "note",
        "status",
        "decided_at",
        "created_at",
        kind="connector",
    )
    records += rows(
        FriendCircle.objects.filter(initiator=user).order_by("created_at"),
        "id",
        "name",
        "starts_on",
        "status",
        "created_at",
        kind="friend_circle_started",
    )
    records += rows(
        FriendInvite.objects.filter(user=user).order_by("pk"),
        "proposal_id",
        "answer",
        "answered_at",
        kind="friend_circle_invitation",
    )
    records += rows(
        OnboardingTick.objects.filter(user=user).order_by("done_at"),
        "item__title",
        "done_at",
        kind="onboarding_step_done",
    )
    return personal_data.Export(records)


def _erase(user: Any, erasure: personal_data.Erasure) -> dict[str, int]:
    """Sign-ups, memberships, lists, check-ins and retrospectives go with the account (they
    are the person's own); a friend circle they started and Connector stories they wrote stay
    under the pseudonym, or the stories go under the delete policy."""
    to = erasure.pseudonym
    counts = {
        "friend_circles": personal_data.reassign(
            FriendCircle.objects.filter(initiator=user), "initiator", to
        )
    }
    stories = ConnectorStory.objects.filter(author=user)
    if erasure.keeps_content:
        counts["connector_stories"] = personal_data.reassign(stories, "author", to)
    else:
        counts["connector_stories"] = stories.count()
        personal_data.delete_rows(stories)
    return counts


def register() -> None:
    personal_data.register(
        personal_data.Exporter(
            key="circles",
            label=_("Working Out Loud circles"),
            description=_(
                "Your sign-ups with your goal and your own wishes, circle memberships, "
                "relationship lists, check-ins, retrospectives, Connector role and onboarding. "
                "Wishes other people made about you are theirs and are not included."
            ),
            export=_export,
            erase=_erase,
            erasure=personal_data.ErasureNote(
                both=_(
                    "Sign-ups, circle memberships, relationship lists, check-ins and "
                    "retrospectives go with the account: they are the person's own."
                ),
                pseudonymise=_("Connector stories the person wrote stay under the pseudonym."),
                delete=_("Connector stories the person wrote are deleted."),
                kept=_(
                    "Friend circles the person started stay under the pseudonym: they are the "
                    "other members' circles too."
                ),
            ),
            order=100,
        )
    )
