"""Who may do what in a community: the one place these decisions are made.

Services check them before writing, views and the API before offering an action, and
templates with ``{% load rules %}{% has_perm "communities.invite" user community as ok %}``.
The queryset side of "may see" (``Community.objects.visible_to`` / ``content_visible_to``)
is the database form of ``view_community`` / ``view_content``; a test keeps the two in step.

A person's role in a community is looked up once per (person, community object) and cached
on the object; selectors prime it with the ``viewer_pk``/``viewer_role`` annotations so a
list page checks permissions without a query per row.
"""

from __future__ import annotations

from typing import Any

import rules
from django.db.models import Case, Exists, OuterRef, Q, QuerySet, When

from hanse.communities.models import Community, Membership
from hanse.core.models import SiteConfiguration
from hanse.core.rules import is_platform_admin
from hanse.people.guests import is_guest

_ROLE_CACHE = "_hanse_role_cache"
MODERATING_ROLES = (Membership.Role.MODERATOR, Membership.Role.OWNER)
_NO_ROLE = ""


def _active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def role_of(user: Any, community: Community) -> str | None:
    """The person's role in the community ("owner", "moderator", "member") or None."""
    if not _active(user) or community is None:
        # No community: Django admin asks "may delete communities at all?" with no object.
        return None
    cache: dict[int, str] = community.__dict__.setdefault(_ROLE_CACHE, {})
    if user.pk not in cache:
        if getattr(community, "viewer_pk", None) == user.pk:
            cache[user.pk] = getattr(community, "viewer_role", None) or _NO_ROLE
        else:
            role = (
                Membership.objects.filter(community_id=community.pk, user_id=user.pk)
                .values_list("role", flat=True)
                .first()
            )
            cache[user.pk] = role or _NO_ROLE
    return cache[user.pk] or None


def forget_roles(community: Community) -> None:
    """Drop cached roles after a membership changed (services call this)."""
    community.__dict__.pop(_ROLE_CACHE, None)
    community.__dict__.pop("viewer_pk", None)
    community.__dict__.pop("viewer_role", None)


# --- Predicates about the person -----------------------------------------------------------


@rules.predicate
def is_active_user(user: Any) -> bool:
    return _active(user)


# Platform administrators see and moderate every community (the one predicate in core).
is_admin = is_platform_admin


@rules.predicate
def may_found(user: Any) -> bool:
    if not _active(user) or is_guest(user):
        # Guests take part where they were invited; they found nothing.
        return False
    if is_platform_admin(user):
        return True

    config = SiteConfiguration.get()
    if config.community_founding != SiteConfiguration.CommunityFounding.RESTRICTED:
        return True
    return bool(user.has_perm("people.found_community"))


# --- Predicates about the person and a community ------------------------------------------


@rules.predicate
def is_member(user: Any, community: Community) -> bool:
    return role_of(user, community) is not None


@rules.predicate
def is_moderator(user: Any, community: Community) -> bool:
    """Moderator or owner: owners can do everything moderators can."""
    return role_of(user, community) in MODERATING_ROLES


@rules.predicate
def is_owner(user: Any, community: Community) -> bool:
    return role_of(user, community) == Membership.Role.OWNER


@rules.predicate
def is_open(user: Any, community: Community) -> bool:
    return community.kind == Community.Kind.OPEN


@rules.predicate
def is_private(user: Any, community: Community) -> bool:
    return community.kind == Community.Kind.PRIVATE


@rules.predicate
def is_secret(user: Any, community: Community) -> bool:
    return community.kind == Community.Kind.SECRET


def moderated_among(user: Any, community_ids: set[int]) -> set[int]:
    """Which of these communities the person moderates (``is_admin | is_moderator``), in one
    query whatever their number: the batch form for lists that show flags per row."""
    if not _active(user) or not community_ids:
        return set()
    if is_platform_admin(user):
        return set(community_ids)
    return set(
        Membership.objects.filter(
            user=user, community_id__in=community_ids, role__in=MODERATING_ROLES
        ).values_list("community_id", flat=True)
    )


def is_last_owner(membership: Membership) -> bool:
    """Whether this is the community's only owner: a community keeps one, so they may not
    leave, be removed or step down (services ask with the community row locked)."""
    if membership.role != Membership.Role.OWNER:
        return False
    owners = Membership.objects.filter(
        community_id=membership.community_id, role=Membership.Role.OWNER
    )
    return not owners.exclude(pk=membership.pk).exists()


def has_another_owner(community: Community, user: Any) -> bool:
    """Whether someone besides ``user`` owns the community."""
    return (
        Membership.objects.filter(community=community, role=Membership.Role.OWNER)
        .exclude(user=user)
        .exists()
    )


def owned_alone_by(user: Any) -> QuerySet[Community]:
    """The communities whose only owner is ``user``, by name (an erasure passes them on)."""
    other_owner = Membership.objects.filter(
        community=OuterRef("pk"), role=Membership.Role.OWNER
    ).exclude(user=user)
    return (
        Community.objects.filter(memberships__user=user, memberships__role=Membership.Role.OWNER)
        .exclude(Exists(other_owner))
        .order_by("name", "pk")
    )


