"""Community pages: directory, founding, the community home and its tabs, and the actions."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hanse.communities import rules as community_rules
from hanse.communities import selectors, services
from hanse.communities.forms import (
    AppointOwnerForm,
    CommunityCreateForm,
    CommunityForm,
    InviteForm,
    JoinRequestForm,
    RoleForm,
)
from hanse.communities.models import Community, Membership
from hanse.core import http
from hanse.core.errors import ServiceError
from hanse.core.rules import is_platform_admin

MEMBERS_PAGE_SIZE = 50
# Which form field a service error belongs to, by its code.
FIELD_OF_CODE = {
    "name_required": "name",
    "name_too_short": "name",
    "name_too_long": "name",
    "invalid_kind": "kind",
    "tagline_too_long": "tagline",
    "description_too_long": "description",
    "invalid_slug": "slug",
    "slug_taken": "slug",
}


def _community(request: HttpRequest, slug: str) -> Community:
    return selectors.get_community_for(viewer=http.viewer(request), slug=slug)


def _page(request: HttpRequest, items: Any, size: int) -> Any:
    return Paginator(items, size).get_page(request.GET.get("page"))


def _render_community(
    request: HttpRequest,
    template: str,
    community: Community,
    tab: str,
    status: int = 200,
    **context: Any,
) -> HttpResponse:
    viewer = http.viewer(request)
    context.update(
        community=community,
        tab=tab,
        pending_request_count=(
            selectors.pending_requests(community=community).count()
            if viewer.has_perm("communities.manage_members", community)
            else 0
        ),
    )
    return render(request, template, context, status=status)


def _forbidden(request: HttpRequest, community: Community, tab: str, message: str) -> HttpResponse:
    return _render_community(
        request, "communities/forbidden.html", community, tab, status=403, message=message
    )


# --- directory and founding ----------------------------------------------------------------


@require_GET
def directory(request: HttpRequest) -> HttpResponse:
    viewer = http.viewer(request)
    scope = request.GET.get("scope", "all")
    may_list_ownerless = community_rules.can_list_ownerless(viewer)
    if scope not in selectors.SCOPES or (scope == "ownerless" and not may_list_ownerless):
        scope = "all"
    q = request.GET.get("q", "").strip()
    communities = selectors.community_directory(viewer=viewer, scope=scope, q=q)
    page = _page(request, communities, settings.DIRECTORY_PAGE_SIZE)
    return render(
        request,
        "communities/directory.html",
        {
            "page_obj": page,
            "communities": page.object_list,
            "scope": scope,
            "q": q,
            "invitations": list(selectors.pending_invitations_for(user=viewer)),
            "can_found": viewer.has_perm("communities.found_community"),
            "may_list_ownerless": may_list_ownerless,
        },
    )


@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    viewer = http.viewer(request)
    if not viewer.has_perm("communities.found_community"):
        return render(request, "communities/create.html", {"form": None}, status=403)
    form = CommunityCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            community = services.community_create(
                by=viewer,
                name=data["name"],
                kind=data["kind"],
                tagline=data["tagline"],
                description=data["description"],
                slug=data["slug"] or None,
            )
        except ServiceError as exc:
            form.add_error(FIELD_OF_CODE.get(exc.code), str(exc.message))
        else:
            messages.success(
                request, _("Welcome to your new community “%(name)s”.") % {"name": community.name}
            )
            return redirect("communities:detail", slug=community.slug)
    return render(request, "communities/create.html", {"form": form})


# --- the community and its tabs ------------------------------------------------------------


@require_GET
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    community = _community(request, slug)
    newest = selectors.newest_members(community=community, viewer=http.viewer(request))
    return _render_community(
        request,
        "communities/detail.html",
        community,
        "home",
        newest_members=newest,
        request_form=JoinRequestForm(),
    )


@require_GET
def about(request: HttpRequest, slug: str) -> HttpResponse:
    community = _community(request, slug)
    return _render_community(
        request, "communities/about.html", community, "about", request_form=JoinRequestForm()
    )


@require_GET
def members(request: HttpRequest, slug: str) -> HttpResponse:
    community = _community(request, slug)
    viewer = http.viewer(request)
    if not viewer.has_perm("communities.view_content", community):
        return _render_community(
            request,
            "communities/members.html",
            community,
            "members",
            status=403,
            locked=True,
            request_form=JoinRequestForm(),
        )
    role = request.GET.get("role", "")
    if role not in Membership.Role.values:
        role = ""
    q = request.GET.get("q", "").strip()
    memberships = selectors.community_members(
        community=community, viewer=viewer, role=role or None, q=q
    )
    page = _page(request, memberships, MEMBERS_PAGE_SIZE)
    return _render_community(
        request,
        "communities/members.html",
        community,
        "members",
        page_obj=page,
        memberships=page.object_list,
        role=role,
        q=q,
        roles=Membership.Role.choices,
    )


@require_POST
def member_role(request: HttpRequest, slug: str, username: str) -> HttpResponse:
    community = _community(request, slug)
    person = selectors.get_member(community=community, username=username)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a role."))
    else:
        role = form.cleaned_data["role"]
        http.attempt(
            request,
            lambda: services.membership_change_role(
                community=community, user=person, role=role, by=http.viewer(request)
            ),
            _("%(name)s is now %(role)s.")
            % {"name": person.display_name, "role": Membership.Role(role).label},
        )
    return http.redirect_next(request, reverse("communities:members", args=[community.slug]))


@require_http_methods(["GET", "POST"])
def appoint_owner(request: HttpRequest, slug: str) -> HttpResponse:
    """A platform administrator appoints the owner of a community that has none."""
    community = _community(request, slug)
    viewer = http.viewer(request)
    if not community_rules.can_appoint_owners(viewer):
        return _forbidden(request, community, "members", str(services.APPOINT_REFUSED_MESSAGE))
    if not community_rules.can_appoint_owner(viewer, community):
        # Someone was made owner meanwhile, or the form was sent twice.
        messages.warning(request, str(services.HAS_OWNER_MESSAGE))
        return redirect("communities:members", slug=community.slug)
    form = AppointOwnerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = selectors.find_appointee(identifier=form.cleaned_data["person"])
        if person is None:
            form.add_error(
                "person", _("Nobody with this name, username or e-mail address was found.")
            )
        else:
            try:
                services.community_appoint_owner(community=community, user=person, by=viewer)
            except ServiceError as exc:
                http.raise_if_hidden(exc)
                if exc.code != "has_owner":
                    form.add_error("person", str(exc.message))
                else:
                    messages.warning(request, str(exc.message))
                    return redirect("communities:members", slug=community.slug)
            else:
                messages.success(
                    request,
                    _("%(name)s is now the owner of “%(community)s”.")
                    % {"name": person.display_name, "community": community.name},
                )
                return redirect("communities:members", slug=community.slug)
    return _render_community(
        request,
        "communities/appoint_owner.html",
        community,
        "members",
        form=form,
        candidates=selectors.members_who_may_own(community=community),
    )


@require_GET
def appoint_owner_suggestions(request: HttpRequest, slug: str) -> HttpResponse:
    """Options for the appointment field's datalist (fetched by htmx while typing)."""
    community = _community(request, slug)
    if not community_rules.can_appoint_owner(http.viewer(request), community):
        return HttpResponse(status=403)
    q = request.GET.get("person", "")
    people = selectors.appointable_people(q=q) if len(q.strip()) >= 2 else []
    return render(request, "communities/_invite_suggestions.html", {"people": people})


