"""Reads for communities. Every list starts from ``Community.objects.visible_to``."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import (
    Case,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.http import Http404
from django.utils.translation import gettext as _

from hanse.communities import rules as community_rules
from hanse.communities.models import Community, Invitation, JoinRequest, Membership
from hanse.people.models import User

SCOPES = ("all", "mine", "ownerless")
ROLE_ORDER = Case(
    When(role=Membership.Role.OWNER, then=Value(0)),  # rule-home: list order, not a permission
    When(role=Membership.Role.MODERATOR, then=Value(1)),  # rule-home: list order
    default=Value(2),
    output_field=IntegerField(),
)


def _active(user: User | None) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def with_viewer_state(qs: QuerySet[Community], *, viewer: User) -> QuerySet[Community]:
    """Annotate the viewer's role, pending request and pending invitation, and whether the
    community has an owner (one without needs one: its page and card say so), in the same
    query.

    ``viewer_pk``/``viewer_role`` also prime the role cache the permission rules read, so a
    page of communities checks permissions without a query per row.
    """
    return qs.annotate(
        has_owner=community_rules.has_an_owner(),
        viewer_pk=Value(viewer.pk, output_field=IntegerField()),
        viewer_role=Subquery(
            Membership.objects.filter(community=OuterRef("pk"), user=viewer).values("role")[:1]
        ),
        viewer_request_id=Subquery(
            JoinRequest.objects.filter(
                community=OuterRef("pk"), user=viewer, status=JoinRequest.Status.PENDING
            ).values("pk")[:1]
        ),
        viewer_invitation_id=Subquery(
            Invitation.objects.filter(
                community=OuterRef("pk"), invitee=viewer, status=Invitation.Status.PENDING
            ).values("pk")[:1]
        ),
    )


def communities_of(*, user: User) -> QuerySet[Community]:
    """The person's communities, by name, with their role annotated."""
    if not _active(user):
        return Community.objects.none()
    mine = Membership.objects.filter(community=OuterRef("pk"), user=user)
    return with_viewer_state(Community.objects.filter(Exists(mine)), viewer=user).order_by(
        "name", "pk"
    )


def community_directory(*, viewer: User, scope: str = "all", q: str = "") -> QuerySet[Community]:
    """Communities the viewer may know about, optionally only theirs (or, for platform
    administrators, only those that need an owner), filtered by a search."""
    qs = Community.objects.visible_to(viewer)
    if scope == "mine":
        qs = qs.filter(Exists(Membership.objects.filter(community=OuterRef("pk"), user=viewer)))
    elif scope == "ownerless":
        if not community_rules.can_list_ownerless(viewer):
            return Community.objects.none()
        qs = qs.filter(~community_rules.has_an_owner())
    q = " ".join((q or "").split())[:100]
    if q:
        for term in q.split(" "):
            qs = qs.filter(
                Q(name__icontains=term)
                | Q(tagline__icontains=term)
                | Q(description__icontains=term)
            )
    if not _active(viewer):
        return qs
    return with_viewer_state(qs, viewer=viewer).order_by("name", "pk")


def get_community_for(*, viewer: User, slug: str) -> Community:
    """The community at this address, or 404 when it does not exist for the viewer."""
    if not _active(viewer):
        raise Http404(_("This community does not exist."))
    community = with_viewer_state(
        Community.objects.visible_to(viewer).filter(slug=slug), viewer=viewer
    ).first()
    if community is None:
        raise Http404(_("This community does not exist."))
    return community


def community_members(
    *, community: Community, viewer: User, role: str | None = None, q: str = ""
) -> QuerySet[Membership]:
    """Memberships with their people, owners first, then moderators, then members, by name.

    Only for viewers who may read the community's content; each row's ``community`` is the
    given object, so per-row permission checks reuse its cached roles.
    """
    if not viewer.has_perm("communities.view_content", community):
        raise PermissionDenied(_("Only members can see who belongs to this community."))
    qs = community.memberships.select_related("user").filter(user__is_active=True)
    if role:
        qs = qs.filter(role=role)
    q = " ".join((q or "").split())[:100]
    for term in q.split(" ") if q else []:
        qs = qs.filter(
            Q(user__first_name__icontains=term)
            | Q(user__last_name__icontains=term)
            | Q(user__username__icontains=term)
        )
    return qs.annotate(role_rank=ROLE_ORDER).order_by(
        "role_rank", "user__last_name", "user__first_name", "pk"
    )


def newest_members(*, community: Community, viewer: User, limit: int = 8) -> list[Membership]:
    """The people who joined most recently (for the community home)."""
    if not viewer.has_perm("communities.view_content", community):
        return []
    return list(
        community.memberships.select_related("user")
        .filter(user__is_active=True)
        .order_by("-joined_at", "-pk")[:limit]
    )


def pending_requests(*, community: Community) -> QuerySet[JoinRequest]:
    """Open requests to join, oldest first (for moderators and owners)."""
    return (
        community.join_requests.filter(status=JoinRequest.Status.PENDING)
        .select_related("user")
        .order_by("created_at", "pk")
    )