def has_an_owner() -> Exists:
    """Whether the community (the outer row) has an owner, as an expression for annotations
    and filters. A community has none only after its only owner was erased with nobody left
    to take over (``ownership_successors``): it needs an owner until a platform administrator
    makes someone its owner."""
    return Exists(Membership.objects.filter(community=OuterRef("pk"), role=Membership.Role.OWNER))


def ownership_successors(community: Community, leaving: Any) -> QuerySet[Membership]:
    """Who may take over a community whose only owner is erased, best first: its moderators,
    then its members, each by seniority (the pk decides between equal times); never a guest,
    a deactivated account or the pseudonym of an erased person."""
    return (
        Membership.objects.filter(
            community=community,
            role__in=(Membership.Role.MODERATOR, Membership.Role.MEMBER),
            user__is_active=True,
            user__is_guest=False,
            user__is_former=False,
        )
        .exclude(user=leaving)
        .select_related("user")
        .order_by(Case(When(role=Membership.Role.MODERATOR, then=0), default=1), "joined_at", "pk")
    )


@rules.predicate
def needs_owner(user: Any, community: Community) -> bool:
    """Whether the community has no owner (``has_an_owner``): the selectors' ``has_owner``
    annotation when the object carries it, else one query."""
    annotated = getattr(community, "has_owner", None)
    if annotated is not None:
        return not annotated
    return not Membership.objects.filter(community=community, role=Membership.Role.OWNER).exists()


def may_own(person: Any) -> bool:
    """Whether this person can be made owner of a community by appointment: an active
    colleague's account, never a guest's or an erased person's pseudonym (the same people as
    ``ownership_successors`` takes)."""
    return bool(
        person is not None and person.is_active and not is_guest(person) and not person.is_former
    )


def may_hold_role(person: Any, role: str) -> bool:
    """Whether the person may be given this role in a community: anyone may be a member or a
    moderator; a guest from a partner organisation never an owner (as ``may_own``)."""
    return not (role == Membership.Role.OWNER and is_guest(person))


def moderators_q(community_id: int, prefix: str = "memberships__") -> Q:
    """People who moderate the community by their role (owners and moderators), as a filter
    on users: whom a join request is for."""
    return Q(**{f"{prefix}community_id": community_id, f"{prefix}role__in": MODERATING_ROLES})


# --- Predicates about the person and someone's membership ---------------------------------


@rules.predicate
def manages_membership_community(user: Any, membership: Membership) -> bool:
    return bool(is_admin(user) or is_moderator(user, membership.community))


@rules.predicate
def owns_membership_community(user: Any, membership: Membership) -> bool:
    return bool(is_admin(user) or is_owner(user, membership.community))


@rules.predicate
def target_is_plain_member(user: Any, membership: Membership) -> bool:
    return membership.role == Membership.Role.MEMBER


# --- Permissions ---------------------------------------------------------------------------

# Guests: only the communities they are members of (Community.objects.visible_to likewise).
can_view_community = is_active_user & (is_admin | (~is_secret & ~is_guest) | is_member)
can_view_content = is_active_user & (is_admin | (is_open & ~is_guest) | is_member)
can_manage_members = is_active_user & (is_admin | is_moderator)
can_own = is_active_user & (is_admin | is_owner)
# The directory's list of communities that need an owner (has_an_owner). Asked as a predicate
# (``can_list_ownerless(user)``): through ``has_perm`` a "no" would also read Django's
# permission tables.
can_list_ownerless = is_active_user & is_admin
# Who may appoint the owner of a community that has none: ``can_appoint_owners`` (a service
# asks it first, to tell "not yours to do" from "it has one"), ``can_appoint_owner`` for the
# community. Asked as a predicate, and in templates with ``{% test_rule %}``: through
# ``has_perm`` Django says yes to every superuser before any rule is asked.
can_appoint_owners = is_active_user & is_admin
can_appoint_owner = can_appoint_owners & needs_owner

rules.add_perm("communities.found_community", may_found)
rules.add_perm("communities.view_community", can_view_community)
rules.add_perm("communities.view_content", can_view_content)
rules.add_perm("communities.join", is_active_user & ~is_guest & is_open & ~is_member)
rules.add_perm("communities.request_join", is_active_user & ~is_guest & is_private & ~is_member)
rules.add_perm("communities.leave", is_active_user & is_member)
rules.add_perm(
    "communities.invite", can_manage_members | (is_active_user & ~is_guest & is_open & is_member)
)
rules.add_perm("communities.manage_members", can_manage_members)
rules.add_perm("communities.list_ownerless", can_list_ownerless)
rules.add_perm("communities.appoint_owner", can_appoint_owner)
rules.add_rule("communities.appoint_owner", can_appoint_owner)
rules.add_perm("communities.change_roles", can_own)
rules.add_perm("communities.change_community", can_own)
rules.add_perm("communities.delete_community", can_own)
# Object: a Membership. Owners and admins remove anyone, moderators plain members only.
rules.add_perm(
    "communities.remove_member",
    is_active_user
    & (owns_membership_community | (manages_membership_community & target_is_plain_member)),
)
