"""Processes of their own for the tests that run Hanse as it is deployed: an environment for
them, running a command to its end, starting uvicorn (with the Makefile's options), the task
worker and the scheduler, and stopping them again.

One home for what tests/jobs (worker, faults, make run) and tests/realtime (multi-process
servers) used to spell each in its own way."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import httpx
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
# What pytest puts into the environment: a child that sees PYTEST_VERSION believes it is a
# test run (hanse/settings.py picks HANSE_ENV=test from it).
_PYTEST_MARKERS = ("PYTEST_",)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def child_env(
    *, drop: Iterable[str] = (), drop_prefixes: Iterable[str] = (), **overrides: str
) -> dict[str, str]:
    """This process's environment for a child, without pytest's markers and the names in
    ``drop`` (or starting with ``drop_prefixes``), with ``overrides``; the checkout is on the
    child's import path."""
    dropped = set(drop)
    prefixes = (*_PYTEST_MARKERS, *drop_prefixes)
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in dropped and not key.startswith(prefixes)
    }
    env["PYTHONPATH"] = str(BASE_DIR)
    # Fault and deployment tests write bursts of posts and comments as one person; the
    # per-person limits (tested on their own in tests/core/test_rate_limits.py) would answer
    # them 429. Chat and sign-in limits stay as configured.
    env.setdefault("RATE_LIMITS", "post=0;comment=0")
    env.update(overrides)
    return env


def run_python(args: list[str], env: Mapping[str, str], *, timeout: float = 180) -> str:
    """Run our interpreter with ``args`` in the checkout to its end; its output, or a failed
    assertion with the end of its error output."""
    done = subprocess.run(  # noqa: S603  # our own interpreter and arguments
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def last_json_line(out: str) -> Any:
    """The JSON a helper script printed last (Django may print warnings before it)."""
    lines = out.strip().splitlines()
    return json.loads(lines[-1]) if lines else None


def makefile_uvicorn_arguments(host: str, port: int) -> list[str]:
    """The uvicorn arguments of the Makefile's ``run`` target, so that tests start that."""
    text = (BASE_DIR / "Makefile").read_text()
    line = next(line for line in text.splitlines() if "uvicorn hanse.asgi:application" in line)
    words = line.split("uvicorn", 1)[1].split("&")[0].split()
    return [w.replace("$(HOST)", host).replace("$(PORT)", str(port)) for w in words]


def makefile_redis_commands() -> list[list[str]]:
    """The ``manage.py`` commands the Makefile's ``run`` target starts beside uvicorn when
    REDIS_URL is set (the task workers and the scheduler), each as its list of words."""
    text = (BASE_DIR / "Makefile").read_text()
    line = next(line for line in text.splitlines() if 'if [ -n "$$REDIS_URL" ]' in line)
    body = line.split("then", 1)[1].rsplit("fi", 1)[0]
    return [
        part.split("manage.py", 1)[1].split() for part in body.split("&") if "manage.py" in part
    ]


class Process:
    """A child started by a test, its output in a log file."""

    def __init__(
        self, args: list[str], env: Mapping[str, str], log: Path, *, program: str = sys.executable
    ) -> None:
        self.args = args
        self.log = log
        handle = log.open("ab")
        try:
            self.popen = subprocess.Popen(  # noqa: S603  # our interpreter (or node) and arguments
                [program, *args],
                cwd=BASE_DIR,
                env=dict(env),
                stdout=handle,
                stderr=subprocess.STDOUT,
            )
        finally:
            handle.close()

    @property
    def pid(self) -> int:
        return self.popen.pid

    def running(self) -> bool:
        return self.popen.poll() is None

    def log_text(self, tail: int = 3000) -> str:
        try:
            return self.log.read_text(errors="replace")[-tail:]
        except OSError:
            return ""

    def wait(self, timeout: float) -> int:
        return self.popen.wait(timeout=timeout)

    def kill(self) -> None:
        """Stop at once, as a crash would."""
        if self.running():
            self.popen.kill()
            self.popen.wait(timeout=10)

    def stop(self, timeout: float = 15) -> None:
        if self.running():
            self.popen.terminate()
            try:
                self.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()


class Uvicorn(Process):
    """One uvicorn process serving hanse.asgi with the Makefile's options."""

    def __init__(self, env: Mapping[str, str], log: Path, *, port: int | None = None) -> None:
        self.port = port or free_port()
        super().__init__(
            ["-m", "uvicorn", *makefile_uvicorn_arguments("127.0.0.1", self.port)], env, log
        )

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws/"

    def wait_listening(self, timeout: float = 60) -> Uvicorn:
        deadline = time.monotonic() + timeout
        while True:
            if not self.running():
                raise RuntimeError(f"uvicorn exited:\n{self.log_text()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"uvicorn did not listen on {self.port}:\n{self.log_text()}"
                    ) from None
                time.sleep(0.1)


def start_uvicorn(env: Mapping[str, str], log: Path, *, port: int | None = None) -> Uvicorn:
    """Start uvicorn and return once it accepts connections."""
    return Uvicorn(env, log, port=port).wait_listening()


def start_command(command: str, env: Mapping[str, str], log: Path, *args: str) -> Process:
    """``manage.py <command>`` (hanse_worker, hanse_scheduler) as a process of its own."""
    return Process(["manage.py", command, *args], env, log)


def stop_all(processes: Iterable[Process]) -> None:
    """SIGTERM to all first, so they wind down together, then wait for each."""
    found = [p for p in processes if p.running()]
    for process in found:
        process.popen.terminate()
    for process in found:
        try:
            process.popen.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def wait_http(
    url: str, *, status: int = 200, timeout: float = 60, watch: Iterable[Process] = ()
) -> httpx.Response:
    """GET ``url`` until it answers ``status``; fails early when a watched process exits."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        for process in watch:
            assert process.running(), f"{process.args} exited:\n{process.log_text()}"
        try:
            last = httpx.get(url, timeout=5)
            if last.status_code == status:
                return last
        except httpx.HTTPError as exc:
            last = exc
        time.sleep(0.25)
    raise AssertionError(f"{url} did not answer {status} in {timeout:g} s (last: {last!r})")
