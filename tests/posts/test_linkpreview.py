"""Link previews against a real local HTTP server, and the refusals that protect the network."""

from __future__ import annotations

import contextlib
import ipaddress
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hanse.posts import linkpreview
from hanse.posts.linkpreview import Preview, fetch_preview, preview_from_html

OG_PAGE = """<!doctype html>
<html lang="de"><head>
<meta charset="utf-8">
<title>Fallback-Titel</title>
<meta property="og:title" content="Gemeinwohl &amp; Nachhaltigkeit">
<meta property="og:description" content="  Wie die   Sparkasse
  in der Region wirkt. ">
<meta property="og:image" content="/bilder/karte.png">
<meta property="og:site_name" content="Sparkasse Beispiel">
</head><body><h1>Seite</h1><meta property="og:title" content="Im Body"></body></html>
"""


@dataclass
class Recorded:
    path: str
    host: str | None


@dataclass
class Server:
    port: int
    requests: list[Recorded] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def paths(self) -> list[str]:
        with self.lock:
            return [request.path for request in self.requests]


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer

    def log_message(self, format: str, *args: Any) -> None:
        """Keep the test output quiet."""

    def _send(self, body: bytes, content_type: str | None = "text/html; charset=utf-8",
              status: int = 200, headers: dict[str, str] | None = None) -> None:  # fmt: skip
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body)

    def do_GET(self) -> None:
        record = self.server.record
        with record.lock:
            record.requests.append(Recorded(self.path, self.headers.get("Host")))
        parts = urlsplit(self.path)
        path, query = parts.path, parse_qs(parts.query)
        if path == "/og":
            self._send(OG_PAGE.encode())
        elif path == "/title-only":
            page = (
                "<html><head><title>  Nur ein \n Titel </title>"
                '<meta name="description" content="Eine Beschreibung."></head></html>'
            )
            self._send(page.encode())
        elif path == "/twitter":
            page = (
                '<head><meta name="twitter:title" content="Vom Vogel">'
                '<meta name="twitter:description" content="Kurz gesagt.">'
                '<meta name="twitter:image" content="//cdn.example.org/bild.png"></head>'
            )
            self._send(page.encode())
        elif path == "/long":
            page = (
                f'<head><meta property="og:title" content="{"Titel " * 60}">'
                f'<meta property="og:description" content="{"Beschreibung " * 60}"></head>'
            )
            self._send(page.encode())
        elif path == "/bad-image":
            image = query["src"][0]
            page = f'<head><title>Bild</title><meta property="og:image" content="{image}"></head>'
            self._send(page.encode())
        elif path == "/empty":
            self._send(b"<html><head></head><body><p>Nichts</p></body></html>")
        elif path.startswith("/redirect/"):
            remaining = int(path.rsplit("/", 1)[1])
            target = "/og" if remaining == 1 else f"/redirect/{remaining - 1}"
            self._send(b"", None, 302, {"Location": target})
        elif path == "/redirect-to":
            self._send(b"", None, 302, {"Location": query["to"][0]})
        elif path == "/big":
            padding = b"<p>" + b"x" * 2_000_000 + b"</p>"
            self._send(OG_PAGE.encode().replace(b"<h1>", padding + b"<h1>"))
        elif path == "/late":
            late = (
                b"<html><head><!-- " + b"x" * 600_000 + b" -->"
                b'<meta property="og:title" content="Zu spaet"></head></html>'
            )
            self._send(late)
        elif path == "/slow":
            time.sleep(3)
            self._send(OG_PAGE.encode())
        elif path == "/trickle":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            try:
                for _ in range(100):
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(0.05)
            except (BrokenPipeError, ConnectionResetError):
                pass
        elif path == "/json":
            self._send(b'{"title": "Kein HTML"}', "application/json")
        elif path == "/image":
            self._send(b"\x89PNG\r\n\x1a\n", "image/png")
        elif path == "/no-type":
            self._send(OG_PAGE.encode(), None)
        elif path == "/latin1":
            page = "<head><title>Gemeinwohlökonomie für alle</title></head>"
            self._send(page.encode("iso-8859-1"), "text/html; charset=ISO-8859-1")
        elif path == "/meta-charset":
            page = '<head><meta charset="windows-1252"><title>Größe \u2013 5 €</title></head>'
            self._send(page.encode("cp1252"), "text/html")
        elif path == "/bogus-charset":
            page = "<head><title>Trotzdem lesbar</title></head>"
            self._send(page.encode(), "text/html; charset=rot13")
        else:
            self._send(b"<title>Nicht gefunden</title>", status=404)


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    record: Server