@require_POST
def member_remove(request: HttpRequest, slug: str, username: str) -> HttpResponse:
    community = _community(request, slug)
    person = selectors.get_member(community=community, username=username)
    http.attempt(
        request,
        lambda: services.membership_remove(
            community=community, user=person, by=http.viewer(request)
        ),
        _("%(name)s is no longer a member.") % {"name": person.display_name},
    )
    return http.redirect_next(request, reverse("communities:members", args=[community.slug]))


@require_POST
def join(request: HttpRequest, slug: str) -> HttpResponse:
    community = _community(request, slug)
    http.attempt(
        request,
        lambda: services.membership_join(community=community, user=http.viewer(request)),
        _("Welcome! You are now a member of “%(name)s”.") % {"name": community.name},
    )
    return http.redirect_next(request, reverse("communities:detail", args=[community.slug]))


@require_POST
def leave(request: HttpRequest, slug: str) -> HttpResponse:
    community = _community(request, slug)
    left = http.attempt(
        request,
        lambda: services.membership_leave(community=community, user=http.viewer(request)),
        _("You have left “%(name)s”.") % {"name": community.name},
    )
    if (
        left
        and community.kind == Community.Kind.SECRET
        and not is_platform_admin(http.viewer(request))
    ):
        # The community no longer exists for the person who left it.
        return redirect("communities:directory")
    return http.redirect_next(request, reverse("communities:detail", args=[community.slug]))


