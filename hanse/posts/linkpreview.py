"""Link previews: title, description and image of a web page a post links to.

Fetching a URL that a person typed is a server-side request forgery risk: the server sits in
the bank's network and could be made to read internal services or cloud metadata. So:

- only http and https, no credentials in the URL;
- the host is resolved here, once, and the request is refused if ANY of its addresses is not
  globally routable (private, loopback, link-local, multicast, reserved, unspecified, shared,
  and the same for IPv4 embedded in IPv6: mapped, 6to4, Teredo, NAT64);
- the connection then goes to that exact vetted address (see `_PinnedConnection`), so a second
  DNS answer cannot swap in an internal address between the check and the connect (DNS
  rebinding);
- at most MAX_REDIRECTS redirects, each hop checked again from the start;
- one overall deadline for DNS, connect, TLS, headers and body, and a byte limit on the body;
- only text/html (or XHTML) is parsed, and every value is cleaned and cut to length.

The caller shows the result as text (templates escape it); `image_url` is a link to a remote
image, never fetched here.
"""

from __future__ import annotations

import codecs
import http.client
import io
import ipaddress
import logging
import re
import socket
import ssl
import threading
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

import idna
from django.conf import settings

logger = logging.getLogger(__name__)

__all__ = ["Preview", "fetch_preview", "preview_from_html", "previews_enabled"]

MAX_REDIRECTS = 3
MAX_URL_CHARS = 2048
TITLE_CHARS = 200
DESCRIPTION_CHARS = 500
SITE_NAME_CHARS = 100
USER_AGENT = "Hanse-LinkPreview/1.0"
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


@dataclass(frozen=True, slots=True)
class Preview:
    """What a link preview card shows. `url` is the page actually read (after redirects)."""

    url: str
    title: str
    description: str | None
    image_url: str | None
    site_name: str | None


class _Refused(Exception):
    """The URL or one of its addresses is not allowed; no connection was made."""


def previews_enabled() -> bool:
    """Operators switch previews off with LINK_PREVIEWS_ENABLED = False (read on every call)."""
    return bool(getattr(settings, "LINK_PREVIEWS_ENABLED", True))


# --- Address policy -----------------------------------------------------------------------