def _start(server_class: type[_HTTPServer], wrap: Callable[[_HTTPServer], None] | None = None
           ) -> Iterator[Server]:  # fmt: skip
    httpd = server_class(("127.0.0.1", 0), _Handler)
    if wrap is not None:
        wrap(httpd)
    record = Server(port=httpd.server_address[1])
    httpd.record = record
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield record
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="module")
def _module_server() -> Iterator[Server]:
    yield from _start(_HTTPServer)


@pytest.fixture
def server(_module_server: Server) -> Server:
    """The local test server, with its request log emptied for this test."""
    with _module_server.lock:
        _module_server.requests.clear()
    return _module_server


@dataclass
class Connections:
    """Every TCP connection fetch_preview opens, by address and port."""

    opened: list[tuple[str, int]] = field(default_factory=list)


@pytest.fixture
def connections(monkeypatch: pytest.MonkeyPatch) -> Connections:
    spy = Connections()
    original = linkpreview._open_connection

    def recording(address: Any, port: int, deadline: float) -> socket.socket:
        spy.opened.append((str(address), port))
        return original(address, port, deadline)

    monkeypatch.setattr(linkpreview, "_open_connection", recording)
    return spy


@pytest.fixture
def fake_dns(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """Answers for made-up host names; other names resolve normally. Records each lookup."""
    answers: dict[str, list[str]] = {}
    lookups: list[str] = []
    original = linkpreview._getaddrinfo

    def resolve(host: str, port: int, *args: Any, **kwargs: Any) -> list[Any]:
        lookups.append(host)
        if host in answers:
            return [
                (
                    socket.AF_INET6 if ":" in address else socket.AF_INET,
                    socket.SOCK_STREAM,
                    6,
                    "",
                    (address, port),
                )
                for address in answers[host]
            ]
        return original(host, port, *args, **kwargs)

    monkeypatch.setattr(linkpreview, "_getaddrinfo", resolve)
    answers["__lookups__"] = lookups
    return answers


# --- Reading pages -------------------------------------------------------------------------


def test_open_graph_preview(server: Server, connections: Connections) -> None:
    """Open Graph tags give title, description and site name; the page is read once."""
    preview = fetch_preview(server.url("/og"), allow_private=True)
    assert preview == Preview(
        url=server.url("/og"),
        title="Gemeinwohl & Nachhaltigkeit",
        description="Wie die Sparkasse in der Region wirkt.",
        # The image would be http://127.0.0.1/...: browsers are never sent to internal hosts.
        image_url=None,
        site_name="Sparkasse Beispiel",
    )
    assert server.paths() == ["/og"]
    assert connections.opened == [("127.0.0.1", server.port)]


def test_relative_image_is_made_absolute(server: Server, fake_dns: dict[str, Any]) -> None:
    """A relative og:image is resolved against the page URL."""
    fake_dns["bank.example"] = ["127.0.0.1"]
    preview = fetch_preview(server.url("/og", host="bank.example"), allow_private=True)
    assert preview is not None
    assert preview.image_url == f"http://bank.example:{server.port}/bilder/karte.png"


def test_title_tag_and_meta_description_are_the_fallback(server: Server) -> None:
    """Without Open Graph, <title> and the description meta tag are used."""
    preview = fetch_preview(server.url("/title-only"), allow_private=True)
    assert preview == Preview(
        url=server.url("/title-only"),
        title="Nur ein Titel",
        description="Eine Beschreibung.",
        image_url=None,
        site_name=None,
    )


def test_twitter_tags(server: Server) -> None:
    """twitter:* tags are read, and a scheme-relative image gets the page's scheme."""
    preview = fetch_preview(server.url("/twitter"), allow_private=True)
    assert preview is not None
    assert (preview.title, preview.description) == ("Vom Vogel", "Kurz gesagt.")
    assert preview.image_url == "http://cdn.example.org/bild.png"


def test_long_values_are_cut(server: Server) -> None:
    """Titles are cut to 200 characters and descriptions to 500, with an ellipsis."""
    preview = fetch_preview(server.url("/long"), allow_private=True)
    assert preview is not None
    assert len(preview.title) == 200
    assert preview.title.endswith("…")
    assert preview.description is not None
    assert len(preview.description) <= 500
    assert preview.description.endswith("…")


@pytest.mark.parametrize(
    ("src", "expected"),
    [
        ("https://cdn.example.org/a.png", "https://cdn.example.org/a.png"),
        ("javascript:alert(1)", None),
        ("data:image/png;base64,AAAA", None),
        ("ftp://cdn.example.org/a.png", None),
        ("http://192.168.0.1/router.png", None),
        ("http://[::1]/a.png", None),
        ("http://localhost/a.png", None),
        ("http://intranet/a.png", None),
        ("https://user:secret@cdn.example.org/a.png", None),
    ],
)
def test_image_url_must_be_public_http(server: Server, src: str, expected: str | None) -> None:
    """Only absolute http(s) images on public hosts are offered to browsers."""
    preview = fetch_preview(server.url(f"/bad-image?src={src}"), allow_private=True)
    assert preview is not None
    assert preview.image_url == expected


def test_page_without_metadata_gives_nothing(server: Server) -> None:
    """A page without title or description has no preview."""
    assert fetch_preview(server.url("/empty"), allow_private=True) is None


def test_declared_charset_is_used(server: Server) -> None:
    """The charset from Content-Type decodes the page."""
    preview = fetch_preview(server.url("/latin1"), allow_private=True)
    assert preview is not None
    assert preview.title == "Gemeinwohlökonomie für alle"


def test_meta_charset_is_used_without_a_declared_one(server: Server) -> None:
    """Without a charset in the header, <meta charset> decodes the page."""
    preview = fetch_preview(server.url("/meta-charset"), allow_private=True)
    assert preview is not None
    assert preview.title == "Größe \u2013 5 €"


def test_unknown_charset_falls_back_to_utf8(server: Server) -> None:
    """A charset that is no text encoding does not break the preview."""
    preview = fetch_preview(server.url("/bogus-charset"), allow_private=True)
    assert preview is not None
    assert preview.title == "Trotzdem lesbar"


@pytest.mark.parametrize("path", ["/json", "/image", "/no-type", "/missing"])
def test_only_html_with_status_200_is_read(server: Server, path: str) -> None:
    """JSON, images, untyped bodies and error pages give no preview."""
    assert fetch_preview(server.url(path), allow_private=True) is None
    assert server.paths() == [path]


HTML_FRAGMENTS = [
    "<![", "<!", "<!--", "-->", "]]>", "<?", "<meta", " property=", '"og:title"', '"og:image"',
    " content=", "'", '"', ">", "<title>", "</title>", "<body>", "&#", "&", ";", "x", "<svg",
    "<![CDATA[", "<!DOCTYPE", "<", "/", "\x00", "\n", "if", "endif", "[", "]", "javascript:",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(
    html=st.one_of(st.lists(st.sampled_from(HTML_FRAGMENTS), max_size=40).map("".join), st.text())
)
def test_property_any_html_gives_a_tidy_preview_or_none(html: str) -> None:
    """Malformed markup never raises; whatever comes out is cut to length and http(s) only."""
    preview = preview_from_html(html, "https://example.org/seite")
    if preview is not None:
        assert 0 < len(preview.title) <= 200
        assert preview.description is None or len(preview.description) <= 500
        assert preview.site_name is None or len(preview.site_name) <= 100
        assert preview.image_url is None or preview.image_url.startswith(("http://", "https://"))
        for value in (preview.title, preview.description or "", preview.site_name or ""):
            assert "\n" not in value
            assert "\x00" not in value


def test_malformed_marked_section_keeps_what_was_read() -> None:
    """html.parser's assertion on '<![x' does not lose the tags read before it."""
    preview = preview_from_html("<title>Vorher</title><![x", "https://example.org/")
    assert preview is not None
    assert preview.title == "Vorher"


# --- Redirects -----------------------------------------------------------------------------


def test_three_redirects_are_followed(server: Server) -> None:
    """A chain of three redirects is followed to the page, which becomes the preview URL."""
    preview = fetch_preview(server.url("/redirect/3"), allow_private=True)
    assert preview is not None
    assert preview.url == server.url("/og")
    assert preview.title == "Gemeinwohl & Nachhaltigkeit"
    assert server.paths() == ["/redirect/3", "/redirect/2", "/redirect/1", "/og"]


def test_a_fourth_redirect_is_not_followed(server: Server) -> None:
    """After three redirects the fetch stops without requesting the fourth target."""
    assert fetch_preview(server.url("/redirect/4"), allow_private=True) is None
    assert server.paths() == ["/redirect/4", "/redirect/3", "/redirect/2", "/redirect/1"]


@pytest.mark.parametrize(
    "target", ["file:///etc/passwd", "ftp://example.org/", "javascript:alert(1)", "gopher://x/"]
)
def test_redirect_to_another_scheme_is_refused(
    server: Server, connections: Connections, target: str
) -> None:
    """A redirect to a non-http scheme ends the fetch."""
    assert fetch_preview(server.url(f"/redirect-to?to={target}"), allow_private=True) is None
    assert connections.opened == [("127.0.0.1", server.port)]


@pytest.mark.parametrize(
    "target",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://10.1.2.3/",
        "http://[::1]:{port}/og",
        "http://[::ffff:127.0.0.2]:{port}/og",
        "http://0.0.0.0:{port}/og",
        "http://internal.test/",
    ],
)
def test_each_redirect_hop_is_checked_again(
    server: Server,
    connections: Connections,
    fake_dns: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    target: str,
) -> None:
    """A public page redirecting to an internal address is refused at that hop."""
    # Treat the test server's address as public for this test, so the first hop is allowed
    # with allow_private=False and only the redirect target meets the real policy.
    original = linkpreview._is_public_address
    public = ipaddress.ip_address("127.0.0.1")
    monkeypatch.setattr(
        linkpreview, "_is_public_address", lambda address: address == public or original(address)
    )
    fake_dns["internal.test"] = ["192.168.10.10"]
    location = target.format(port=server.port)
    assert fetch_preview(server.url(f"/redirect-to?to={location}")) is None
    assert len(server.paths()) == 1
    assert server.paths()[0].startswith("/redirect-to?to=")
    assert connections.opened == [("127.0.0.1", server.port)]


# --- Limits --------------------------------------------------------------------------------


def test_oversized_body_is_cut_at_max_bytes(server: Server) -> None:
    """A 2 MB page is read only up to max_bytes; the head within that is still used."""
    started = time.monotonic()
    preview = fetch_preview(server.url("/big"), allow_private=True, max_bytes=65_536)
    assert time.monotonic() - started < 2
    assert preview is not None
    assert preview.title == "Gemeinwohl & Nachhaltigkeit"


def test_metadata_beyond_max_bytes_is_never_read(server: Server) -> None:
    """Tags after the first max_bytes are not seen (the rest of the body is not read)."""
    assert fetch_preview(server.url("/late"), allow_private=True) is None
    preview = fetch_preview(server.url("/late"), allow_private=True, max_bytes=700_000)
    assert preview is not None
    assert preview.title == "Zu spaet"


def test_slow_server_times_out(server: Server) -> None:
    """A server that does not answer within the timeout gives None, on time."""
    started = time.monotonic()
    assert fetch_preview(server.url("/slow"), allow_private=True, timeout=0.5) is None
    assert time.monotonic() - started < 1.5


def test_trickling_server_hits_the_overall_deadline(server: Server) -> None:
    """A body dripping one byte at a time cannot stretch the fetch beyond the timeout."""
    started = time.monotonic()
    assert fetch_preview(server.url("/trickle"), allow_private=True, timeout=0.5) is None
    assert time.monotonic() - started < 1.5


def test_timeout_covers_dns(fake_dns: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """A resolver that hangs does not hold the fetch beyond the timeout."""

    def hanging(*args: Any, **kwargs: Any) -> list[Any]:
        time.sleep(2)
        return []

    monkeypatch.setattr(linkpreview, "_getaddrinfo", hanging)
    started = time.monotonic()
    assert fetch_preview("http://slow-dns.test/", timeout=0.3) is None
    assert time.monotonic() - started < 1


def test_disabled_setting_means_no_network(
    server: Server, connections: Connections, fake_dns: dict[str, Any], settings: Any
) -> None:
    """With LINK_PREVIEWS_ENABLED = False nothing is resolved or fetched."""
    settings.LINK_PREVIEWS_ENABLED = False
    assert fetch_preview(server.url("/og"), allow_private=True) is None
    assert fake_dns["__lookups__"] == []
    assert connections.opened == []
    assert server.paths() == []


# --- Refusals ------------------------------------------------------------------------------

LOOPBACK_FORMS = [
    "http://127.0.0.1:{port}/og",
    "http://localhost:{port}/og",
    "http://127.1:{port}/og",
    "http://2130706433:{port}/og",
    "http://0x7f000001:{port}/og",
    "http://017700000001:{port}/og",
    "http://0.0.0.0:{port}/og",
    "http://[::ffff:127.0.0.1]:{port}/og",
]


@pytest.mark.parametrize("template", LOOPBACK_FORMS)
def test_loopback_in_any_spelling_is_refused(
    server: Server, connections: Connections, template: str
) -> None:
    """Every spelling of this machine is refused without a connection."""
    url = template.format(port=server.port)
    assert fetch_preview(url) is None
    assert connections.opened == []
    assert server.paths() == []


@pytest.mark.parametrize("template", LOOPBACK_FORMS)
def test_loopback_spellings_do_reach_the_server_when_allowed(server: Server, template: str) -> None:
    """The same URLs reach the local server with allow_private: the refusal is real."""
    preview = fetch_preview(template.format(port=server.port), allow_private=True)
    assert preview is not None
    assert preview.title == "Gemeinwohl & Nachhaltigkeit"
    assert server.paths() == ["/og"]


@pytest.mark.parametrize(
    "url",
    [
        "http://[::1]/",
        "http://10.0.0.1/",
        "http://172.16.5.4/",
        "http://192.168.178.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fe80::1]/",
        "http://[fc00::1]/",
        "http://[fd12:3456::1]/",
        "http://100.64.0.1/",
        "http://224.0.0.1/",
        "http://255.255.255.255/",
        "http://240.0.0.1/",
        "http://[::]/",
        "http://[ff02::1]/",
        "http://[::ffff:10.0.0.1]/",
        "http://[::ffff:169.254.169.254]/",
        "http://[2002:7f00:1::1]/",
        "http://[64:ff9b::a00:1]/",
        "http://192.0.2.1/",
    ],
)
def test_private_and_special_addresses_are_refused(connections: Connections, url: str) -> None:
    """Private, link-local, shared, multicast, reserved and embedded addresses are refused."""
    assert fetch_preview(url) is None
    assert connections.opened == []


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://example.org/",
        "gopher://example.org/",
        "javascript:alert(1)",
        "data:text/html,<title>x</title>",
        "//example.org/",
        "example.org",
        "http://user:secret@example.org/",
        "http:///nohost",
        "http://example.org:99999/",
        "http://exa mple.org/",
        "http://example.org/\r\nX-Injected: 1",
        "",
    ],
)
def test_other_schemes_and_malformed_urls_are_refused(
    connections: Connections, fake_dns: dict[str, Any], url: str
) -> None:
    """Only well-formed http(s) URLs without credentials are fetched."""
    assert fetch_preview(url) is None
    assert fake_dns["__lookups__"] == []
    assert connections.opened == []


