"""The client's IP address: the peer itself, unless the peer is a proxy we were told to trust.

``X-Forwarded-For`` is written by whoever sends the request, so it is read only when the
connection comes from an address in ``TRUSTED_PROXIES``; then the header is walked from the
right (the hop our proxy added) past further trusted proxies, and the first address that is
not one of ours is the client. Rate limits key on this address.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _address(raw: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    raw = raw.strip()
    if raw.startswith("[") and "]" in raw:  # "[2001:db8::1]:443"
        raw = raw[1 : raw.index("]")]
    elif raw.count(":") == 1:  # "192.0.2.1:443"
        raw = raw.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return any(address in net for net in _networks(tuple(settings.TRUSTED_PROXIES)))


def client_ip(request: HttpRequest) -> str:
    """The address the request came from, as far as our own proxies vouch for it."""
    peer = _address(request.META.get("REMOTE_ADDR") or "")
    if peer is None:
        return request.META.get("REMOTE_ADDR") or ""
    client = peer
    if _trusted(peer):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        for hop in reversed([part for part in forwarded.split(",") if part.strip()]):
            address = _address(hop)
            if address is None:
                break  # a garbled entry: trust nothing further left of it
            client = address
            if not _trusted(address):
                break
    return str(client)