def _is_public_address(address: IPAddress) -> bool:
    """True only for globally routable unicast addresses, looking through IPv6 wrappers."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return _is_public_address(address.ipv4_mapped)
        embedded: list[ipaddress.IPv4Address] = []
        if address.sixtofour is not None:
            embedded.append(address.sixtofour)
        if address.teredo is not None:
            embedded.extend(address.teredo)
        if address in _NAT64:
            embedded.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
        if not all(_is_public_address(inner) for inner in embedded):
            return False
    return address.is_global and not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


@dataclass(frozen=True, slots=True)
class _Target:
    url: str
    scheme: str
    host: str  # ASCII (IDNA) host name or IP literal, without brackets
    port: int
    request_target: str  # path and query, percent-encoded
    host_header: str


# Characters http.client would refuse or that browsers strip: never part of a URL we fetch.
_URL_FORBIDDEN_RE = re.compile(r"[\x00-\x20\x7f]")
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
_HOST_RE = re.compile(r"[a-z0-9_](?:[a-z0-9_.\-]{0,251}[a-z0-9_])?")


def _target(url: str) -> _Target:
    url = url.strip()
    if not url or len(url) > MAX_URL_CHARS or _URL_FORBIDDEN_RE.search(url):
        raise _Refused("malformed URL")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise _Refused("malformed URL") from exc
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise _Refused(f"scheme {scheme!r} is not allowed")
    if parts.username is not None or parts.password is not None:
        raise _Refused("credentials in the URL")
    host = parts.hostname or ""
    if not host:
        raise _Refused("no host")
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        ip = None
    if ip is None:
        host = host.rstrip(".")
        if not host.isascii():
            # IDNA 2008 with UTS 46 mapping, as browsers do: "straße.de" is xn--strae-oqa.de,
            # not strasse.de (which Python's built-in IDNA 2003 codec would give).
            try:
                host = idna.encode(host, uts46=True).decode("ascii")
            except (idna.IDNAError, UnicodeError) as exc:
                raise _Refused("invalid host name") from exc
        if not _HOST_RE.fullmatch(host):
            raise _Refused("invalid host name")
    else:
        host = str(ip)
    default_port = 443 if scheme == "https" else 80
    port = port or default_port
    request_target = quote(parts.path or "/", safe=_PATH_SAFE)
    if parts.query:
        request_target += "?" + quote(parts.query, safe=_PATH_SAFE + "?")
    shown_host = f"[{host}]" if ip is not None and ip.version == 6 else host
    host_header = shown_host if port == default_port else f"{shown_host}:{port}"
    return _Target(url, scheme, host, port, request_target, host_header)


# Indirection so tests can answer DNS questions for made-up host names.
_getaddrinfo: Callable[..., list[Any]] = socket.getaddrinfo


def _resolve(host: str, port: int, deadline: float) -> list[IPAddress]:
    """All addresses of `host`, within the deadline (getaddrinfo itself has no timeout)."""
    outcome: dict[str, Any] = {}

    def lookup() -> None:
        try:
            outcome["infos"] = _getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except Exception as exc:  # reported to the waiting thread below
            outcome["error"] = exc

    # A daemon thread, not an executor: a resolver that hangs must not hold up shutdown.
    worker = threading.Thread(target=lookup, name="linkpreview-dns", daemon=True)
    worker.start()
    worker.join(max(0.0, deadline - time.monotonic()))
    if worker.is_alive():
        raise TimeoutError("DNS lookup timed out")
    if "error" in outcome:
        raise OSError(f"DNS lookup failed: {outcome['error']}")
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _canonname, sockaddr in outcome.get("infos", []):
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise OSError("DNS lookup returned no address")
    return addresses


def _vetted_addresses(target: _Target, deadline: float, allow_private: bool) -> list[IPAddress]:
    addresses = _resolve(target.host, target.port, deadline)
    if not allow_private:
        refused = [str(a) for a in addresses if not _is_public_address(a)]
        if refused:
            raise _Refused(f"{target.host} resolves to non-public {', '.join(refused)}")
    return addresses


# --- A connection pinned to one vetted address, under one deadline ------------------------


def _remaining(deadline: float) -> float:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise TimeoutError("link preview deadline passed")
    return remaining


def _open_connection(address: IPAddress, port: int, deadline: float) -> socket.socket:
    """A TCP connection to exactly this address (never a host name)."""
    return socket.create_connection((str(address), port), timeout=_remaining(deadline))


def _ssl_context() -> ssl.SSLContext:
    return ssl.create_default_context()


class _DeadlineSocket:
    """A socket whose every send and receive may only wait until the overall deadline.

    Per-call socket timeouts alone would let a server that drips one byte at a time keep us
    busy forever; re-arming the timeout with the time left before each call does not.
    `close()` is left to the fetch (which owns the real socket), because http.client closes
    the connection's socket while the response is still being read from it.
    """

    def __init__(self, sock: socket.socket, deadline: float) -> None:
        self._sock = sock
        self._deadline = deadline

    def sendall(self, data: bytes) -> None:
        self._sock.settimeout(_remaining(self._deadline))
        self._sock.sendall(data)

    def recv_into(self, buffer: Any, nbytes: int = 0) -> int:
        self._sock.settimeout(_remaining(self._deadline))
        return self._sock.recv_into(buffer, nbytes)

    def makefile(self, mode: str = "rb", *args: Any, **kwargs: Any) -> io.BufferedReader:
        return io.BufferedReader(_DeadlineReader(self))

    def close(self) -> None:
        """The fetch closes the real socket when it is done."""


class _DeadlineReader(io.RawIOBase):
    def __init__(self, sock: _DeadlineSocket) -> None:
        super().__init__()
        self._dsock = sock

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        return self._dsock.recv_into(buffer)


class _PinnedConnection(http.client.HTTPConnection):
    """HTTP(S) to a host name, but over a socket to an address we vetted ourselves.

    Why http.client and not httpx: httpx (httpcore) resolves the host itself when it opens a
    connection and has no public hook to pin the address, and its timeouts are per read, not
    overall. Here the TCP connection goes to the vetted IP, TLS gets the real host name for SNI
    and certificate verification, and the Host header carries the name, which is exactly what a
    browser would send.
    """

    def __init__(self, target: _Target, address: IPAddress, deadline: float) -> None:
        super().__init__(target.host, target.port, timeout=_remaining(deadline))
        self._target = target
        self._address = address
        self._deadline = deadline
        self.raw_socket: socket.socket | None = None

    def connect(self) -> None:
        raw = _open_connection(self._address, self.port, self._deadline)
        self.raw_socket = raw
        if self._target.scheme == "https":
            raw.settimeout(_remaining(self._deadline))
            tls = _ssl_context().wrap_socket(raw, server_hostname=self._target.host)
            self.raw_socket = tls
            raw = tls
        # http.client only calls sendall() and makefile() on its socket.
        self.sock = _DeadlineSocket(raw, self._deadline)

    def dispose(self) -> None:
        self.close()
        if self.raw_socket is not None:
            self.raw_socket.close()
            self.raw_socket = None


# --- Fetching -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Page:
    url: str
    html: str


_META_CHARSET_RE = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]{1,40})""", re.IGNORECASE
)