def test_a_host_with_any_private_address_is_refused(
    server: Server, connections: Connections, fake_dns: dict[str, Any]
) -> None:
    """One internal address among public ones is enough to refuse the host."""
    fake_dns["mixed.test"] = ["93.184.215.14", "127.0.0.1"]
    assert fetch_preview(f"http://mixed.test:{server.port}/og") is None
    assert connections.opened == []
    assert server.paths() == []


def test_connection_is_pinned_to_the_vetted_address(
    server: Server, connections: Connections, fake_dns: dict[str, Any]
) -> None:
    """The host is resolved once per hop and the connection goes to that very address."""
    fake_dns["pinned.test"] = ["127.0.0.1"]
    preview = fetch_preview(f"http://pinned.test:{server.port}/og", allow_private=True)
    assert preview is not None
    assert fake_dns["__lookups__"] == ["pinned.test"]
    assert connections.opened == [("127.0.0.1", server.port)]
    # The server still sees the host name, as from a browser.
    assert server.requests[0].host == f"pinned.test:{server.port}"


def test_international_host_names_use_idna_2008(
    server: Server, connections: Connections, fake_dns: dict[str, Any]
) -> None:
    """'straße.test' is looked up and sent as xn--strae-oqa.test, as a browser would."""
    fake_dns["xn--strae-oqa.test"] = ["127.0.0.1"]
    preview = fetch_preview(f"http://Straße.test:{server.port}/og", allow_private=True)
    assert preview is not None
    assert fake_dns["__lookups__"] == ["xn--strae-oqa.test"]
    assert server.requests[0].host == f"xn--strae-oqa.test:{server.port}"


