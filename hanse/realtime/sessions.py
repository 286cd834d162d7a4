"""Whether an open WebSocket's session is still what the handshake accepted.

A connection is authenticated once, at the handshake, from the session cookie. It must not
outlive that session: logout, password change and deactivation close it at once
(hanse/realtime/signals.py), and the consumer asks ``session_valid`` every
``REALTIME_SESSION_CHECK_SECONDS`` for whatever those signals cannot see (a session expired
or deleted elsewhere, a password written without ``set_password``).
"""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.utils.crypto import constant_time_compare

from hanse.people.models import User

DEFAULT_CHECK_SECONDS = 60.0


def check_seconds() -> float:
    """How often an open connection checks its session (settings may override it)."""
    return float(getattr(settings, "REALTIME_SESSION_CHECK_SECONDS", DEFAULT_CHECK_SECONDS))


def session_valid(*, user_id: int, session_key: str | None) -> bool:
    """True while an HTTP request with this session would still be signed in as ``user_id``:
    the session exists and has not expired (read through the configured engine, as the HTTP
    side reads it: cache first for ``cached_db``), it names the same person, the person is
    active and the session's password hash still matches (Django's own rule, with its
    secret key fallbacks)."""

    if not session_key:
        return False
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)
    data = store.load()
    if str(data.get(SESSION_KEY, "")) != str(user_id):
        return False
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return False
    stored = str(data.get(HASH_SESSION_KEY, ""))
    if constant_time_compare(stored, user.get_session_auth_hash()):
        return True
    return any(
        constant_time_compare(stored, fallback)
        for fallback in user.get_session_auth_fallback_hash()
    )
