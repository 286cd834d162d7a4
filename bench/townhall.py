"""Town-hall benchmark: many people watching one town hall over WebSockets while votes come in.

    createdb -h 127.0.0.1 -U postgres hanse_bench_townhall
    .venv/bin/python -m bench.townhall \
        --database-url postgres://postgres@127.0.0.1:5432/hanse_bench_townhall \
        --redis-url redis://127.0.0.1:6379/4 \
        [--watchers 1000] [--servers 2] [--rate 50] [--duration 30] [--questions 40]
        [--generators 2] [--warmup 3]

The run migrates the database, creates ``--watchers`` people with sessions and one live,
company-wide town hall with ``--questions`` questions (every tenth anonymous), starts
``--servers`` uvicorn processes serving hanse.asgi with the Redis channel layer, and
connects every watcher's WebSocket to one of them (round robin), subscribed to the town
hall's topic. The WebSocket clients run in ``--generators`` processes of their own.

Then ``--rate`` upvotes per second are cast for ``--duration`` seconds, each by the next
person on the next question (nobody twice on one question), through the real service
(``townhall_upvote``: the PostgreSQL transaction, then the push through Redis to the
servers) on a few threads of this process. Two figures:

- **Vote, server time**: the time ``townhall_upvote`` takes (validation, the insert under its
  unique constraint, the counter update, the commit, the publish to Redis). Target p99 ≤ 20 ms.
- **New order seen**: per watcher and vote, from the moment the vote was cast to the moment
  the first ``townhall.votes`` push that contains it (the open questions' counts, one push
  per ``TOWNHALL_PUSH_MS``, 250 ms by default: the page reorders itself from it, no request)
  arrives at the watcher. Target p99 ≤ 1 s. Every vote must reach every watcher
  exactly once: lost and doubled deliveries are counted and make the run untrusted.

Everything shares the machine: the generators, the servers, PostgreSQL and Redis. The run
prints the load average before and after, so a figure can be read against it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from bench.chat import configure, start_servers
from bench.honesty import Ledger, percentile

TARGET_SEEN_P99_MS = 1000.0
TARGET_VOTE_P99_MS = 20.0


def build(watchers: int, questions: int) -> dict[str, Any]:
    from datetime import timedelta

    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.utils import timezone

    from hanse.participation.townhalls import townhall_create, townhall_question_ask
    from hanse.people.models import User

    call_command("migrate", verbosity=0, interactive=False)
    run = uuid.uuid4().hex[:8]
    password = make_password(None)
    User.objects.bulk_create(
        [
            User(
                username=f"th-{run}-{n}",
                email=f"th-{run}-{n}@example.org",
                first_name="Watcher",
                last_name=str(n),
                password=password,
            )
            for n in range(watchers)
        ]
    )
    users = list(User.objects.filter(username__startswith=f"th-{run}-").order_by("id"))
    host = users[0]
    host.is_superuser = True
    host.save(update_fields=["is_superuser"])
    now = timezone.now()
    th = townhall_create(
        by=host,
        title=f"Bench {run}",
        starts_at=now - timedelta(minutes=1),
        ends_at=now + timedelta(hours=2),
        hosts=[host],
    )
    qs = [
        townhall_question_ask(
            townhall=th, author=host, body=f"Frage {i}?", anonymous=i % 10 == 0
        ).pk
        for i in range(questions)
    ]
    sessions = []
    for person in users:
        store = SessionStore()
        store["_auth_user_id"] = str(person.pk)
        store["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
        store["_auth_user_hash"] = person.get_session_auth_hash()
        store.create()
        sessions.append(store.session_key)
    return {"run": run, "townhall": th.pk, "questions": qs, "users": [u.pk for u in users],
            "sessions": sessions}  # fmt: skip


def remove(world: dict[str, Any]) -> None:
    from django.contrib.sessions.models import Session

    from hanse.participation.models import TownHall
    from hanse.people.models import User

    TownHall.objects.filter(pk=world["townhall"]).delete()
    Session.objects.filter(session_key__in=world["sessions"]).delete()
    User.objects.filter(pk__in=world["users"]).delete()


# --- the watchers (a process of their own each) -------------------------------------------


def watch(
    sessions: list[str],
    ports: list[int],
    topic: str,
    cookie_name: str,
    ready: Any,
    stop: Any,
    out: Any,
) -> None:
    """Connect, subscribe, then record (question, votes) -> arrival times until told to stop."""
    import websockets

    seen: dict[tuple[int, int], list[float]] = {}
    errors: list[str] = []
    last = [time.time()]

    async def one(index: int, session: str) -> Any:
        ws = await websockets.connect(
            f"ws://127.0.0.1:{ports[index % len(ports)]}/ws/",
            origin="http://127.0.0.1",  # type: ignore[arg-type]
            additional_headers={"Cookie": f"{cookie_name}={session}"},
            max_queue=None,
            compression=None,
            open_timeout=60,
            ping_interval=None,
        )
        await ws.send(json.dumps({"action": "subscribe", "topics": [topic]}))
        while True:
            frame = json.loads(await ws.recv())
            if frame.get("type") == "subscribed":
                if topic not in frame.get("topics", []):
                    errors.append("not granted")
                return ws

    async def read(ws: Any) -> None:
        known: dict[int, int] = {}  # what this watcher has seen of each question's count
        try:
            async for raw in ws:
                now = time.time()
                last[0] = now
                if '"townhall.votes"' not in raw:
                    continue
                frame = json.loads(raw)
                # A push carries every open question's count: each vote up to it is seen now.
                for q, votes in frame["counts"]:
                    before = known.get(q, 0)
                    for v in range(before + 1, votes + 1):
                        seen.setdefault((q, v), []).append(now)
                    if votes > before:
                        known[q] = votes
        except Exception as exc:  # a dropped connection is a lost delivery, counted
            errors.append(repr(exc))

    async def main() -> None:
        sockets = []
        for start in range(0, len(sessions), 50):
            batch = sessions[start : start + 50]
            sockets += await asyncio.gather(*(one(start + i, s) for i, s in enumerate(batch)))
        readers = [asyncio.create_task(read(ws)) for ws in sockets]
        ready.set()
        while not stop.is_set():
            await asyncio.sleep(0.2)
        # Drain: late deliveries count (with their latency) until nothing came for 3 s.
        deadline = time.time() + 120
        while time.time() < deadline and time.time() - last[0] < 3:
            await asyncio.sleep(0.2)
        for task in readers:
            task.cancel()
        for ws in sockets:
            await ws.close()

    asyncio.run(main())
    out.put({"seen": {f"{q}:{v}": times for (q, v), times in seen.items()}, "errors": errors})


# --- the votes ------------------------------------------------------------------------------


def cast_votes(
    world: dict[str, Any], rate: float, seconds: float, offset: int
) -> tuple[dict[tuple[int, int], float], list[float], int]:
    """Cast ``rate`` votes a second; returns (question, votes) -> cast time, server times."""
    from django.db import connections

    from hanse.participation.models import TownHallQuestion
    from hanse.participation.selectors import get_townhall_question_for
    from hanse.participation.townhalls import townhall_upvote
    from hanse.people.models import User

    users = list(User.objects.filter(pk__in=world["users"][1:]).order_by("pk"))
    host = User.objects.get(pk=world["users"][0])
    questions = {
        q.pk: q
        for q in TownHallQuestion.objects.filter(pk__in=world["questions"]).select_related(
            "townhall"
        )
    }
    for q in questions.values():
        q.townhall = get_townhall_question_for(viewer=host, question_id=q.pk).townhall
    count = int(rate * seconds)
    plan = []
    qids = world["questions"]
    for n in range(offset, offset + count):
        # Spread over the questions; nobody votes twice on one (n < questions x people).
        question = questions[qids[n % len(qids)]]
        person = users[(n // len(qids)) % len(users)]
        plan.append((person, question))
    cast_at: dict[tuple[int, int], float] = {}
    server_ms: list[float] = []
    failures = 0
    failure_kinds: list[str] = []
    lock = threading.Lock()

    def one(person: Any, question: Any) -> None:
        nonlocal failures
        t0 = time.time()
        started = time.perf_counter()
        try:
            votes = townhall_upvote(question=question, user=person)
        except Exception as exc:
            with lock:
                failures += 1
                failure_kinds.append(repr(exc)[:200])
            return
        finally:
            # As at the end of a request: the connection goes back to the pool.
            connections.close_all()
        elapsed = (time.perf_counter() - started) * 1000
        with lock:
            cast_at[(question.pk, votes)] = t0
            server_ms.append(elapsed)

    interval = 1.0 / rate
    begin = time.perf_counter()
    with ThreadPoolExecutor(max_workers=4) as pool:
        for i, (person, question) in enumerate(plan):
            delay = begin + i * interval - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            pool.submit(one, person, question)
    if failure_kinds:
        print(f"{failures} votes failed, e.g. {failure_kinds[0]}")
    return cast_at, server_ms, failures


def loadavg() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--redis-url", required=True)
    parser.add_argument("--watchers", type=int, default=1000)
    parser.add_argument("--servers", type=int, default=2)
    parser.add_argument("--rate", type=float, default=50.0)
    parser.add_argument("--duration", type=float, default=30.0)
    parser.add_argument("--questions", type=int, default=40)
    parser.add_argument("--generators", type=int, default=2)
    parser.add_argument("--warmup", type=float, default=3.0)
    args = parser.parse_args(argv)
    configure(args.database_url, args.redis_url)
    from django.conf import settings

    ledger = Ledger()
    print(f"load average before: {loadavg()}  (cores: {os.cpu_count()})")
    world = build(args.watchers, args.questions)
    servers = start_servers(args.servers, deflate=False)
    ports = [port for _process, port in servers]
    topic = f"townhall:{world['townhall']}"
    ctx = multiprocessing.get_context("spawn")
    stop = ctx.Event()
    out = ctx.Queue()
    procs, readies = [], []
    chunk = -(-args.watchers // args.generators)
    try:
        for g in range(args.generators):
            ready = ctx.Event()
            part = world["sessions"][g * chunk : (g + 1) * chunk]
            # Each generator spreads its watchers over every server.
            p = ctx.Process(
                target=watch,
                args=(part, ports, topic, settings.SESSION_COOKIE_NAME, ready, stop, out),
            )
            p.start()
            procs.append(p)
            readies.append(ready)
        for ready in readies:
            if not ready.wait(300):
                raise SystemExit("watchers did not connect in time")
        print(f"{args.watchers} watchers connected to {args.servers} servers; load {loadavg()}")
        # Warm-up: the servers' first pushes, the database's first statements.
        warm = int(args.rate * args.warmup)
        cast_votes(world, args.rate, args.warmup, offset=0)
        time.sleep(1)
        measured_at = time.time()
        cast_at, server_ms, failures = cast_votes(world, args.rate, args.duration, offset=warm)
        took = time.time() - measured_at
        load_during = loadavg()
        stop.set()
        results = [out.get(timeout=300) for _ in procs]
        for p in procs:
            p.join(timeout=30)
    finally:
        stop.set()
        for process, _port in servers:
            process.terminate()
        for process, _port in servers:
            process.wait(timeout=30)
    asked = int(args.rate * args.duration)
    ledger.measured("votes cast", len(server_ms), asked)
    if failures:
        ledger.fail(f"{failures} votes failed")
    latencies: list[float] = []
    lost = doubled = 0
    errors: list[str] = []
    for r in results:
        errors += r["errors"]
    arrivals: dict[tuple[int, int], list[float]] = {}
    for r in results:
        for key, times in r["seen"].items():
            q, v = key.split(":")
            arrivals.setdefault((int(q), int(v)), []).extend(times)
    for key, t0 in cast_at.items():
        times = arrivals.get(key, [])
        if len(times) < args.watchers:
            lost += args.watchers - len(times)
        if len(times) > args.watchers:
            doubled += len(times) - args.watchers
        latencies += [(t - t0) * 1000 for t in times]
    if lost:
        received = sum(len(t) for t in arrivals.values())
        ledger.fail(f"{lost} deliveries lost ({received} townhall.votes events received)")
    if doubled:
        ledger.fail(f"{doubled} deliveries doubled")
    if errors:
        ledger.fail(f"{len(errors)} watcher errors, e.g. {errors[0]}")

    def figures() -> bool:
        vote_p99 = percentile(server_ms, 99)
        seen_p99 = percentile(latencies, 99)
        print(
            f"\n{args.watchers} watchers, {args.servers} servers (Redis), {args.rate:.0f} votes/s "
            f"for {args.duration:.0f} s ({len(server_ms)} votes in {took:.1f} s, "
            f"{len(latencies)} deliveries)"
        )
        print(f"load average at the end of sending: {load_during}")
        print(
            f"vote, server time     p50 {percentile(server_ms, 50):7.1f} ms  "
            f"p99 {vote_p99:7.1f} ms  max {max(server_ms):7.1f} ms  "
            f"(target p99 <= {TARGET_VOTE_P99_MS:.0f} ms) "
            f"{'PASS' if vote_p99 <= TARGET_VOTE_P99_MS else 'MISS'}"
        )
        print(
            f"new order seen        p50 {percentile(latencies, 50):7.1f} ms  "
            f"p99 {seen_p99:7.1f} ms  max {max(latencies):7.1f} ms  "
            f"(target p99 <= {TARGET_SEEN_P99_MS:.0f} ms) "
            f"{'PASS' if seen_p99 <= TARGET_SEEN_P99_MS else 'MISS'}"
        )
        return vote_p99 <= TARGET_VOTE_P99_MS and seen_p99 <= TARGET_SEEN_P99_MS

    status = ledger.report(figures)
    remove(world)
    print(f"load average after: {loadavg()}")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
