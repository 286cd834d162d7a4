"""Writes: ending one's own sessions. Each ending is recorded in the audit log and closes the
session's WebSockets after the commit."""

from __future__ import annotations

from typing import Any

from allauth.usersessions.models import UserSession
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from hanse.api.services import tokens_revoke_all
from hanse.audit.services import record
from hanse.core import signals as domain_events
from hanse.core.errors import PermissionRefused, ServiceError
from hanse.identity import rules
from hanse.realtime.publish import CLOSE_SIGNED_OUT, close_connections


def _end(session: UserSession, *, request: HttpRequest | None, actor: Any, reason: str) -> None:
    key, user_id, pk = session.session_key, session.user_id, session.pk
    session.end()  # the stored session (database and cache) and its row
    record(
        "session.ended",
        actor=actor,
        target=("usersessions.usersession", pk),
        request=request,
        data={"user_id": user_id, "reason": reason},
    )
    transaction.on_commit(
        lambda: close_connections(user_id, session_key=key, code=CLOSE_SIGNED_OUT)
    )


def session_end(*, user: Any, session: UserSession, request: HttpRequest) -> None:
    """End one of one's own other sessions (the current one ends with logout)."""
    if not rules.owns_session(user, session):
        raise PermissionRefused(_("This is not one of your sessions."))
    if session.session_key == request.session.session_key:
        raise ServiceError(_("To end this session, log out."), code="current_session")
    with transaction.atomic():
        _end(session, request=request, actor=user, reason="ended_by_owner")


def sessions_end_others(*, user: Any, request: HttpRequest) -> int:
    """End every session of the person except the one making the request."""
    current = request.session.session_key
    with transaction.atomic():
        others = list(
            UserSession.objects.select_for_update()
            .filter(user_id=user.pk)
            .exclude(session_key=current or "")
        )
        for session in others:
            _end(session, request=request, actor=user, reason="ended_by_owner")
    return len(others)


def session_end_for_idp(*, session: UserSession, request: HttpRequest | None) -> None:
    """End one session because the identity provider ended the sign-in it came from (a
    SAML LogoutRequest, hanse/identity/slo.py)."""
    with transaction.atomic():
        _end(session, request=request, actor=None, reason="ended_by_idp")


def sessions_end_all(*, user: Any, actor: Any, reason: str, request: HttpRequest | None) -> int:
    """End every session of a person (deactivation, provisioning)."""
    with transaction.atomic():
        sessions = list(UserSession.objects.select_for_update().filter(user_id=user.pk))
        for session in sessions:
            _end(session, request=request, actor=actor, reason=reason)
    return len(sessions)


def person_deactivate(*, user: Any, actor: Any, reason: str, request: HttpRequest | None) -> None:
    """A leaver: the account is deactivated and, at once, every session ends, every open
    WebSocket closes (the realtime app's save receiver), every API token is revoked and the
    person leaves the circle rounds still being matched (``person_deactivated``)."""
    with transaction.atomic():
        if user.is_active:
            user.is_active = False
            user.save(update_fields=["is_active"])
        sessions_end_all(user=user, actor=actor, reason=reason, request=request)
        revoked = tokens_revoke_all(user=user)
        domain_events.send_in_transaction(
            domain_events.person_deactivated, domain_events.PersonDeactivated(user_id=user.pk)
        )
        record(
            "person.deactivated",
            actor=actor,
            target=user,
            request=request,
            data={"reason": reason, "tokens_revoked": revoked},
        )
