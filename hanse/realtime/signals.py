"""Open WebSockets follow the session and the account they were opened with.

Signal receivers, because these changes happen in Django's and allauth's own code (logout,
the password forms of allauth and of the admin, ``manage.py changepassword``), not in our
services. They send after the commit, to the person's group (hanse/realtime/publish.py).
Memberships and community kinds are announced by the communities app through
hanse/core/signals.py; the connections concerned re-check their topics (docs/realtime.md).
A change that no signal sees (a session deleted or expired elsewhere, a password written with
``update()``) is caught by each connection's periodic check (hanse/realtime/sessions.py).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_out
from django.db import transaction
from django.db.models.signals import post_save
from django.http import HttpRequest

from hanse.core import signals as domain_events
from hanse.realtime import presence
from hanse.realtime.publish import (
    CLOSE_REAUTHENTICATE,
    CLOSE_SIGNED_OUT,
    close_connections,
    recheck_community,
    recheck_users,
)


def on_logged_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """Logout closes the connections of that session only: the person may stay signed in on
    another device."""
    session_key = getattr(getattr(request, "session", None), "session_key", None)
    if user is None or user.pk is None or not session_key:
        return
    close_connections(user.pk, session_key=session_key, code=CLOSE_SIGNED_OUT)


def on_user_saved(
    sender: Any, instance: Any, created: bool, update_fields: Any = None, **kwargs: Any
) -> None:
    """A new password or a deactivation closes every connection of the person; a change of
    the administrator flag re-checks their topics."""
    if created:
        return
    user_id = instance.pk
    # set_password() keeps the raw password on the object until save() has told the
    # password validators (AbstractBaseUser.save): set here means "the password changed",
    # whichever form or command changed it. (A rehash on login clears it before saving.)
    if not instance.is_active:
        transaction.on_commit(lambda: close_connections(user_id, code=CLOSE_SIGNED_OUT))
    elif getattr(instance, "_password", None) is not None:
        # The device that changed it keeps a valid session (its hash is updated) and
        # reconnects; every other session now fails the handshake with 4401.
        transaction.on_commit(lambda: close_connections(user_id, code=CLOSE_REAUTHENTICATE))
    elif update_fields is None or {"is_superuser", "org_unit"} & set(update_fields):
        # The administrator flag changes grants; the unit changes town-hall audiences.
        transaction.on_commit(lambda: recheck_users([user_id]))


def on_membership_ended(sender: Any, event: domain_events.MembershipEnded, **kwargs: Any) -> None:
    """The person's tabs stop receiving the community's topic, its posts' and chat channels'
    topics, and the feed drops it as a source."""
    recheck_users([event.user_id])


def on_membership_changed(
    sender: Any, event: domain_events.MembershipChanged, **kwargs: Any
) -> None:
    """Joined: the feed starts carrying the community; a role change may change grants."""
    recheck_users([event.user_id])


def on_community_changed(sender: Any, event: domain_events.CommunityChanged, **kwargs: Any) -> None:
    """A kind change (open -> private or secret) or a deletion may take the community's topics
    from many people at once."""
    recheck_community(event.community_id)


def on_units_changed(sender: Any, event: domain_events.UnitsChanged, **kwargs: Any) -> None:
    """A town hall's audience is a set of units: a person who left it stops receiving its
    topic at once; one who joined it may subscribe (docs/participation.md)."""
    recheck_users(event.user_ids)


def on_presence_hidden(sender: Any, event: domain_events.PresenceHidden, **kwargs: Any) -> None:
    """Hidden means hidden now: the dot goes at once, not when the heartbeat expires."""
    presence.forget(event.user_id)


def connect() -> None:
    domain_events.membership_ended.connect(
        on_membership_ended, dispatch_uid="hanse.realtime.membership_ended"
    )
    domain_events.membership_changed.connect(
        on_membership_changed, dispatch_uid="hanse.realtime.membership_changed"
    )
    domain_events.community_changed.connect(
        on_community_changed, dispatch_uid="hanse.realtime.community_changed"
    )
    domain_events.units_changed.connect(
        on_units_changed, dispatch_uid="hanse.realtime.units_changed"
    )
    domain_events.presence_hidden.connect(
        on_presence_hidden, dispatch_uid="hanse.realtime.presence_hidden"
    )
    user_logged_out.connect(on_logged_out, dispatch_uid="hanse.realtime.logged_out")
    post_save.connect(
        on_user_saved, sender=get_user_model(), dispatch_uid="hanse.realtime.user_saved"
    )
