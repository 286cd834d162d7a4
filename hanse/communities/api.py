"""/api/v1/communities: the same rules as the pages. A secret community is 404 for outsiders."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from hanse.api.pagination import OffsetPage, OffsetQuery, offset_page
from hanse.api.schemas import ERRORS, Id, Message, PersonRef, limit_field
from hanse.communities import rules as community_rules
from hanse.communities import selectors, services
from hanse.communities.models import Community, Invitation, JoinRequest, Membership
from hanse.core import http
from hanse.core.errors import ServiceError
from hanse.people.models import User

router = Router(tags=["communities"])

KindLiteral = Literal["open", "private", "secret"]
RoleLiteral = Literal["owner", "moderator", "member"]


# --- schemas -------------------------------------------------------------------------------


class CommunityOut(Schema):
    slug: str = Field(description="The community's address: /communities/<slug>/.")
    name: str
    tagline: str = Field(description="One sentence about the community.")
    description: str
    kind: KindLiteral = Field(
        description="open: anyone joins and reads; private: listed, members read, join by "
        "request or invitation; secret: visible to members only, invitation only."
    )
    member_count: int
    created_at: datetime = Field(description="When the community was founded.")
    my_role: RoleLiteral | None = Field(
        None, description="The caller's role in the community, or null when not a member."
    )
    my_request_pending: bool = Field(
        False, description="Whether the caller has asked to join and is waiting for a decision."
    )
    my_invitation_id: int | None = Field(
        None, description="The id of an open invitation for the caller, if any."
    )


class CommunityList(OffsetPage[CommunityOut]):
    """A page of the community directory."""


class CommunityListQuery(OffsetQuery):
    scope: Literal["all", "mine"] = Field(
        "all", description="all: every community the caller may see; mine: the caller's own."
    )
    q: str = Field("", max_length=100, description="Search in name, tagline and description.")
    limit: int = limit_field(24, 100)


class CommunityIn(Schema):
    name: str = Field(description="3 to 80 characters.")
    kind: KindLiteral = Field(description="open, private or secret.")
    tagline: str = Field("", description="At most 160 characters.")
    description: str = Field("", description="At most 10,000 characters.")
    slug: str | None = Field(None, description="The address; derived from the name when left out.")


class CommunityPatch(Schema):
    name: str | None = Field(None, description="3 to 80 characters.")
    kind: KindLiteral | None = None
    tagline: str | None = Field(None, description="At most 160 characters.")
    description: str | None = Field(None, description="At most 10,000 characters.")


class CommunityMemberOut(Schema):
    username: str
    display_name: str
    role: RoleLiteral
    joined_at: datetime


class MemberList(OffsetPage[CommunityMemberOut]):
    """A page of a community's members."""


class MemberListQuery(OffsetQuery):
    role: RoleLiteral | None = Field(None, description="Only members with this role.")
    q: str = Field("", max_length=100, description="Search in names and usernames.")
    limit: int = limit_field(50, 200)


class RoleIn(Schema):
    role: RoleLiteral = Field(description="The new role: owner, moderator or member.")


class AppointOwnerIn(Schema):
    person: str = Field(
        max_length=254,
        description="The username or e-mail address of the person to make owner (a member "
        "or not, the caller included; never a guest or a deactivated account).",
    )


class JoinRequestIn(Schema):
    message: str = Field("", description="An optional note to the moderators (500 characters).")


class JoinRequestOut(Schema):
    id: int
    user: PersonRef
    message: str
    status: Literal["pending", "approved", "declined", "withdrawn"]
    created_at: datetime


class JoinRequestList(OffsetPage[JoinRequestOut]):
    """A page of open requests to join."""


class InvitationIn(Schema):
    invitee: str = Field(description="The username or e-mail address of the person to invite.")


class InvitationOut(Schema):
    id: int
    community: str = Field(description="The community's slug.")
    invitee: PersonRef
    status: Literal["pending", "accepted", "declined", "revoked"]
    created_at: datetime


# --- helpers -------------------------------------------------------------------------------


def _community(request: HttpRequest, slug: str) -> Community:
    return selectors.get_community_for(viewer=http.viewer(request), slug=slug)


def _out(community: Community) -> CommunityOut:
    return CommunityOut(
        slug=community.slug,
        name=community.name,
        tagline=community.tagline,
        description=community.description,
        kind=community.kind,  # type: ignore[arg-type]  # choices field: one of the literals
        member_count=community.member_count,
        created_at=community.created_at,
        my_role=getattr(community, "viewer_role", None),
        my_request_pending=getattr(community, "viewer_request_id", None) is not None,
        my_invitation_id=getattr(community, "viewer_invitation_id", None),
    )


def _person(user: User) -> PersonRef:
    return PersonRef.of(user)


