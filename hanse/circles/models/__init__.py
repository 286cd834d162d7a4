"""Working Out Loud circles (circles.py) and the multipliers' programme (multipliers.py)."""

from hanse.circles.models.circles import (
    CheckIn,
    Circle,
    CircleMember,
    CircleRound,
    Relationship,
    SignUp,
    SignUpWish,
    WeekAgenda,
)
from hanse.circles.models.completion import Retrospective
from hanse.circles.models.friends import FriendCircle, FriendInvite
from hanse.circles.models.multipliers import Multiplier
from hanse.circles.models.programme import (
    ConnectorStory,
    OnboardingItem,
    OnboardingTick,
    Programme,
)

__all__ = [
    "CheckIn",
    "Circle",
    "CircleMember",
    "CircleRound",
    "ConnectorStory",
    "FriendCircle",
    "FriendInvite",
    "Multiplier",
    "OnboardingItem",
    "OnboardingTick",
    "Programme",
    "Relationship",
    "Retrospective",
    "SignUp",
    "SignUpWish",
    "WeekAgenda",
]
