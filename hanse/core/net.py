"""The client's IP address: the peer itself, unless the peer is a proxy we were told to trust.

``X-Forwarded-For`` is written by whoever sends the request, so it is read only when the
connection comes from an address in ``TRUSTED_PROXIES``; then the header is walked from the
right (the hop our proxy added) past further trusted proxies, and the first address that is
not one of ours is the client. Rate limits key on this address.

``X-Forwarded-Proto`` likewise: Django believes it for ``request.is_secure()`` (with
``SECURE_PROXY_SSL_HEADER``), so ``ForwardedProtoMiddleware`` removes it from every request
whose peer is not a trusted proxy, before anything reads it.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse

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


def peer_is_trusted_proxy(request: HttpRequest) -> bool:
    peer = _address(request.META.get("REMOTE_ADDR") or "")
    return peer is not None and _trusted(peer)


class ForwardedProtoMiddleware:
    """Drops ``X-Forwarded-Proto`` unless the peer is in ``TRUSTED_PROXIES``: only our own
    proxy may tell the app that the request came over HTTPS (secure cookies, redirects and
    CSRF's origin checks depend on it)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "HTTP_X_FORWARDED_PROTO" in request.META and not peer_is_trusted_proxy(request):
            del request.META["HTTP_X_FORWARDED_PROTO"]
        return self.get_response(request)