def _member(membership: Membership) -> CommunityMemberOut:
    return CommunityMemberOut(
        username=membership.user.username,
        display_name=membership.user.display_name,
        role=membership.role,  # type: ignore[arg-type]  # choices field: one of the literals
        joined_at=membership.joined_at,
    )


def _request_out(join_request: JoinRequest) -> JoinRequestOut:
    return JoinRequestOut(
        id=join_request.pk,
        user=_person(join_request.user),
        message=join_request.message,
        status=join_request.status,  # type: ignore[arg-type]  # choices field: one of the literals
        created_at=join_request.created_at,
    )


def _invitation_out(invitation: Invitation) -> InvitationOut:
    return InvitationOut(
        id=invitation.pk,
        community=invitation.community.slug,
        invitee=_person(invitation.invitee),
        status=invitation.status,  # type: ignore[arg-type]  # choices field: one of the literals
        created_at=invitation.created_at,
    )


def _reload(request: HttpRequest, community: Community) -> Community:
    return _community(request, community.slug)


# --- endpoints -----------------------------------------------------------------------------


@router.get("", response={200: CommunityList, **ERRORS}, summary="List communities")
def list_communities(request: HttpRequest, filters: Query[CommunityListQuery]) -> CommunityList:
    """Communities the caller may see, by name. Secret ones appear only to their members."""
    qs = selectors.community_directory(
        viewer=http.viewer(request), scope=filters.scope, q=filters.q
    )
    return CommunityList(**offset_page(qs, filters, _out))


@router.post("", response={201: CommunityOut, **ERRORS}, summary="Found a community")
def create_community(request: HttpRequest, payload: CommunityIn) -> Status[CommunityOut]:
    """Found a community; the caller becomes its owner."""
    community = services.community_create(
        by=http.viewer(request),
        name=payload.name,
        kind=payload.kind,
        tagline=payload.tagline,
        description=payload.description,
        slug=payload.slug,
    )
    return Status(201, _out(_reload(request, community)))


@router.post(
    "/invitations/{invitation_id}/accept",
    response={200: CommunityOut, **ERRORS},
    summary="Accept an invitation",
)
def accept_invitation(request: HttpRequest, invitation_id: Id) -> CommunityOut:
    """Accept one of the caller's open invitations and become a member."""
    invitation = selectors.get_pending_invitation_for(user=http.viewer(request), pk=invitation_id)
    services.invitation_accept(invitation=invitation, by=http.viewer(request))
    return _out(_reload(request, invitation.community))


@router.post(
    "/invitations/{invitation_id}/decline",
    response={200: Message, **ERRORS},
    summary="Decline an invitation",
)
def decline_invitation(request: HttpRequest, invitation_id: Id) -> Message:
    """Decline one of the caller's open invitations."""
    invitation = selectors.get_pending_invitation_for(user=http.viewer(request), pk=invitation_id)
    services.invitation_decline(invitation=invitation, by=http.viewer(request))
    return Message(detail=_("You have declined the invitation."))


@router.get("/{slug}", response={200: CommunityOut, **ERRORS}, summary="Get a community")
def get_community(request: HttpRequest, slug: str) -> CommunityOut:
    return _out(_community(request, slug))


@router.patch("/{slug}", response={200: CommunityOut, **ERRORS}, summary="Change a community")
def update_community(request: HttpRequest, slug: str, payload: CommunityPatch) -> CommunityOut:
    """Change name, tagline, description or kind (owners and administrators)."""
    community = _community(request, slug)
    fields = payload.dict(exclude_none=True)
    services.community_update(community=community, by=http.viewer(request), **fields)
    return _out(_reload(request, community))


@router.delete("/{slug}", response={204: None, **ERRORS}, summary="Delete a community")
def delete_community(request: HttpRequest, slug: str) -> Status[None]:
    """Delete the community for good (owners and administrators)."""
    services.community_delete(community=_community(request, slug), by=http.viewer(request))
    return Status(204, None)


@router.post("/{slug}/join", response={200: CommunityOut, **ERRORS}, summary="Join")
def join(request: HttpRequest, slug: str) -> CommunityOut:
    """Join an open community."""
    community = _community(request, slug)
    services.membership_join(community=community, user=http.viewer(request))
    return _out(_reload(request, community))


@router.post("/{slug}/leave", response={200: Message, **ERRORS}, summary="Leave")
def leave(request: HttpRequest, slug: str) -> Message:
    """Leave the community. The last owner has to make someone else an owner first."""
    community = _community(request, slug)
    services.membership_leave(community=community, user=http.viewer(request))
    return Message(detail=_("You have left the community."))


@router.post("/{slug}/requests", response={201: JoinRequestOut, **ERRORS}, summary="Ask to join")
def request_join(request: HttpRequest, slug: str, payload: JoinRequestIn) -> Status[JoinRequestOut]:
    """Ask to join a private community; its moderators decide."""
    community = _community(request, slug)
    join_request = services.join_request_create(
        community=community, user=http.viewer(request), message=payload.message
    )
    return Status(201, _request_out(join_request))