@require_POST
def request_join(request: HttpRequest, slug: str) -> HttpResponse:
    community = _community(request, slug)
    form = JoinRequestForm(request.POST)
    message = form.cleaned_data["message"] if form.is_valid() else ""
    if form.errors:
        messages.error(request, _("The message may be at most 500 characters long."))
    else:
        http.attempt(
            request,
            lambda: services.join_request_create(
                community=community, user=http.viewer(request), message=message
            ),
            _("Your request has been sent. The moderators of “%(name)s” will decide.")
            % {"name": community.name},
        )
    return http.redirect_next(request, reverse("communities:detail", args=[community.slug]))


@require_POST
def request_withdraw(request: HttpRequest, slug: str) -> HttpResponse:
    community = _community(request, slug)
    pending = getattr(community, "viewer_request_id", None)
    if pending is None:
        messages.error(request, _("You have no open request for this community."))
    else:
        join_request = selectors.get_join_request(community=community, pk=pending)
        http.attempt(
            request,
            lambda: services.join_request_withdraw(request=join_request, by=http.viewer(request)),
            _("Your request has been withdrawn."),
        )
    return http.redirect_next(request, reverse("communities:detail", args=[community.slug]))


@require_GET
def requests(request: HttpRequest, slug: str) -> HttpResponse:
    community = _community(request, slug)
    if not http.viewer(request).has_perm("communities.manage_members", community):
        return _forbidden(
            request, community, "requests", _("Only moderators and owners see requests to join.")
        )
    return _render_community(
        request,
        "communities/requests.html",
        community,
        "requests",
        join_requests=list(selectors.pending_requests(community=community)),
        open_invitations=list(selectors.pending_invitations_of(community=community)),
    )


def _decide(request: HttpRequest, slug: str, pk: int, approve: bool) -> HttpResponse:
    community = _community(request, slug)
    join_request = selectors.get_join_request(community=community, pk=pk)
    name = join_request.user.display_name
    if approve:
        http.attempt(
            request,
            lambda: services.join_request_approve(request=join_request, by=http.viewer(request)),
            _("%(name)s is now a member.") % {"name": name},
        )
    else:
        http.attempt(
            request,
            lambda: services.join_request_decline(request=join_request, by=http.viewer(request)),
            _("The request of %(name)s has been declined.") % {"name": name},
        )
    return redirect("communities:requests", slug=community.slug)


