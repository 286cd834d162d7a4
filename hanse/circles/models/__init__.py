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

__all__ = [
    "CheckIn",
    "Circle",
    "CircleMember",
    "CircleRound",
    "FriendCircle",
    "FriendInvite",
    "Multiplier",
    "Relationship",
    "Retrospective",
    "SignUp",
    "SignUpWish",
    "WeekAgenda",
]
