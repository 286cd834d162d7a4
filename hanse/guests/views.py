"""Inviting guests into a community, and the invitee's page that accepts."""

from __future__ import annotations

from datetime import datetime, time

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from hanse.chat.models import Channel
from hanse.communities.models import Community
from hanse.core import http
from hanse.core.errors import ServiceError
from hanse.guests import services
from hanse.guests.forms import GuestAcceptForm, GuestInviteForm


def invite(request: HttpRequest, slug: str) -> HttpResponse:
    """A community's owners and moderators invite a guest by e-mail (others: 404)."""
    viewer = http.viewer(request)
    community = Community.objects.visible_to(viewer).filter(slug=slug).first()
    if community is None or not services.may_invite_guests(viewer, community):
        raise Http404
    channels = list(Channel.objects.filter(community=community, archived_at__isnull=True))
    form = GuestInviteForm(request.POST or None, channel_choices=[(c.pk, c.name) for c in channels])
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        until = data["access_until"]
        chosen = {int(pk) for pk in data["channels"]}
        try:
            services.guest_invite(
                by=viewer,
                community=community,
                email=data["email"],
                organisation=data["organisation"],
                channels=[c for c in channels if c.pk in chosen],
                access_until=(
                    timezone.make_aware(datetime.combine(until, time(23, 59))) if until else None
                ),
                request=request,
            )
        except ServiceError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(
                request, _("An invitation has been sent to %(email)s.") % {"email": data["email"]}
            )
            return redirect("guests:invite", slug=community.slug)
    return render(request, "guests/invite.html", {"community": community, "form": form})


@login_not_required
def accept(request: HttpRequest, token: str) -> HttpResponse:
    """The invitee sets their name and password and becomes a guest member."""
    invitation = services.invitation_for_token(token)
    if invitation is None:
        return render(request, "guests/invalid.html", status=404)
    form = GuestAcceptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.guest_accept(
                token=token,
                first_name=data["first_name"],
                last_name=data["last_name"],
                password=data["password"],
                request=request,
            )
        except ServiceError as exc:
            form.add_error(None, str(exc.message))
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("communities:detail", slug=invitation.community.slug)
    return render(request, "guests/accept.html", {"invitation": invitation, "form": form})