@require_POST
def request_approve(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _decide(request, slug, pk, approve=True)


@require_POST
def request_decline(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _decide(request, slug, pk, approve=False)


@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest, slug: str) -> HttpResponse:
    community = _community(request, slug)
    viewer = http.viewer(request)
    if not viewer.has_perm("communities.invite", community):
        return _forbidden(
            request,
            community,
            "members",
            _("Only moderators and owners may invite people to this community."),
        )
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = selectors.find_person(identifier=form.cleaned_data["person"])
        if person is None:
            form.add_error("person", _("Nobody with this username or e-mail address was found."))
        else:
            try:
                services.invitation_create(community=community, invitee=person, by=viewer)
            except ServiceError as exc:
                if exc.status == 404:
                    raise Http404(str(exc.message)) from exc
                form.add_error("person", str(exc.message))
            else:
                messages.success(
                    request,
                    _("%(name)s has been invited.") % {"name": person.display_name},
                )
                return redirect("communities:invite", slug=community.slug)
    return _render_community(request, "communities/invite.html", community, "members", form=form)


@require_GET
def invite_suggestions(request: HttpRequest, slug: str) -> HttpResponse:
    """Options for the invite field's datalist (fetched by htmx while typing)."""
    community = _community(request, slug)
    if not http.viewer(request).has_perm("communities.invite", community):
        return HttpResponse(status=403)
    q = request.GET.get("person", "")
    people = selectors.invitable_people(community=community, q=q) if len(q.strip()) >= 2 else []
    return render(request, "communities/_invite_suggestions.html", {"people": people})


@require_POST
def invitation_revoke(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    community = _community(request, slug)
    invitation = selectors.pending_invitations_of(community=community).filter(pk=pk).first()
    if invitation is None:
        raise Http404(_("This invitation does not exist or is no longer open."))
    invitation.community = community
    http.attempt(
        request,
        lambda: services.invitation_revoke(invitation=invitation, by=http.viewer(request)),
        _("The invitation of %(name)s has been revoked.")
        % {"name": invitation.invitee.display_name},
    )
    return redirect("communities:requests", slug=community.slug)


@require_http_methods(["GET", "POST"])
def settings_view(request: HttpRequest, slug: str) -> HttpResponse:
    community = _community(request, slug)
    viewer = http.viewer(request)
    if not viewer.has_perm("communities.change_community", community):
        return _forbidden(
            request, community, "settings", _("Only owners may change the community's settings.")
        )
    initial = {
        "name": community.name,
        "tagline": community.tagline,
        "description": community.description,
        "kind": community.kind,
    }
    form = CommunityForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.community_update(community=community, by=viewer, **form.cleaned_data)
        except ServiceError as exc:
            if exc.status == 404:
                raise Http404(str(exc.message)) from exc
            form.add_error(FIELD_OF_CODE.get(exc.code), str(exc.message))
        else:
            messages.success(request, _("The settings have been saved."))
            return redirect("communities:settings", slug=community.slug)
    return _render_community(request, "communities/settings.html", community, "settings", form=form)


@require_POST
def delete(request: HttpRequest, slug: str) -> HttpResponse:
    community = _community(request, slug)
    name = community.name
    if http.attempt(
        request,
        lambda: services.community_delete(community=community, by=http.viewer(request)),
        _("The community “%(name)s” has been deleted.") % {"name": name},
    ):
        return redirect("communities:directory")
    return redirect("communities:settings", slug=community.slug)


# --- invitations addressed to me -----------------------------------------------------------


@require_POST
def invitation_accept(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = selectors.get_pending_invitation_for(user=http.viewer(request), pk=pk)
    community = invitation.community
    if http.attempt(
        request,
        lambda: services.invitation_accept(invitation=invitation, by=http.viewer(request)),
        _("Welcome! You are now a member of “%(name)s”.") % {"name": community.name},
    ):
        return redirect("communities:detail", slug=community.slug)
    return http.redirect_next(request, reverse("communities:directory"))


@require_POST
def invitation_decline(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = selectors.get_pending_invitation_for(user=http.viewer(request), pk=pk)
    http.attempt(
        request,
        lambda: services.invitation_decline(invitation=invitation, by=http.viewer(request)),
        _("You have declined the invitation to “%(name)s”.") % {"name": invitation.community.name},
    )
    return http.redirect_next(request, reverse("communities:directory"))
