"""Load on the documented deployment: two uvicorn processes, the task worker and the scheduler
on PostgreSQL and Redis, used by ``--users`` people at once doing what people do.

    .venv/bin/python -m bench.load \
        --database-url postgres://postgres@127.0.0.1:5432/hanse_bench_load \
        --redis-url redis://127.0.0.1:6379/4 [--users 20] [--duration 120] [--settle 90]

The database named in ``--database-url`` is dropped and created again, and the Redis database
is emptied: give the bench ones of its own. Each process starts with the command line of the
deployment guide (uvicorn with the Makefile's options, ``manage.py hanse_worker``,
``manage.py hanse_scheduler``) and a name of its own (HANSE_PROCESS_NAME), so that its
PostgreSQL connections are counted in ``pg_stat_activity`` by their ``application_name``.

Each simulated person loops without pause over a mix: the start page, the feed, the
notifications page (logged-in pages), and through the API a new post (every other one
mentions a colleague), a comment, a reaction and a chat message in a shared channel. Beside
them a probe mentions one person every 2 s and times until that person's bell counts it. Every
answer goes into the run's ledger (bench/honesty.py): anything but the expected status, a 500
above all, makes the run untrusted and prints no figures. Four times a second the bench counts
each process's PostgreSQL connections; it fails when a process ever held more than its pool's
maximum, or when the web processes are not back at the pool's floor within ``--settle``
seconds after the load. It prints p50/p99 per action and overall.

tests/bench/test_load.py runs it for 20 s.
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import json
import os
import random
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from bench.honesty import Ledger, percentile
from bench.http import BASE_DIR, child_env, start_uvicorn

# (action, weight): what a person does how often.
MIX = (
    ("start page", 20),
    ("feed", 15),
    ("notifications", 10),
    ("post", 10),
    ("comment", 15),
    ("react", 15),
    ("chat send", 15),
)
EXPECTED = {
    "start page": (200,),
    "feed": (200,),
    "notifications": (200,),
    "post": (201,),
    "comment": (201,),
    "react": (200,),
    "chat send": (201,),
}
REACTIONS = ("like", "celebrate", "insightful", "support", "curious")

SETUP = """
import json, sys
import django
django.setup()
from importlib import import_module
from django.conf import settings
from hanse.api.services import token_create
from hanse.chat import services as chat
from hanse.people.models import User
from hanse.posts.services.posts import post_create

