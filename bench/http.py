"""Starting uvicorn as ``make run`` does, sessions for viewers, and an HTTP load generator.

Shared by the benches that measure over HTTP (bench.connections, bench.pages). Every answer
goes into the run's :class:`~bench.honesty.Ledger`: a status other than the expected one, or
a request that raised, makes the run untrusted.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.honesty import Ledger

BASE_DIR = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_text(self) -> str:
        try:
            return self.log.read_text(errors="replace")
        except OSError:
            return ""

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def start_uvicorn(env: Mapping[str, str], *, name: str = "hanse-bench") -> Server:
    """One app process with the command line of ``make run`` (Makefile) and the deploy docs
    (docs/operations.md), on a free port; returns once it accepts connections."""
    port = free_port()
    log = Path(tempfile.gettempdir()) / f"{name}-{port}.log"
    handle = log.open("wb")
    process = subprocess.Popen(  # noqa: S603  # our own interpreter and arguments
        [
            sys.executable, "-m", "uvicorn", "hanse.asgi:application",
            "--host", "127.0.0.1", "--port", str(port), "--no-proxy-headers",
            "--no-access-log", "--lifespan", "off", "--ws-per-message-deflate", "false",
        ],
        cwd=BASE_DIR, env=dict(env), stdout=handle, stderr=subprocess.STDOUT,
    )  # fmt: skip
    handle.close()
    server = Server(process, port, log)
    wait_listening(process, port, 60, "uvicorn", server.log_text, server.stop)
    return server


def wait_listening(
    process: subprocess.Popen[bytes],
    port: int,
    timeout: float,
    what: str,
    log_text: Callable[[], str],
    stop: Callable[[], None],
) -> None:
    """Until ``process`` accepts connections on ``port``; it exiting or ``timeout`` passing
    raises with the end of its log (and stops it)."""
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited:\n{log_text()[-3000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            if time.monotonic() > deadline:
                stop()
                raise RuntimeError(
                    f"{what} did not listen on {port} within {timeout:g} s:\n{log_text()[-3000:]}"
                ) from None
            time.sleep(0.1)


def session_for(user: Any) -> str:
    """A fresh logged-in session of the configured engine, as a login would leave it."""
    from importlib import import_module

    from django.conf import settings

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store["_auth_user_id"] = str(user.pk)
    store["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    store["_auth_user_hash"] = user.get_session_auth_hash()
    store.create()
    return str(store.session_key)


@dataclass(frozen=True)
class Target:
    """One request of a load: a GET of a page by default, or a write (a form or JSON body)."""

    label: str
    path: str
    session: str = ""
    method: str = "GET"
    form: dict[str, str] | None = None
    json: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    cookies: dict[str, str] = field(default_factory=dict)
    expected: tuple[int, ...] = (200,)


def as_target(target: Target | tuple[str, str, str]) -> Target:
    """(label, path, session key) is a GET of a page as that person."""
    return target if isinstance(target, Target) else Target(*target)


@dataclass
class Load:
    """Client-observed latencies (ms) per URL label, and what went wrong."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    requests: int = 0
    errors: int = 0
    elapsed: float = 0.0

    @property
    def all_latencies(self) -> list[float]:
        return [ms for values in self.latencies.values() for ms in values]


async def _drive(
    base_url: str,
    targets: Sequence[Target | tuple[str, str, str]],
    *,
    concurrency: int,
    duration: float | None,
    total: int | None,
    ledger: Ledger,
    expected: tuple[int, ...],
    timeout: float = 30.0,
) -> Load:
    import httpx
    from django.conf import settings

    load = Load()
    lock = asyncio.Lock()
    issued = 0
    # One connection per client, kept alive, as a browser tab would. All of them exist before
    # the clock starts: on a busy machine making twenty took longer than a short run, and the
    # last clients never asked anything.
    clients = [
        httpx.AsyncClient(
            base_url=base_url, timeout=timeout, limits=httpx.Limits(max_connections=1)
        )
        for _ in range(concurrency)
    ]
    began = time.perf_counter()
    deadline = began + duration if duration is not None else None

    async def next_index() -> int | None:
        nonlocal issued
        async with lock:
            if total is not None and issued >= total:
                return None
            if deadline is not None and time.perf_counter() >= deadline:
                return None
            issued += 1
            return issued - 1

    async def worker(n: int) -> None:
        async with clients[n] as client:
            while (index := await next_index()) is not None:
                target = as_target(targets[(index + n) % len(targets)])
                cookies = dict(target.cookies)
                if target.session:
                    cookies[settings.SESSION_COOKIE_NAME] = target.session
                headers = dict(target.headers)
                if cookies:
                    headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
                started = time.perf_counter()
                try:
                    response = await client.request(
                        target.method, target.path, headers=headers, data=target.form,
                        json=target.json,
                    )  # fmt: skip
                    got: object = response.status_code
                except httpx.HTTPError as exc:
                    got = type(exc).__name__
                ms = (time.perf_counter() - started) * 1000
                load.requests += 1
                if ledger.answered(target.label, got, target.expected or expected):
                    load.latencies[target.label].append(ms)
                else:
                    load.errors += 1

    await asyncio.gather(*(worker(n) for n in range(concurrency)))
    load.elapsed = time.perf_counter() - began
    return load


def drive(
    base_url: str,
    targets: Sequence[Target | tuple[str, str, str]],
    *,
    concurrency: int,
    ledger: Ledger,
    duration: float | None = None,
    total: int | None = None,
    expected: tuple[int, ...] = (200,),
    timeout: float = 30.0,
) -> Load:
    """Ask ``targets`` (a Target, or (label, path, session key) for a GET) round robin from
    ``concurrency`` clients, for ``duration`` seconds or ``total`` requests, recording every
    answer in ``ledger``; a client gives up on an answer after ``timeout`` seconds."""
    return asyncio.run(
        _drive(
            base_url, targets, concurrency=concurrency, duration=duration, total=total,
            ledger=ledger, expected=expected, timeout=timeout,
        )
    )  # fmt: skip


def child_env(**overrides: str) -> dict[str, str]:
    """This process's environment for a server, without pytest's markers."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.update(overrides)
    return env
