"""Reads: a person's second factors and their sessions as the sessions page shows them."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.http import Http404

from hanse.identity import useragent
from hanse.identity.models import NetworkPlace

SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def has_second_factor(user: Any) -> bool:
    """An authenticator app or a security key/passkey (recovery codes alone are no factor)."""
    return Authenticator.objects.filter(user_id=user.pk, type__in=SECOND_FACTORS).exists()


@dataclass(frozen=True)
class SessionRow:
    id: int
    device: str
    place: str
    created_at: datetime
    last_seen_at: datetime
    current: bool


def truncated_ip(ip: str) -> str:
    """An address shown as its network only: 192.0.2.x, 2001:db8:1:2::/64."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ""
    if address.version == 4:
        return ".".join(ip.split(".")[:3]) + ".x"
    return str(ipaddress.ip_network(f"{address}/64", strict=False))


def place_of(ip: str, places: list[NetworkPlace]) -> str:
    """The branch whose network holds the address (the narrowest one), else the address
    truncated to its network."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ""
    best: NetworkPlace | None = None
    for place in places:
        network = place.as_network()
        inside = address.version == network.version and address in network
        if inside and (best is None or network.prefixlen > best.as_network().prefixlen):
            best = place
    return best.location.name if best is not None else truncated_ip(ip)


def sessions_of(user: Any, *, current_key: str | None) -> list[SessionRow]:
    """The person's open sessions, the current one first, then by last activity (ended and
    expired ones are cleared on the way, as allauth does)."""
    sessions = UserSession.objects.purge_and_list(user)
    places = list(NetworkPlace.objects.select_related("location"))
    rows = [
        SessionRow(
            id=session.pk,
            device=useragent.describe(session.user_agent),
            place=place_of(session.ip, places),
            created_at=session.created_at,
            last_seen_at=session.last_seen_at,
            current=session.session_key == current_key,
        )
        for session in sessions
    ]
    rows.sort(key=lambda row: (not row.current, -row.last_seen_at.timestamp()))
    return rows


def get_session_for(user: Any, session_id: int) -> UserSession:
    """One of the person's own sessions; another's or an unknown id is the same 404."""
    session = UserSession.objects.filter(pk=session_id, user_id=user.pk).first()
    if session is None:
        raise Http404
    return session