count = int(sys.argv[1])
store_class = import_module(settings.SESSION_ENGINE).SessionStore
people = []
for n in range(count):
    user = User.objects.create_user(
        username=f"load{n}", email=f"load{n}@example.org", first_name=f"Last{n}",
        last_name="Probe",
    )
    store = store_class()
    store["_auth_user_id"] = str(user.pk)
    store["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    store["_auth_user_hash"] = user.get_session_auth_hash()
    store.create()
    people.append(
        {"username": user.username, "token": token_create(user=user, name="load").raw,
         "session": store.session_key, "user": user}
    )
users = [p.pop("user") for p in people]
probes = []
for name in ("probe-a", "probe-b"):
    user = User.objects.create_user(username=name.replace("-", ""), email=f"{name}@example.org")
    probes.append({"username": user.username, "token": token_create(user=user, name="load").raw})
channel = chat.channel_create(by=users[0], name="Lasttest", kind="public", topic="",
                              members=users[1:])
posts = [post_create(author=users[n % count], body=f"Startbeitrag {n}").pk for n in range(40)]
print(json.dumps({"people": people, "channel": channel.pk, "posts": posts, "probes": probes}))
"""


@dataclass
class Limits:
    pool_min: int = 2
    pool_max: int = 10
    max_idle: int = 60


@dataclass
class Outcome:
    ledger: Ledger
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    requests: int = 0
    elapsed: float = 0.0
    peaks: dict[str, int] = field(default_factory=dict)
    after_load: dict[str, int] = field(default_factory=dict)
    final: dict[str, int] = field(default_factory=dict)
    seconds_to_floor: float | None = None
    statuses: Counter[str] = field(default_factory=Counter)
    bell: list[float] = field(default_factory=list)
    bell_missed: int = 0
    queue_left: int = 0
    jobs_done: int = 0

    @property
    def all_latencies(self) -> list[float]:
        return [ms for values in self.latencies.values() for ms in values]


class ConnectionCounter:
    """Each named process's PostgreSQL connections, four times a second, on a connection of
    its own (not counted: it has another application_name)."""

    def __init__(self, conninfo: str, names: Sequence[str]) -> None:
        import psycopg

        self._db = psycopg.connect(conninfo, autocommit=True, application_name="bench-counter")
        self.names = list(names)
        self.peaks = dict.fromkeys(self.names, 0)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def counts(self) -> dict[str, int]:
        rows = self._db.execute("SELECT application_name FROM pg_stat_activity").fetchall()
        found: Counter[str] = Counter()
        for (app,) in rows:
            for name in self.names:
                if app and app.startswith(name + "-"):
                    found[name] += 1
        return {name: found[name] for name in self.names}

    def _run(self) -> None:
        while not self._stop.wait(0.25):
            for name, count in self.counts().items():
                self.peaks[name] = max(self.peaks[name], count)

    def __enter__(self) -> ConnectionCounter:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def close(self) -> None:
        self._db.close()


def _database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def recreate_database(database_url: str, template: str = "") -> None:
    """An empty database of that name, or a copy of ``template`` (a migrated database: the
    tests pass theirs, tests/support/pg_template.py, so that migrate finds nothing to do)."""
    import psycopg

    name = urlsplit(database_url).path.lstrip("/")
    for checked in filter(None, (name, template)):
        if not checked.replace("_", "").isalnum():
            raise SystemExit(f"unexpected database name {checked!r}")
    with psycopg.connect(_database(database_url, "postgres"), autocommit=True) as db:
        db.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        db.execute(f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))


def _python(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(  # noqa: S603  # our own interpreter and arguments
        [sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True,
        timeout=600, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"{args[:3]} failed:\n{done.stderr[-3000:]}")
    return done.stdout


async def _person(
    n: int,
    base_url: str,
    data: dict[str, Any],
    deadline: float,
    outcome: Outcome,
    post_ids: list[int],
) -> None:
    import httpx

    person = data["people"][n]
    others = [p["username"] for p in data["people"] if p["username"] != person["username"]]
    rng = random.Random(n)  # a load mix, not a secret
    actions = [a for a, _w in MIX]
    weights = [w for _a, w in MIX]
    api = {"Authorization": f"Bearer {person['token']}"}
    cookies = {"sessionid": person["session"]}
    async with httpx.AsyncClient(
        base_url=base_url, timeout=60.0, limits=httpx.Limits(max_connections=2)
    ) as client:
        i = 0
        while time.perf_counter() < deadline:
            action = rng.choices(actions, weights)[0]
            i += 1
            started = time.perf_counter()
            try:
                if action in ("start page", "feed", "notifications"):
                    path = {"start page": "/", "feed": "/feed/", "notifications": "/notifications/"}
                    response = await client.get(path[action], cookies=cookies)
                elif action == "post":
                    mention = f" @{rng.choice(others)}" if i % 2 else ""
                    response = await client.post(
                        "/api/v1/posts",
                        json={"body": f"Lastbeitrag {n}-{i}{mention}"},
                        headers=api,
                    )
                    if response.status_code == 201:
                        post_ids.append(response.json()["id"])
                elif action == "comment":
                    post_id = rng.choice(post_ids[-200:])
                    response = await client.post(
                        f"/api/v1/posts/{post_id}/comments",
                        json={"body": f"Kommentar {n}-{i}"},
                        headers=api,
                    )
                elif action == "react":
                    post_id = rng.choice(post_ids[-200:])
                    response = await client.put(
                        f"/api/v1/posts/{post_id}/reactions/{rng.choice(REACTIONS)}", headers=api
                    )
                else:
                    response = await client.post(
                        f"/api/v1/chat/channels/{data['channel']}/messages",
                        json={"body": f"Nachricht {n}-{i}", "client_id": str(uuid.uuid4())},
                        headers=api,
                    )
                got: object = response.status_code
            except httpx.HTTPError as exc:
                got = type(exc).__name__
            ms = (time.perf_counter() - started) * 1000
            outcome.requests += 1
            outcome.statuses[str(got)] += 1
            if outcome.ledger.answered(action, got, EXPECTED[action]):
                outcome.latencies[action].append(ms)


async def _bell_probe(base_url: str, data: dict[str, Any], deadline: float, outcome: Outcome):
    """Every 2 s one person mentions another in a post; the time until the other's bell
    (the unread count the header shows) counts it is the mention-to-bell latency."""
    import httpx

    writer, reader = data["probes"]
    mention = {"Authorization": f"Bearer {writer['token']}"}
    bell = {"Authorization": f"Bearer {reader['token']}"}
    async with httpx.AsyncClient(base_url=base_url, timeout=60.0) as client:
        while time.perf_counter() < deadline - 3:
            await asyncio.sleep(2)
            seen = (await client.get("/api/v1/notifications/unread-count", headers=bell)).json()
            made = await client.post(
                "/api/v1/posts", json={"body": f"Frage an @{reader['username']}"}, headers=mention
            )
            started = time.perf_counter()
            if not outcome.ledger.answered("bell probe post", made.status_code, (201,)):
                continue
            while True:
                count = await client.get("/api/v1/notifications/unread-count", headers=bell)
                if count.json()["unread"] > seen["unread"]:
                    outcome.bell.append((time.perf_counter() - started) * 1000)
                    break
                if time.perf_counter() - started > 60:
                    outcome.bell_missed += 1  # a figure of its own, judged in verdict()
                    break
                await asyncio.sleep(0.05)


async def _warm_up(base_urls: Sequence[str], data: dict[str, Any], ledger: Ledger) -> None:
    """Each person opens the start page once before the clock starts: a process's first
    requests load templates and open its pool's connections, which no steady state has."""
    import httpx

    async def one_process(k: int) -> None:
        # One person after the other: warming up is not the load (a cold process under 20
        # first requests at once can keep a request from the pool past its timeout).
        async with httpx.AsyncClient(base_url=base_urls[k], timeout=120) as client:
            for person in data["people"][k :: len(base_urls)]:
                for path in ("/", "/feed/", "/notifications/"):
                    cookies = {"sessionid": person["session"]}
                    got = (await client.get(path, cookies=cookies)).status_code
                    ledger.answered("warm-up", got, (200,))

    await asyncio.gather(*(one_process(k) for k in range(len(base_urls))))


async def _load(base_urls: Sequence[str], data: dict[str, Any], duration: float, outcome: Outcome):
    await _warm_up(base_urls, data, outcome.ledger)
    post_ids = list(data["posts"])
    began = time.perf_counter()
    deadline = began + duration
    await asyncio.gather(
        _bell_probe(base_urls[-1], data, deadline, outcome),
        *(
            # Like a load balancer: the people are spread over the web processes.
            _person(n, base_urls[n % len(base_urls)], data, deadline, outcome, post_ids)
            for n in range(len(data["people"]))
        ),
    )
    outcome.elapsed = time.perf_counter() - began


def static_is_current(static_root: Path) -> bool:
    """Whether ``static_root`` holds a manifest newer than every file collectstatic reads
    (hanse/**/static and the npm packages it copies)."""
    manifest = static_root / "staticfiles.json"
    if not manifest.exists():
        return False
    files = [*(BASE_DIR / "hanse").rglob("static/**/*")]
    for package in ("htmx.org/dist", "swagger-ui-dist"):
        files += (BASE_DIR / "node_modules" / package).rglob("*")
    newest = max((p.stat().st_mtime for p in files if p.is_file()), default=0.0)
    return manifest.stat().st_mtime > newest


# Where the benches and the deployment tests keep the collected static files between runs.
STATIC_CACHE = Path("/tmp/hanse-bench-static")  # noqa: S108  # a cache of collected files


def collect_static(env: dict[str, str]) -> None:
    """As deployed: collected, compressed, hashed static files in env's STATIC_ROOT (minutes on
    a busy 2-core machine); skipped when they are current. A lock file beside the folder keeps
    two processes (a bench, the tests on two pytest-xdist workers) from collecting into it at
    once."""
    root = Path(env["STATIC_ROOT"])
    root.parent.mkdir(parents=True, exist_ok=True)
    with (root.parent / f"{root.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not static_is_current(root):
            _python(["manage.py", "collectstatic", "--no-input", "-v", "0"], env)


@dataclass
class Deployment:
    """The documented deployment, started: its environment, the people SETUP made, each
    process's name (HANSE_PROCESS_NAME), the web servers and the worker and scheduler."""

    env: dict[str, str]
    data: dict[str, Any]
    names: dict[str, str]
    log_dir: Path
    servers: list[Any] = field(default_factory=list)
    others: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def conninfo(self) -> str:
        url = self.env["DATABASE_URL"]
        return _database(url, urlsplit(url).path.lstrip("/"))


def prepare(
    *,
    database_url: str,
    redis_url: str,
    users: int,
    limits: Limits,
    log_dir: Path,
    template: str = "",
    **extra_env: str,
) -> Deployment:
    """A fresh database (migrated, static files collected) and Redis database, ``users``
    people with sessions and API tokens; no process started yet. With ``template`` the
    database starts as a copy of that migrated one."""
    import redis

    log_dir.mkdir(parents=True, exist_ok=True)
    recreate_database(database_url, template)
    redis.Redis.from_url(redis_url).flushdb()
    tag = uuid.uuid4().hex[:6]
    env = child_env(
        DJANGO_SETTINGS_MODULE="hanse.settings",
        HANSE_ENV="development",
        DEBUG="false",
        TASKS_REAL_QUEUE="1",
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        CACHE_KEY_PREFIX=f"load-{tag}",
        HANSE_DATA_DIR=str(log_dir / "var"),
        STATIC_ROOT=os.environ.get("STATIC_ROOT", str(STATIC_CACHE)),
        DATABASE_POOL="1",
        DATABASE_POOL_MIN_SIZE=str(limits.pool_min),
        DATABASE_POOL_MAX_SIZE=str(limits.pool_max),
        DATABASE_POOL_MAX_IDLE=str(limits.max_idle),
        LINK_PREVIEWS_ENABLED="false",
        PYTHONPATH=str(BASE_DIR),
        **extra_env,
    )
    for name in ("HANSE_TEST_QUEUE_URL", "TEST_DATABASE_NAME", "SQLITE_PATH"):
        env.pop(name, None)
    _python(["manage.py", "migrate", "--no-input", "-v", "0"], env)
    collect_static(env)
    data = json.loads(_python(["-c", SETUP, str(users)], env).strip().splitlines()[-1])
    names = {role: f"load-{role}-{tag}" for role in ("web1", "web2", "worker", "scheduler")}
    return Deployment(env, data, names, log_dir)


def start(deployment: Deployment, *, forking_worker: bool = False, web_processes: int = 2) -> None:
    """Two uvicorn processes (or ``web_processes``), the worker and the scheduler, each with its
    own name."""
    env, names, log_dir = deployment.env, deployment.names, deployment.log_dir
    for n in range(3, web_processes + 1):
        names.setdefault(f"web{n}", names["web1"].replace("web1", f"web{n}"))
    deployment.servers += [
        start_uvicorn({**env, "HANSE_PROCESS_NAME": names[r]}, name=names[r])
        for r in [f"web{n}" for n in range(1, max(web_processes, 2) + 1)]
    ]
    commands = {
        "worker": ["hanse_worker", *(["--fork"] if forking_worker else [])],
        "scheduler": ["hanse_scheduler"],
    }
    for role, command in commands.items():
        with (log_dir / f"{role}.log").open("wb") as log:
            process = subprocess.Popen(  # noqa: S603  # our own interpreter and arguments
                [sys.executable, "manage.py", *command],
                cwd=BASE_DIR,
                env={**env, "HANSE_PROCESS_NAME": names[role]},
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deployment.others.append(process)


def stop(deployment: Deployment) -> None:
    for server in deployment.servers:
        server.stop()
    for process in deployment.others:
        process.terminate()
    for process in deployment.others:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def run(
    *,
    database_url: str,
    redis_url: str,
    users: int = 20,
    duration: float = 120.0,
    settle: float = 90.0,
    limits: Limits | None = None,
    log_dir: Path | None = None,
    forking_worker: bool = False,
    template: str = "",
) -> Outcome:
    """Deploy on a fresh database, load it, count connections; the processes are stopped."""
    import redis

    limits = limits or Limits()
    log_dir = log_dir or Path(os.environ.get("TMPDIR", "/tmp")) / f"hanse-load-{os.getpid()}"  # noqa: S108
    deployment = prepare(
        database_url=database_url, redis_url=redis_url, users=users, limits=limits,
        log_dir=log_dir, template=template,
    )  # fmt: skip
    data, names = deployment.data, deployment.names
    servers, others = deployment.servers, deployment.others
    ledger = Ledger()
    outcome = Outcome(ledger)
    counter: ConnectionCounter | None = None
    try:
        start(deployment, forking_worker=forking_worker)
        counter = ConnectionCounter(deployment.conninfo, list(names.values()))
        with counter:
            asyncio.run(_load([s.base_url for s in servers], data, duration, outcome))
            # How far the worker fell behind: jobs still waiting when the people stopped.
            outcome.queue_left = int(redis.Redis.from_url(redis_url).llen("rq:queue:default"))
            worker_log = (log_dir / "worker.log").read_text(errors="replace")
            outcome.jobs_done = worker_log.count("Successfully completed")
            outcome.after_load = counter.counts()
            webs = [names["web1"], names["web2"]]
            began = time.monotonic()
            while time.monotonic() - began < settle:
                now = counter.counts()
                if all(now[w] <= limits.pool_min for w in webs):
                    outcome.seconds_to_floor = time.monotonic() - began
                    break
                time.sleep(0.5)
            outcome.final = counter.counts()
        outcome.peaks = {role: counter.peaks[names[role]] for role in names}
        outcome.after_load = {role: outcome.after_load[names[role]] for role in names}
        outcome.final = {role: outcome.final[names[role]] for role in names}
        for process in others:
            if process.poll() is not None:
                ledger.fail(f"{process.args[-1]} exited during the load (see {log_dir})")
    finally:
        if counter is not None:
            counter.close()
        stop(deployment)
    if outcome.elapsed < duration * 0.9:
        ledger.fail(f"the load ran {outcome.elapsed:.1f} s of the {duration:g} s asked for")
    for action, _weight in MIX:
        if not outcome.latencies[action]:
            ledger.fail(f"no {action!r} was measured")
    if not outcome.bell and not outcome.bell_missed:
        ledger.fail("no mention was probed (the probe needs a load of 20 s or more)")
    for server in servers:
        if "Traceback" in server.log_text():
            ledger.fail(f"{server.log} holds a traceback")
    return outcome


def verdict(outcome: Outcome, limits: Limits, settle: float) -> list[tuple[str, str, bool]]:
    """(measure, value, met) rows, for the CLI and the test."""
    rows = [
        (
            f"PostgreSQL connections of {role}, most at once",
            f"{outcome.peaks.get(role, 0)} (pool max {limits.pool_max})",
            0 < outcome.peaks.get(role, 0) <= limits.pool_max,
        )
        for role in ("web1", "web2", "worker", "scheduler")
    ]
    probed = len(outcome.bell) + outcome.bell_missed
    rows.append(
        (
            "mentions on the bell within 60 s",
            f"{len(outcome.bell)} of {probed}; worker: {outcome.jobs_done} jobs done, "
            f"{outcome.queue_left} waiting at the end of the load",
            outcome.bell_missed == 0,
        )
    )
    rows.append(
        (
            "web processes back at the pool's floor",
            (
                f"after {outcome.seconds_to_floor:.1f} s (right after the load "
                f"{outcome.after_load.get('web1')}+{outcome.after_load.get('web2')}, "
                f"floor {limits.pool_min} each)"
                if outcome.seconds_to_floor is not None
                else f"not within {settle:g} s ({outcome.final})"
            ),
            outcome.seconds_to_floor is not None,
        )
    )
    return rows


def print_table(outcome: Outcome, users: int) -> None:
    every = outcome.all_latencies
    print()
    print(
        f"{outcome.requests} requests from {users} people in {outcome.elapsed:.1f} s "
        f"({outcome.requests / outcome.elapsed:.1f}/s), statuses {dict(outcome.statuses)}"
    )
    print(f"{'action':<16}{'n':>7}{'p50 ms':>10}{'p99 ms':>10}")
    for action, _weight in MIX:
        samples = outcome.latencies[action]
        print(
            f"{action:<16}{len(samples):>7}{percentile(samples, 50):>10.0f}"
            f"{percentile(samples, 99):>10.0f}"
        )
    print(f"{'all':<16}{len(every):>7}{percentile(every, 50):>10.0f}{percentile(every, 99):>10.0f}")
    bell = outcome.bell
    print(
        f"{'mention -> bell':<16}{len(bell):>7}{percentile(bell, 50):>10.0f}"
        f"{percentile(bell, 99):>10.0f}   (max {max(bell, default=0):.0f} ms)"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--database-url", required=True, help="dropped and created again")
    parser.add_argument("--redis-url", required=True, help="emptied")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--duration", type=float, default=120.0, help="seconds of load")
    parser.add_argument("--settle", type=float, default=90.0, help="seconds to get back")
    parser.add_argument("--pool-min", type=int, default=2)
    parser.add_argument("--pool-max", type=int, default=10)
    parser.add_argument("--max-idle", type=int, default=5, help="DATABASE_POOL_MAX_IDLE")
    parser.add_argument(
        "--forking-worker", action="store_true", help="RQ's forking worker, for comparison"
    )
    args = parser.parse_args(argv)
    if not args.database_url.startswith("postgres"):
        parser.error("--database-url must be PostgreSQL: the deployment guide's database")
    limits = Limits(args.pool_min, args.pool_max, args.max_idle)
    outcome = run(
        database_url=args.database_url, redis_url=args.redis_url, users=args.users,
        duration=args.duration, settle=args.settle, limits=limits,
        forking_worker=args.forking_worker,
    )  # fmt: skip
    rows = verdict(outcome, limits, args.settle)

    def print_figures() -> bool:
        print_table(outcome, args.users)
        width = max(len(r[0]) for r in rows) + 2
        for name, value, ok in rows:
            print(f"{name:<{width}}{value:<60}{'PASS' if ok else 'FAIL'}")
        return all(ok for _n, _v, ok in rows)

    return outcome.ledger.report(print_figures)


if __name__ == "__main__":
    sys.exit(main())