def _decode(body: bytes, declared: str | None) -> str:
    candidates = [declared] if declared else []
    if body.startswith(codecs.BOM_UTF8):
        candidates.insert(0, "utf-8-sig")
    sniffed = _META_CHARSET_RE.search(body[:4096])
    if sniffed:
        candidates.append(sniffed.group(1).decode("ascii"))
    for name in candidates:
        try:
            # Only real text encodings: "rot13" or "base64" raise LookupError here.
            return body.decode(name, errors="replace")
        except (LookupError, TypeError):
            continue
    return body.decode("utf-8", errors="replace")


def _request(target: _Target, deadline: float, max_bytes: int, allow_private: bool
             ) -> tuple[int, str | None, str | None, bytes]:  # fmt: skip
    """One GET: (status, Location, declared charset, HTML body up to max_bytes)."""
    addresses = _vetted_addresses(target, deadline, allow_private)
    last_error: OSError | None = None
    for address in addresses:
        connection = _PinnedConnection(target, address, deadline)
        try:
            connection.request(
                "GET",
                target.request_target,
                headers={
                    "Host": target.host_header,
                    "User-Agent": USER_AGENT,
                    "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
                    "Accept-Language": "de,en;q=0.8",
                    # No compression: the byte limit must apply to what we parse.
                    "Accept-Encoding": "identity",
                    "Connection": "close",
                },
            )
            response = connection.getresponse()
            status = response.status
            if status in REDIRECT_STATUSES:
                return status, response.getheader("Location"), None, b""
            if status != 200 or response.headers.get_content_type() not in HTML_TYPES:
                return status, None, None, b""
            chunks: list[bytes] = []
            received = 0
            while received < max_bytes:
                chunk = response.read1(min(65_536, max_bytes - received))
                if not chunk:
                    break
                chunks.append(chunk)
                received += len(chunk)
            return status, None, response.headers.get_content_charset(), b"".join(chunks)
        except ConnectionRefusedError as exc:
            # Another vetted address of the same host may answer.
            last_error = exc
            continue
        finally:
            connection.dispose()
    raise last_error or OSError("no address could be reached")


def _fetch(url: str, *, deadline: float, max_bytes: int, allow_private: bool) -> _Page | None:
    current = url
    for hop in range(MAX_REDIRECTS + 1):
        target = _target(current)
        status, location, charset, body = _request(target, deadline, max_bytes, allow_private)
        if status in REDIRECT_STATUSES:
            if not location or hop == MAX_REDIRECTS:
                logger.info("link preview: too many redirects or no Location from %s", url)
                return None
            current = urljoin(current, location.strip())
            continue
        if status != 200 or not body:
            return None
        return _Page(url=current, html=_decode(body, charset))
    return None


# --- Reading the page ---------------------------------------------------------------------


class _StopParsing(Exception):
    pass


