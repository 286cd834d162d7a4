"""The first-day checklist: which steps a person has done, read from the data itself.

No step has a flag of its own. A photo is the avatar, the profile is what the person wrote,
communities are memberships, colleagues are follows, notification settings are the rows the
settings page writes, the first post is a post. So a step done anywhere (the API, another
page, an administrator) counts at once, and undoing it (leaving every community) shows it
open again. Only "dismissed" and "finished" are stored (models.FirstDayChecklist).

Cost on the start page: one primary-key lookup (dismissed or finished?), which is all once
the checklist is hidden; otherwise one query for the state of every step (each an EXISTS or a
count on an index), plus one for suggested communities and one for suggested colleagues while
those steps are open.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from hanse.communities.models import Community, Membership
from hanse.notifications.models import DeliverySettings, NotificationPreference
from hanse.onboarding.models import FirstDayChecklist
from hanse.people.models import Follow, User
from hanse.posts.models import Post

if TYPE_CHECKING:
    from django.db.models import QuerySet

# "A few" communities and colleagues: enough that the home feed has something to say.
COMMUNITIES_GOAL = 2
FOLLOWS_GOAL = 3
SUGGESTIONS = 3

# The order the checklist shows; the template words each step.
STEP_KEYS = ("photo", "profile", "communities", "follow", "notifications", "post")


@dataclass(frozen=True)
class Step:
    key: str
    done: bool
    # For steps that want several of something: how many so far, and how many are asked for.
    count: int = 0
    goal: int = 0


@dataclass(frozen=True)
class FirstDay:
    steps: list[Step]
    # The profile step's open parts ("about", "skills", "ask_me_about"), to say what is missing.
    profile_missing: list[str] = field(default_factory=list)
    suggested_communities: list[Community] = field(default_factory=list)
    suggested_people: list[User] = field(default_factory=list)

    @property
    def done_count(self) -> int:
        return sum(1 for step in self.steps if step.done)

    @property
    def total(self) -> int:
        return len(self.steps)

    @property
    def complete(self) -> bool:
        return self.done_count == self.total

    @property
    def percent(self) -> int:
        return round(100 * self.done_count / self.total) if self.total else 100

    @property
    def next_key(self) -> str:
        """The first open step: shown unfolded, the others folded to their titles."""
        return next((s.key for s in self.steps if not s.done), "")

    def step(self, key: str) -> Step:
        return next(s for s in self.steps if s.key == key)


def _count(queryset: QuerySet[Any], column: str) -> Coalesce:
    """A correlated COUNT(*) as a column (0 when there is no row)."""
    counted = queryset.values(column).annotate(n=Count("*")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _hidden(user: User) -> bool:
    """Dismissed or finished: one primary-key lookup, asked first, so that the start page of
    everyone past their first days does not build the state query below (eight subqueries,
    whose building cost more than running them)."""
    return (
        FirstDayChecklist.objects.filter(pk=user.pk)
        .filter(Q(dismissed_at__isnull=False) | Q(completed_at__isnull=False))
        .exists()
    )


def _state(user: User) -> dict[str, Any] | None:
    """Every step's raw state in one query on the person's row."""
    me = OuterRef("pk")
    rows = (
        User.objects.filter(pk=user.pk, is_active=True)
        .annotate(
            has_skills=Exists(User.skills.through.objects.filter(user_id=me)),
            has_topics=Exists(User.ask_me_about.through.objects.filter(user_id=me)),
            communities=_count(Membership.objects.filter(user_id=me), "user_id"),
            follows=_count(Follow.objects.filter(follower_id=me), "follower_id"),
            chose_notifications=Exists(NotificationPreference.objects.filter(user_id=me))
            | Exists(DeliverySettings.objects.filter(user_id=me)),
            posted=Exists(Post.objects.filter(author_id=me)),
            manager_id=F("org_unit__manager_id"),
        )
        .values(
            "avatar",
            "about",
            "org_unit_id",
            "has_skills",
            "has_topics",
            "communities",
            "follows",
            "chose_notifications",
            "posted",
            "manager_id",
        )
    )
    found = next(iter(rows), None)
    return dict(found) if found is not None else None


def suggested_communities(*, user: User, limit: int = SUGGESTIONS) -> list[Community]:
    """Open communities the person is not in: those most of their unit's colleagues are in
    first, then the company-wide ones everybody is in (by size). One query."""
    mine = Membership.objects.filter(community=OuterRef("pk"), user_id=user.pk)
    candidates = Community.objects.visible_to(user).filter(kind=Community.Kind.OPEN)
    candidates = candidates.filter(~Exists(mine))
    if user.org_unit_id:
        colleagues = Membership.objects.filter(
            community=OuterRef("pk"), user__org_unit_id=user.org_unit_id, user__is_active=True
        )
        candidates = candidates.annotate(colleagues=_count(colleagues, "community_id"))
    else:
        candidates = candidates.annotate(colleagues=Value(0, output_field=IntegerField()))
    return list(candidates.order_by("-colleagues", "-member_count", "name", "pk")[:limit])


def suggested_colleagues(
    *, user: User, manager_id: int | None = None, limit: int = SUGGESTIONS
) -> list[User]:
    """The person's manager and colleagues of their unit whom they do not follow yet, the
    manager first. One query."""
    close = Q(org_unit_id=user.org_unit_id) if user.org_unit_id else Q(pk__in=[])
    if manager_id:
        close |= Q(pk=manager_id)
    followed = Follow.objects.filter(follower_id=user.pk, followee=OuterRef("pk"))
    people = (
        User.objects.filter(close, is_active=True)
        .exclude(pk=user.pk)
        .filter(~Exists(followed))
        .select_related("org_unit")
    )
    if manager_id:
        people = people.annotate(is_manager=Q(pk=manager_id)).order_by(
            "-is_manager", "last_name", "first_name", "pk"
        )
    else:
        people = people.order_by("last_name", "first_name", "pk")
    return list(people[:limit])


def first_day_of(*, user: User, include_hidden: bool = False) -> FirstDay | None:
    """The checklist as the person should see it, or None: not signed in, dismissed, or
    finished (and congratulated) before. ``include_hidden`` shows it anyway (its own page)."""
    if not user.is_authenticated or not user.is_active:
        return None
    if not include_hidden and _hidden(user):
        return None
    state = _state(user)
    if state is None:
        return None
    profile_missing = [
        part
        for part, present in (
            ("about", bool(state["about"])),
            ("skills", bool(state["has_skills"])),
            ("ask_me_about", bool(state["has_topics"])),
        )
        if not present
    ]
    communities, follows = int(state["communities"]), int(state["follows"])
    steps = [
        Step("photo", bool(state["avatar"])),
        Step("profile", not profile_missing),
        Step(
            "communities",
            communities >= COMMUNITIES_GOAL,
            count=min(communities, COMMUNITIES_GOAL),
            goal=COMMUNITIES_GOAL,
        ),
        Step(
            "follow",
            follows >= FOLLOWS_GOAL,
            count=min(follows, FOLLOWS_GOAL),
            goal=FOLLOWS_GOAL,
        ),
        Step("notifications", bool(state["chose_notifications"])),
        Step("post", bool(state["posted"])),
    ]
    open_steps = {s.key for s in steps if not s.done}
    manager_id = state["manager_id"]
    return FirstDay(
        steps=steps,
        profile_missing=profile_missing,
        suggested_communities=(
            suggested_communities(user=user) if "communities" in open_steps else []
        ),
        suggested_people=(
            suggested_colleagues(
                user=user, manager_id=manager_id if isinstance(manager_id, int) else None
            )
            if "follow" in open_steps
            else []
        ),
    )
