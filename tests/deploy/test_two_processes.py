"""Two app processes with separate data directories behind nginx (the shipped
deploy/nginx.conf), the worker and the scheduler, on PostgreSQL and Redis: every step of a
working session works whichever process serves it (issue 22, item 5).

Each request goes through nginx; the test steers nginx's round robin so that consecutive steps
land on different processes and checks which one answered (the rendered configuration adds an
``X-Upstream`` header, bench/nginx.py). The processes share only what docs/operations.md
("More than one machine") says they must: PostgreSQL, Redis, SECRET_KEY and MEDIA_ROOT."""

from __future__ import annotations

import asyncio
import io
import json
import re
import uuid
from typing import Any

import httpx
import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from PIL import Image

from bench.nginx import nginx_binary
from hanse.chat.models import Channel
from hanse.chat.services import channel_create
from hanse.people.models import User
from tests.realtime.servers import uses_postgres_and_redis, wait_for_other_sessions_to_end
from tests.support.missing import skip_or_fail
from tests.support.processes import Uvicorn

pytestmark = pytest.mark.django_db(transaction=True)
websockets = pytest.importorskip("websockets")

PASSWORD = "Filiale-Mölln-2026!"
REDIRECT = 302


@pytest.fixture(autouse=True)
def _needs_the_scale_stack() -> None:
    if not uses_postgres_and_redis():
        pytest.skip(
            "Two app processes need a database, cache, sessions, rate limits and channel layer "
            "they can share: set DATABASE_URL to PostgreSQL and REDIS_URL to run this test "
            "(on SQLite it has nothing to check)."
        )
    if nginx_binary() is None:
        skip_or_fail("nginx is not installed (apt-get install nginx-light)")


def _person(username: str) -> User:
    """A member whose password the production processes can check (PBKDF2: the test
    settings' MD5 hasher is not among production's)."""
    user = User.objects.create_user(
        username, f"{username}@example.org", first_name=username.title(), last_name="Hanse"
    )
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    user.save(update_fields=["password"])
    return user


@pytest.fixture
def people() -> dict[str, Any]:
    alice, bob, carol = _person("alice"), _person("bob"), _person("carol")
    channel = channel_create(
        by=alice, name="Filiale Mölln", kind=Channel.Kind.PRIVATE, members=[bob]
    )
    return {"alice": alice, "bob": bob, "carol": carol, "channel": channel.pk}


@pytest.fixture
def stack(tmp_path: Any) -> Any:
    from tests.deploy.stack import two_machines

    # Three failed logins per account and address within 5 minutes (fewer than the default 5,
    # so that the test is short); the count lives in Redis.
    with two_machines(tmp_path, LOGIN_RATE_LIMIT="100/m/ip,3/5m/key") as running:
        yield running
        logs = running.logs()
    wait_for_other_sessions_to_end()
    for name, text in logs.items():
        assert "Traceback" not in text, f"{name}:\n{text[-4000:]}"


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (800, 600), (0, 90, 160)).save(out, "PNG")
    return out.getvalue()