@router.get("/{slug}/requests", response={200: JoinRequestList, **ERRORS}, summary="Open requests")
def list_requests(request: HttpRequest, slug: str, filters: Query[OffsetQuery]) -> JoinRequestList:
    """Open requests to join (moderators, owners and administrators)."""
    community = _community(request, slug)
    if not http.viewer(request).has_perm("communities.manage_members", community):
        raise PermissionDenied(_("Only moderators and owners see requests to join."))
    return JoinRequestList(
        **offset_page(selectors.pending_requests(community=community), filters, _request_out)
    )


def _decide(request: HttpRequest, slug: str, request_id: Id, approve: bool) -> JoinRequestOut:
    community = _community(request, slug)
    join_request = selectors.get_join_request(community=community, pk=request_id)
    if approve:
        services.join_request_approve(request=join_request, by=http.viewer(request))
    else:
        services.join_request_decline(request=join_request, by=http.viewer(request))
    return _request_out(join_request)


@router.post(
    "/{slug}/requests/{request_id}/approve",
    response={200: JoinRequestOut, **ERRORS},
    summary="Approve a request",
)
def approve_request(request: HttpRequest, slug: str, request_id: Id) -> JoinRequestOut:
    return _decide(request, slug, request_id, approve=True)


@router.post(
    "/{slug}/requests/{request_id}/decline",
    response={200: JoinRequestOut, **ERRORS},
    summary="Decline a request",
)
def decline_request(request: HttpRequest, slug: str, request_id: Id) -> JoinRequestOut:
    return _decide(request, slug, request_id, approve=False)


@router.get("/{slug}/members", response={200: MemberList, **ERRORS}, summary="Members")
def list_members(request: HttpRequest, slug: str, filters: Query[MemberListQuery]) -> MemberList:
    """Members, owners first, then moderators, then members (when the caller may read)."""
    community = _community(request, slug)
    qs = selectors.community_members(
        community=community, viewer=http.viewer(request), role=filters.role, q=filters.q
    )
    return MemberList(**offset_page(qs, filters, _member))


@router.put(
    "/{slug}/members/{username}/role",
    response={200: CommunityMemberOut, **ERRORS},
    summary="Change a member's role",
)
def change_role(
    request: HttpRequest, slug: str, username: str, payload: RoleIn
) -> CommunityMemberOut:
    """Make a member owner, moderator or member (owners and administrators)."""
    community = _community(request, slug)
    person = selectors.get_member(community=community, username=username)
    membership = services.membership_change_role(
        community=community, user=person, role=payload.role, by=http.viewer(request)
    )
    return _member(membership)


@router.post(
    "/{slug}/owner",
    response={200: CommunityMemberOut, **ERRORS},
    summary="Appoint the owner of a community that has none",
)
def appoint_owner(request: HttpRequest, slug: str, payload: AppointOwnerIn) -> CommunityMemberOut:
    """Platform administrators only, and only while the community has no owner (its only
    owner's account was erased with nobody to take over): 400 ``has_owner`` once it has one."""
    community = _community(request, slug)
    viewer = http.viewer(request)
    if not community_rules.can_appoint_owners(viewer):
        raise PermissionDenied(str(services.APPOINT_REFUSED_MESSAGE))
    person = selectors.find_appointee(identifier=payload.person)
    if person is None:
        raise ServiceError(
            _("Nobody with this name, username or e-mail address was found."),
            code="unknown_person",
        )
    membership = services.community_appoint_owner(community=community, user=person, by=viewer)
    return _member(membership)


@router.delete(
    "/{slug}/members/{username}", response={204: None, **ERRORS}, summary="Remove a member"
)
def remove_member(request: HttpRequest, slug: str, username: str) -> Status[None]:
    """Remove someone from the community (moderators: plain members; owners: anyone)."""
    community = _community(request, slug)
    person = selectors.get_member(community=community, username=username)
    services.membership_remove(community=community, user=person, by=http.viewer(request))
    return Status(204, None)


@router.post(
    "/{slug}/invitations", response={201: InvitationOut, **ERRORS}, summary="Invite someone"
)
def invite(request: HttpRequest, slug: str, payload: InvitationIn) -> Status[InvitationOut]:
    """Invite a colleague by username or e-mail address."""
    community = _community(request, slug)
    person = selectors.find_person(identifier=payload.invitee)
    if person is None:
        if not http.viewer(request).has_perm("communities.invite", community):
            raise PermissionDenied(_("You may not invite people to this community."))
        raise ServiceError(
            _("Nobody with this username or e-mail address was found."), code="unknown_person"
        )
    invitation = services.invitation_create(
        community=community, invitee=person, by=http.viewer(request)
    )
    return Status(201, _invitation_out(invitation))