# --- HTTPS ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 'preview.test', made with the openssl command."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("the openssl command is not available")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(  # noqa: S603 (fixed arguments, no shell)
        [
            openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", "/CN=preview.test", "-addext", "subjectAltName=DNS:preview.test",
            "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


@pytest.fixture(scope="module")
def tls_server(certificate: tuple[Path, Path]) -> Iterator[Server]:
    cert, key = certificate
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)

    def wrap(httpd: _HTTPServer) -> None:
        httpd.socket = context.wrap_socket(httpd.socket, server_side=True)

    yield from _start(_HTTPServer, wrap)


@pytest.fixture
def trust_test_certificate(certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    def context() -> ssl.SSLContext:
        trusted = ssl.create_default_context(cafile=str(certificate[0]))
        return trusted

    monkeypatch.setattr(linkpreview, "_ssl_context", context)


@pytest.mark.usefixtures("trust_test_certificate")
def test_https_uses_the_host_name_for_sni_and_verification(
    tls_server: Server, connections: Connections, fake_dns: dict[str, Any]
) -> None:
    """Over TLS the pinned address is used while the certificate is checked for the name."""
    fake_dns["preview.test"] = ["127.0.0.1"]
    preview = fetch_preview(f"https://preview.test:{tls_server.port}/og", allow_private=True)
    assert preview is not None
    assert preview.title == "Gemeinwohl & Nachhaltigkeit"
    assert connections.opened[-1] == ("127.0.0.1", tls_server.port)


@pytest.mark.usefixtures("trust_test_certificate")
def test_https_certificate_for_another_name_is_refused(
    tls_server: Server, fake_dns: dict[str, Any]
) -> None:
    """A certificate that does not match the host name fails the fetch."""
    fake_dns["other.test"] = ["127.0.0.1"]
    assert fetch_preview(f"https://other.test:{tls_server.port}/og", allow_private=True) is None


def test_https_with_an_untrusted_certificate_is_refused(
    tls_server: Server, fake_dns: dict[str, Any]
) -> None:
    """The system trust store is used: a self-signed certificate is not accepted."""
    fake_dns["preview.test"] = ["127.0.0.1"]
    assert fetch_preview(f"https://preview.test:{tls_server.port}/og", allow_private=True) is None