class Browser:
    """One person's browser: cookies, the CSRF token, requests steered to a process."""

    def __init__(self, stack: Any, name: str) -> None:
        self.stack = stack
        self.name = name
        self.client = httpx.AsyncClient(
            base_url=stack.origin,
            verify=stack.ssl_context(),
            # What a browser sends with every form post; CSRF_TRUSTED_ORIGINS names it.
            headers={"Origin": stack.origin, "Accept-Language": "de"},
            timeout=30,
        )
        self.served: list[str] = []

    async def aclose(self) -> None:
        await self.client.aclose()

    async def steer(self, web: Uvicorn) -> None:
        """nginx sends requests round robin (one worker process, equal weights): after a
        request to the other process, the next goes to ``web``."""
        for _attempt in range(4):
            probe = await self.client.get("/healthz")
            if probe.headers["x-upstream"] != self.stack.upstream(web):
                return
        raise AssertionError("nginx did not alternate between the app processes")

    async def on(self, web: Uvicorn, method: str, url: str, **kwargs: Any) -> httpx.Response:
        await self.steer(web)
        response = await self.client.request(method, url, **kwargs)
        served = response.headers.get("x-upstream")
        assert served == self.stack.upstream(web), (method, url, served)
        self.served.append(served)
        return response

    @property
    def csrf(self) -> str:
        return str(self.client.cookies["csrftoken"])

    def form(self, **fields: str) -> dict[str, str]:
        return {"csrfmiddlewaretoken": self.csrf, **fields}

    async def login(self, first: Uvicorn, second: Uvicorn, username: str) -> httpx.Response:
        page = await self.on(first, "GET", "/accounts/login/")
        assert page.status_code == 200
        return await self.on(
            second, "POST", "/accounts/login/", data=self.form(login=username, password=PASSWORD)
        )

    async def unread(self, web: Uvicorn) -> int:
        got = await self.on(web, "GET", "/api/v1/notifications/unread-count")
        assert got.status_code == 200, got.text[:300]
        return int(got.json()["unread"])

    async def unread_at_least(self, web: Uvicorn, want: int, timeout: float = 60) -> int:
        """The worker makes notifications after the commit: wait for them."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while (count := await self.unread(web)) < want:
            assert loop.time() < deadline, f"{self.name}'s bell stayed at {count}, not {want}"
            await asyncio.sleep(0.3)
        return count

    async def socket(self, web: Uvicorn, topics: list[str]) -> Any:
        """A WebSocket through nginx that lands on ``web``, subscribed to ``topics``."""
        await self.steer(web)
        ws = await websockets.connect(
            self.stack.nginx.ws_url,
            ssl=self.stack.ssl_context(),
            origin=self.stack.origin,
            additional_headers={"Cookie": f"sessionid={self.client.cookies['sessionid']}"},
        )
        assert ws.response.headers["X-Upstream"] == self.stack.upstream(web)
        assert json.loads(await ws.recv())["type"] == "hello"
        await ws.send(json.dumps({"action": "subscribe", "topics": topics}))
        while (frame := json.loads(await ws.recv()))["type"] != "subscribed":
            pass
        assert frame["topics"] == topics
        return ws


async def next_frame(ws: Any, kind: str, timeout: float = 15) -> dict[str, Any]:
    async with asyncio.timeout(timeout):
        while True:
            frame = json.loads(await ws.recv())
            if frame.get("type") == kind:
                return frame


async def close_code(ws: Any, timeout: float = 15) -> int | None:
    try:
        async with asyncio.timeout(timeout):
            while True:
                await ws.recv()
    except websockets.ConnectionClosed as closed:
        return closed.rcvd.code if closed.rcvd else None


async def working_session(stack: Any, people: dict[str, Any]) -> None:
    one, two = stack.webs
    alice, bob, mallory = Browser(stack, "alice"), Browser(stack, "bob"), Browser(stack, "m")
    try:
        # Login: the form from one process, the post to the other; signed in on both.
        answer = await alice.login(one, two, "alice")
        assert answer.status_code == REDIRECT, answer.text[:500]
        for web in (one, two):
            assert (await alice.on(web, "GET", "/")).status_code == 200

        # A form post without the CSRF token is refused; with the token from the other
        # process's page it is taken: a post with a picture, mentioning bob.
        refused = await alice.on(one, "POST", "/posts/new/", data={"body": "x", "where": "company"})
        assert refused.status_code == 403
        picture = png()
        created = await alice.on(
            two, "POST", "/posts/new/",
            data=alice.form(body="Guten Morgen @bob, die Zahlen sind da.", where="company"),
            files={"files": ("zahlen.png", picture, "image/png")},
        )  # fmt: skip
        assert created.status_code == REDIRECT, created.text[:800]
        post_url = created.headers["location"]
        post_id = int(re.search(r"/posts/(\d+)/", post_url).group(1))  # type: ignore[union-attr]

        # The file stored by web2 is served by web1 after its permission check (MEDIA_ROOT
        # is shared; the data directories are not), its thumbnail made by the worker too.
        page = await alice.on(one, "GET", f"/posts/{post_id}/")
        assert page.status_code == 200
        file_id = int(re.search(r"/files/(\d+)/", page.text).group(1))  # type: ignore[union-attr]
        download = await alice.on(one, "GET", f"/files/{file_id}/zahlen.png")
        assert download.status_code == 200
        assert download.content == picture
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 60
        while (thumb := await alice.on(two, "GET", f"/files/{file_id}/thumb/")).status_code != 200:
            assert loop.time() < deadline, f"no thumbnail: {thumb.status_code}"
            await asyncio.sleep(0.5)
        assert thumb.headers["content-type"] == "image/webp"
        assert not list(stack.data_dirs[0].rglob("*.png")) and not list(
            stack.data_dirs[1].rglob("*.png")
        ), "an upload landed in a process's own data directory"

        # Bob signs in the other way round; the worker's notification of the mention is
        # counted on his bell by either process.
        answer = await bob.login(two, one, "bob")
        assert answer.status_code == REDIRECT, answer.text[:500]
        assert await bob.unread_at_least(one, 1) == await bob.unread(two)

        # Bob comments through web1 and reacts through web2; alice's bell counts both.
        comment = await bob.on(
            one, "POST", f"/posts/{post_id}/comments/", data=bob.form(body="Danke, sehr gut!")
        )
        assert comment.status_code == REDIRECT, comment.text[:800]
        reaction = await bob.on(
            two, "POST", f"/posts/{post_id}/react/", data=bob.form(kind="like:on")
        )
        assert reaction.status_code == REDIRECT, reaction.text[:800]
        shown = await alice.on(two, "GET", f"/posts/{post_id}/")
        assert "Danke, sehr gut!" in shown.text
        assert await alice.unread_at_least(two, 2) == await alice.unread(one)

        # Chat: alice's socket on web1, bob's on web2; what bob sends over his socket arrives
        # at alice's, what alice sends as a form post through web2 arrives at bob's.
        topic = f"chat:{people['channel']}"
        alice_ws = await alice.socket(one, [topic])
        bob_ws = await bob.socket(two, [topic])
        client_id = str(uuid.uuid4())
        await bob_ws.send(
            json.dumps(
                {
                    "action": "send", "channel": people["channel"],
                    "body": "Treffen um 10?", "client_id": client_id,
                }
            )
        )  # fmt: skip
        ack = await next_frame(bob_ws, "ack")
        assert ack["client_id"] == client_id
        arrived = await next_frame(alice_ws, "chat.message")
        assert arrived["id"] == ack["id"]
        sent = await alice.on(
            two, "POST", f"/chat/{people['channel']}/post/",
            data=alice.form(body="Ja, passt.", client_id=str(uuid.uuid4())),
        )  # fmt: skip
        assert sent.status_code == REDIRECT, sent.text[:500]
        # Bob's socket may get his own message first (every subscriber of the channel does).
        while (frame := await next_frame(bob_ws, "chat.message"))["id"] == ack["id"]:
            pass
        assert frame["id"] > ack["id"]

        # Failed logins are counted in Redis: three wrong passwords spread over both
        # processes, and the right one is refused on either afterwards.
        for web in (one, two, one):
            await mallory.on(web, "GET", "/accounts/login/")
            wrong = await mallory.on(
                web, "POST", "/accounts/login/", data=mallory.form(login="carol", password="x")
            )
            assert wrong.status_code != REDIRECT
            assert "Zu viele" not in wrong.text
        await mallory.on(two, "GET", "/accounts/login/")
        blocked = await mallory.on(
            two, "POST", "/accounts/login/", data=mallory.form(login="carol", password=PASSWORD)
        )
        assert blocked.status_code != REDIRECT, "the fourth attempt was let in"
        assert "Zu viele gescheiterte Anmeldeversuche" in blocked.text
        assert "sessionid" not in mallory.client.cookies

        # Logout through web2 ends the session on both, and closes alice's socket on web1.
        await alice.on(two, "GET", "/")
        out = await alice.on(two, "POST", "/accounts/logout/", data=alice.form())
        assert out.status_code == REDIRECT
        assert await close_code(alice_ws) == 4401
        for web in (one, two):
            home = await alice.on(web, "GET", "/")
            assert home.status_code == REDIRECT
            assert home.headers["location"].startswith("/accounts/login/")
            api = await alice.on(web, "GET", "/api/v1/notifications/unread-count")
            assert api.status_code in (401, 403)
        await bob_ws.close()

        # Each process served this session's requests.
        served = alice.served + bob.served + mallory.served
        assert {stack.upstream(w) for w in stack.webs} <= set(served)
    finally:
        for browser in (alice, bob, mallory):
            await browser.aclose()


@pytest.mark.heavy
def test_a_working_session_across_two_processes(stack: Any, people: dict[str, Any]) -> None:
    """One stack for both checks: starting it takes most of the test's time."""
    static_files_come_from_nginx(stack)
    asyncio.run(working_session(stack, people))


def static_files_come_from_nginx(stack: Any) -> None:
    """Collected static files are served by nginx itself (no app process answers them), and
    plain HTTP is sent to HTTPS."""
    with httpx.Client(base_url=stack.origin, verify=stack.ssl_context()) as client:
        page = client.get("/accounts/login/")
        assert page.status_code == 200
        css = re.search(r'href="(/static/[^"]+\.css)"', page.text)
        assert css, page.text[:500]
        asset = client.get(css.group(1))
        assert asset.status_code == 200
        assert "x-upstream" not in asset.headers
        assert "immutable" in asset.headers["cache-control"]
        plain = httpx.get(f"http://127.0.0.1:{stack.nginx.http_port}/feed/")
        assert plain.status_code == 301
        assert plain.headers["location"].startswith("https://")
