"""Second factors added, removed or renewed are recorded in the audit log (allauth's own
signals: the pages are allauth's)."""

from __future__ import annotations

import time
from typing import Any

from allauth.mfa import signals as mfa_signals
from django.contrib.auth.signals import user_logged_in
from django.http import HttpRequest

from hanse.audit.services import record
from hanse.core.net import client_ip
from hanse.identity.middleware import AUTH_AT_KEY, touch


def _recorder(action: str) -> Any:
    def receiver(
        sender: Any, request: HttpRequest | None, user: Any, authenticator: Any, **kwargs: Any
    ) -> None:
        record(
            action,
            actor=user,
            target=("mfa.authenticator", authenticator.pk),
            request=request,
            data={"user_id": user.pk, "type": authenticator.type},
        )

    return receiver


_on_added = _recorder("mfa.added")
_on_removed = _recorder("mfa.removed")
_on_reset = _recorder("mfa.reset")


def connect() -> None:
    mfa_signals.authenticator_added.connect(_on_added, dispatch_uid="hanse.identity.mfa_added")
    mfa_signals.authenticator_removed.connect(
        _on_removed, dispatch_uid="hanse.identity.mfa_removed"
    )
    mfa_signals.authenticator_reset.connect(_on_reset, dispatch_uid="hanse.identity.mfa_reset")
    user_logged_in.connect(on_logged_in, dispatch_uid="hanse.identity.logged_in")
    from hanse.identity import sso  # allauth's socialaccount models: the registry is ready

    sso.connect()


def on_logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """A new session starts its timeouts (hanse/identity/middleware.py)."""
    session = getattr(request, "session", None)
    if session is None:
        return
    now = time.time()
    session[AUTH_AT_KEY] = now
    touch(session, now=now)
    # Every session is on the sessions page from its first moment, whoever signed it in
    # (allauth's forms record theirs; Django admin's login and other django.contrib.auth
    # logins would otherwise appear only after a minute): ending all of a person's sessions
    # (deactivation, suspension) then ends this one too.
    # A request without a client address (the test client's force_login) gets its row from
    # the middleware within a minute.
    if request is not None and client_ip(request) and getattr(user, "is_authenticated", False):
        from allauth.usersessions.models import UserSession  # needs the app registry

        UserSession.objects.create_from_request(request, user=user, session=session)