def pending_invitations_of(*, community: Community) -> QuerySet[Invitation]:
    """Invitations of this community nobody has answered yet (for moderators and owners)."""
    return (
        community.invitations.filter(status=Invitation.Status.PENDING)
        .select_related("invitee", "invited_by")
        .order_by("created_at", "pk")
    )


def pending_invitations_for(*, user: User) -> QuerySet[Invitation]:
    """Invitations waiting for this person's answer, newest first."""
    if not _active(user):
        return Invitation.objects.none()
    return (
        Invitation.objects.filter(invitee=user, status=Invitation.Status.PENDING)
        .select_related("community", "invited_by")
        .order_by("-created_at", "-pk")
    )


def get_pending_invitation_for(*, user: User, pk: int) -> Invitation:
    """One of the person's own open invitations, or 404."""
    invitation = pending_invitations_for(user=user).filter(pk=pk).first()
    if invitation is None:
        raise Http404(_("This invitation does not exist or is no longer open."))
    return invitation


def get_join_request(*, community: Community, pk: int) -> JoinRequest:
    """A request to join this community, or 404."""
    request = community.join_requests.select_related("user").filter(pk=pk).first()
    if request is None:
        raise Http404(_("This request does not exist."))
    request.community = community
    return request


def get_member(*, community: Community, username: str) -> User:
    """A member of this community by username, or 404."""
    membership = (
        community.memberships.select_related("user").filter(user__username=username).first()
    )
    if membership is None:
        raise Http404(_("This person is not a member of this community."))
    return membership.user


def invitable_people(*, community: Community, q: str = "", limit: int = 20) -> list[User]:
    """Active colleagues who are not members yet, matching a name, username or e-mail."""
    q = " ".join((q or "").split())[:100]
    qs = User.objects.filter(is_active=True).exclude(
        Exists(Membership.objects.filter(community=community, user=OuterRef("pk")))
    )
    for term in q.split(" ") if q else []:
        qs = qs.filter(
            Q(first_name__icontains=term)
            | Q(last_name__icontains=term)
            | Q(username__icontains=term)
            | Q(email__icontains=term)
        )
    return list(qs.order_by("last_name", "first_name", "pk")[:limit])


# The query form of rules.may_own, on a person (a test keeps the two in step).
MAY_OWN = {"is_active": True, "is_guest": False, "is_former": False}


def appointable_people(*, q: str = "", limit: int = 20) -> list[User]:
    """Colleagues who can be appointed owner of a community (``rules.may_own``), members or
    not, matching every typed word in a name, username or e-mail address: the picker of the
    appointment page."""
    q = " ".join((q or "").split())[:100]
    qs = User.objects.filter(**MAY_OWN)
    for term in q.split(" ") if q else []:
        qs = qs.filter(
            Q(first_name__icontains=term)
            | Q(last_name__icontains=term)
            | Q(username__icontains=term)
            | Q(email__icontains=term)
        )
    return list(qs.order_by("last_name", "first_name", "pk")[:limit])


def members_who_may_own(*, community: Community, limit: int = 10) -> list[User]:
    """The community's members who could be appointed its owner, longest-standing first
    (the same order an erasure would have chosen them in)."""
    return [
        m.user
        for m in community.memberships.select_related("user")
        .filter(**{f"user__{key}": value for key, value in MAY_OWN.items()})
        .order_by("joined_at", "pk")[:limit]
    ]


def find_appointee(*, identifier: str) -> User | None:
    """The person the appointment form names: by username or e-mail address (what the picker
    fills in), else by a full name that only one person has. Guests and deactivated accounts
    are found too, so that the service can say why they cannot own; pseudonyms never."""
    identifier = " ".join((identifier or "").split())[:254]
    if not identifier:
        return None
    people = User.objects.filter(is_former=False)
    field = "email__iexact" if "@" in identifier else "username__iexact"
    found = people.filter(**{field: identifier}).first()
    if found is not None or " " not in identifier:
        return found
    first, _, last = identifier.rpartition(" ")
    named = list(people.filter(first_name__iexact=first, last_name__iexact=last)[:2])
    return named[0] if len(named) == 1 else None


def find_person(*, identifier: str) -> User | None:
    """An active person by username or e-mail address, in any letter case."""
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    field = "email__iexact" if "@" in identifier else "username__iexact"
    return User.objects.filter(is_active=True, **{field: identifier}).first()


# --- erasure of a person (GDPR Art. 17): who takes over the communities they own alone ------


def successor_in(*, community: Community, leaving: User) -> User | None:
    """Who becomes owner when ``leaving``, the community's only owner, is erased: the first
    of ``rules.ownership_successors`` (the longest-standing moderator, else member). None
    when nobody is left."""
    membership = community_rules.ownership_successors(community, leaving).first()
    return membership.user if membership is not None else None


def sole_ownerships(*, user: User) -> list[tuple[Community, User | None]]:
    """The communities whose only owner is this person, each with its successor (None: the
    community would be left without an owner), by name: the erasure page lists them."""
    return [
        (c, successor_in(community=c, leaving=user)) for c in community_rules.owned_alone_by(user)
    ]
