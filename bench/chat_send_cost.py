"""CPU per chat message on the server's send path, by phase, with real PostgreSQL and Redis.

    .venv/bin/python -m bench.chat_send_cost \
        --database-url postgres://postgres@127.0.0.1:5432/hanse_bench_chat \
        --redis-url redis://127.0.0.1:6379/13 [--messages 2000] [--profile 300 --save FILE]

What bench/chat.py measures end to end (latency, losses), this measures in one place: the
CPU time a server process spends storing one message sent over the WebSocket, from the
``send`` action (hanse/chat/live.py) to its acknowledgement, including what runs after the
commit in the same thread (the outbox hand-off of its tasks, the live push). It runs the
action as the consumer does, through ``database_sync_to_async`` on the chat store executor
with an event loop in the main thread (a push then goes through the loop as in the server),
one message after another, each from the next person of a channel of 25.

The whole process's CPU per message is printed too: it holds the event loop's part (the
push goes through it) and threads of the process that work for the send path (the outbox's
batch thread, hanse/jobs/outbox.py).

CPU time (the thread's own, ``time.thread_time``) depends much less on how busy the machine
is than wall time; both are printed, with the load average. The phases are the CPU time of
the functions named in PHASES, wrapped while measuring; ``--profile N`` adds a pass under
cProfile (with the CPU clock; slowed by the profiler) to find what is not a phase yet. The
delivery side (each recipient's connection sending the frame) is not in here: bench/chat.py's
server CPU holds both.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import sys
import threading
import time
import uuid
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from bench.chat import World, build_world, configure, remove_world, vacuum
from bench.honesty import Ledger, percentile

# The phases: (label, module, attribute) of the functions whose CPU time makes each. The
# attribute is wrapped in that module (where the send path looks it up); "  " marks a part of
# the phase above it. The rest of the action (database_sync_to_async, taking a connection from
# the pool, the other statements, the commit) is the difference to the whole.
PHASES: list[tuple[str, str, str]] = [
    ("find the channel and membership", "hanse.chat.selectors", "find_channel_for"),
    ("resend check (client id)", "hanse.chat.services.messages", "_existing_for"),
    ("send rate limit (Redis)", "hanse.chat.services.messages", "_require_send_rate"),
    ("render (Markdown, mentions)", "hanse.chat.services.messages", "_render"),
    ("INSERT the message", "hanse.chat.models", "Message.save"),
    ("  of it: search index outbox row", "hanse.search.services", "enqueue_on_commit"),
    ("  of it: search index outbox row", "hanse.search.services", "enqueue_batched_on_commit"),
    ("after commit: outbox hand-off", "hanse.jobs.outbox", "_send_pending"),
    ("after commit: live push", "hanse.chat.events", "message_created"),
    ("  of it: render the event", "hanse.chat.events", "render_message_html"),
    ("  of it: Redis publish", "hanse.realtime.publish", "_group_send"),
]


class Phases:
    """CPU time of the calls of the PHASES functions on the sending thread."""

    def __init__(self) -> None:
        self.cpu: dict[str, float] = dict.fromkeys((label for label, _m, _a in PHASES), 0.0)
        self.enabled = False
        self._lock = threading.Lock()
        self._undo: list[tuple[Any, str, Any]] = []

    def install(self) -> None:
        import importlib

        for label, module_name, attribute in PHASES:
            owner: Any = importlib.import_module(module_name)
            *path, name = attribute.split(".")
            for part in path:
                owner = getattr(owner, part)
            if not hasattr(owner, name):
                continue  # not in this version of the code: the phase stays at 0
            original = getattr(owner, name)
            setattr(owner, name, self._wrap(label, original))
            self._undo.append((owner, name, original))

    def uninstall(self) -> None:
        for owner, name, original in reversed(self._undo):
            setattr(owner, name, original)
        self._undo.clear()

    def _wrap(self, label: str, func: Any) -> Any:
        import functools

        @functools.wraps(func)
        def timed(*args: Any, **kwargs: Any) -> Any:
            if not self.enabled:
                return func(*args, **kwargs)
            began = time.thread_time()
            try:
                return func(*args, **kwargs)
            finally:
                used = time.thread_time() - began
                with self._lock:
                    self.cpu[label] += used

        return timed


def _thread_cpu(func: Any) -> Any:
    """``func`` that also returns the CPU its thread spent on it."""

    def run(*args: Any) -> tuple[Any, float]:
        began = time.thread_time()
        result = func(*args)
        return result, time.thread_time() - began

    return run


def _profiled(func: Any, profile: cProfile.Profile) -> Any:
    def run(*args: Any) -> Any:
        return profile.runcall(func, *args)

    return run


async def _send_all(
    world: World,
    people: dict[int, Any],
    count: int,
    seq0: int,
    ledger: Ledger,
    *,
    profile: cProfile.Profile | None,
    rate: float = 0,
) -> tuple[list[float], list[float]]:
    from channels.db import database_sync_to_async

    from hanse.chat import live

    executor: ThreadPoolExecutor = live.SEND.executor  # type: ignore[assignment]
    run = _profiled(live.send, profile) if profile is not None else live.send
    action = database_sync_to_async(_thread_cpu(run), thread_sensitive=False, executor=executor)
    cpu: list[float] = []
    wall: list[float] = []

    async def one(n: int) -> None:
        index = n % len(world.users)
        frame = {
            "action": "send",
            "channel": world.channel_of[index],
            "body": f"Nachricht {n} an **alle** mit einem Link https://example.org/{n}",
            "client_id": uuid.uuid4(),
        }
        began = time.perf_counter()
        answer, used = await action(people[world.users[index]], frame)
        wall.append((time.perf_counter() - began) * 1000)
        cpu.append(used * 1000)
        ledger.answered("send", (answer or {}).get("type"), ("ack",))

    if rate <= 0:  # one after another
        for n in range(seq0, seq0 + count):
            await one(n)
        return cpu, wall
    # As a server process receives them: at a steady rate, from many connections at once.
    started = time.perf_counter()
    tasks = []
    for k, n in enumerate(range(seq0, seq0 + count)):
        delay = started + k / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(n)))
    await asyncio.gather(*tasks)
    return cpu, wall


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument(
        "--redis-url", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/13")
    )
    parser.add_argument("--messages", type=int, default=2000, help="messages measured")
    parser.add_argument("--warmup", type=int, default=200, help="messages before measuring")
    parser.add_argument(
        "--rate",
        type=float,
        default=0,
        help="messages per second, several in flight (as one server process gets them at "
        "half of bench.chat's rate); 0: one after another",
    )
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        help="messages of an extra pass under cProfile (CPU clock) for --top/--save",
    )
    parser.add_argument("--top", type=int, default=30, help="costliest functions to print")
    parser.add_argument("--save", default="", help="write the profile to this file (pstats)")
    args = parser.parse_args(argv)
    if not args.database_url.startswith("postgres"):
        parser.error("--database-url must be PostgreSQL")
    configure(args.database_url, args.redis_url)
    from hanse.people.models import User

    world = build_world(200, 8)
    vacuum()
    people = {u.pk: u for u in User.objects.filter(pk__in=world.users)}
    ledger = Ledger()
    process_cpu: list[float] = []
    phases = Phases()
    phases.install()
    # The thread's CPU time as the clock: waits for PostgreSQL and Redis are not counted.
    profile = cProfile.Profile(time.thread_time) if args.profile else None
    try:

        async def run() -> tuple[list[float], list[float]]:
            await _send_all(world, people, args.warmup, 0, Ledger(), profile=None)
            phases.enabled = True
            began = time.process_time()
            measured = await _send_all(
                world, people, args.messages, args.warmup, ledger, profile=None, rate=args.rate
            )
            await asyncio.sleep(0.5)  # the outbox batch thread hands off the last rows
            process_cpu.append(time.process_time() - began)
            phases.enabled = False
            if profile is not None:
                seq0 = args.warmup + args.messages
                await _send_all(world, people, args.profile, seq0, Ledger(), profile=profile)
            return measured

        cpu, wall = asyncio.run(run())
    finally:
        phases.uninstall()
        remove_world(world)
    ledger.measured("messages", len(cpu), args.messages)

    def print_figures() -> bool:
        count = len(cpu)
        load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
        how = f"at {args.rate:g}/s" if args.rate > 0 else "one at a time"
        print(f"\nload average {load}; {os.cpu_count()} cores; {count} messages, {how}")
        print(f"{'measure (per message)':34} | value")
        print(f"{'-' * 34}-|-{'-' * 24}")
        print(f"{'CPU of the whole process':34} | {process_cpu[0] * 1000 / count:6.2f} ms")
        print(f"{'CPU of the send action (mean)':34} | {sum(cpu) / count:6.2f} ms")
        for name, values in (("CPU", cpu), ("wall", wall)):
            p50, p99 = percentile(values, 50), percentile(values, 99)
            print(f"{name + ' p50 / p99':34} | {p50:6.2f} / {p99:.2f} ms")
        print(f"{'-' * 34}-|-{'-' * 24}")
        for label, seconds in phases.cpu.items():
            print(f"{label:34} | {seconds * 1000 / count:6.2f} ms CPU")
        top = sum(seconds for label, seconds in phases.cpu.items() if not label.startswith(" "))
        rest = sum(cpu) / 1000 - top
        print(f"{'rest (threads, pool, transactions)':34} | {rest * 1000 / count:6.2f} ms CPU")
        if profile is not None:
            print(f"\ncProfile, CPU clock, {args.profile} messages (slowed by the profiler):")
            pstats.Stats(profile).sort_stats("tottime").print_stats(args.top)
            if args.save:
                profile.dump_stats(args.save)
        return True

    return ledger.report(print_figures)


if __name__ == "__main__":
    sys.exit(main())