class _MetaParser(HTMLParser):
    """Collects <meta> properties and the document <title> from the page's head."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.title: str | None = None
        self._title_parts: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "meta":
            values = {name.lower(): value or "" for name, value in attrs}
            key = (values.get("property") or values.get("name") or "").strip().lower()
            if key and "content" in values:
                self.meta.setdefault(key, values["content"])
        elif tag == "title" and self.title is None and self._title_parts is None:
            self._title_parts = []
        elif tag == "body" and (self.meta or self.title):
            # Everything a preview needs lives in <head>; skip the rest of a long page.
            raise _StopParsing

    def handle_endtag(self, tag: str) -> None:
        if tag == "title" and self._title_parts is not None:
            self.title = "".join(self._title_parts)
            self._title_parts = None
        elif tag == "head" and (self.meta or self.title):
            raise _StopParsing

    def handle_data(self, data: str) -> None:
        if self._title_parts is not None:
            self._title_parts.append(data)


def _clean(value: str | None, limit: int) -> str | None:
    if not value:
        return None
    text = "".join(
        " " if unicodedata.category(char) in ("Cc", "Zl", "Zp") else char for char in value
    )
    text = " ".join(text.split())
    if not text:
        return None
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


def _first(meta: dict[str, str], *keys: str) -> str | None:
    for key in keys:
        value = meta.get(key, "").strip()
        if value:
            return value
    return None


def _image_url(raw: str | None, page_url: str) -> str | None:
    if not raw:
        return None
    url = urljoin(page_url, raw.strip())
    if len(url) > MAX_URL_CHARS or _URL_FORBIDDEN_RE.search(url):
        return None
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018 (raises ValueError for a malformed port)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    if parts.username is not None or parts.password is not None:
        return None
    # Everyone who sees the card loads the image: it must not point browsers at the intranet.
    try:
        if not _is_public_address(ipaddress.ip_address(host)):
            return None
    except ValueError:
        if "." not in host.strip(".") or host == "localhost" or host.endswith(".localhost"):
            return None
    return url


def preview_from_html(html: str, url: str) -> Preview | None:
    """The preview described by a page's HTML; `url` is the page's address (for relative URLs)."""
    parser = _MetaParser()
    try:
        parser.feed(html)
        parser.close()
    except _StopParsing:
        pass
    except AssertionError:
        # html.parser asserts on some malformed markup ("<![x"); what was read so far counts.
        logger.debug("link preview: malformed HTML at %r", url[:MAX_URL_CHARS])
    meta = parser.meta
    title = _clean(_first(meta, "og:title", "twitter:title") or parser.title, TITLE_CHARS)
    description = _clean(
        _first(meta, "og:description", "twitter:description", "description"), DESCRIPTION_CHARS
    )
    site_name = _clean(_first(meta, "og:site_name", "application-name"), SITE_NAME_CHARS)
    image = _image_url(
        _first(
            meta,
            "og:image:secure_url",
            "og:image",
            "og:image:url",
            "twitter:image",
            "twitter:image:src",
        ),
        url,
    )
    if title is None and description is None:
        return None
    if title is None:
        title = site_name or (urlsplit(url).hostname or url)
    return Preview(
        url=url, title=title, description=description, image_url=image, site_name=site_name
    )


def fetch_preview(
    url: str,
    *,
    timeout: float = 3.0,
    max_bytes: int = 512_000,
    allow_private: bool = False,
) -> Preview | None:
    """The preview of a web page, or None (disabled, refused, unreachable, not HTML, empty).

    `timeout` bounds the whole fetch including redirects; `max_bytes` the body that is read.
    `allow_private` lifts the address check and exists for tests against a local server.
    """
    if not previews_enabled():
        return None
    deadline = time.monotonic() + timeout
    try:
        page = _fetch(url, deadline=deadline, max_bytes=max_bytes, allow_private=allow_private)
    except _Refused as exc:
        logger.warning("link preview refused for %r: %s", url[:MAX_URL_CHARS], exc)
        return None
    except (OSError, http.client.HTTPException, ssl.SSLError, ValueError) as exc:
        # OSError covers timeouts, refused connections, resets and DNS failures.
        logger.info("link preview failed for %r: %s", url[:MAX_URL_CHARS], exc)
        return None
    if page is None:
        return None
    return preview_from_html(page.html, page.url)
