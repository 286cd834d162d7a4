"""Chat delivery benchmark: many WebSocket clients on several uvicorn processes.

    createdb -h 127.0.0.1 -U postgres hanse_bench_chat
    .venv/bin/python -m bench.chat \
        --database-url postgres://postgres@127.0.0.1:5432/hanse_bench_chat \
        --redis-url redis://127.0.0.1:6379/13 \
        [--clients 500] [--servers 2] [--channels 20] [--rate 200] [--duration 60]
        [--warmup 5] [--deflate] [--timeline]

The run migrates the database, creates ``--clients`` people with sessions and ``--channels``
channels (each person a member of one, round robin), starts ``--servers`` uvicorn processes
serving hanse.asgi with the Redis channel layer, connects each person's WebSocket to one of
them (round robin) and subscribes it to its channel. Then it sends ``--rate`` messages per
second for ``--duration`` seconds through the real protocol (``action: send``), each from the
next person in turn, so nobody comes near the per-person rate limit.

Delivery latency is measured per recipient: from the moment the sender's frame leaves the
client to the moment the ``chat.message`` event arrives at each member of the channel (the
sender included). It therefore contains the database write and commit, the rendering of the
message, the Redis hop and both WebSocket hops. Every acknowledged message must reach every
member exactly once: lost and duplicated deliveries are counted. The floor to compare with
is a bare Redis PUBLISH -> SUBSCRIBE round trip on the same machine.

Before the measured part the same rate runs for ``--warmup`` seconds (default 5): servers that
have just started open database connections and fill caches on their first messages. Warm-up
messages are checked for losses and doubles like the others; their latency has a line of its
own. The servers run as docs/realtime.md advises, without permessage-deflate (``--deflate``
turns it on). ``--timeline`` prints the latency per second of sending.

Clients, servers and the database share the machine: on 2 cores the figures include the CPU
the load generator itself needs. The run prints the CPU each part used while sending (the
generator, the servers, PostgreSQL, Redis, the whole machine) so a figure can be told apart
from a starved generator or another process that took the cores. The generator is one process
(about a fifth of a core at 200 messages/s); its garbage collector is paused while sending.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.honesty import Ledger, percentile, require_database

TARGET_P99_MS = 100.0
BASE_DIR = Path(__file__).resolve().parent.parent


def configure(database_url: str, redis_url: str) -> None:
    require_database(database_url)
    os.environ["DATABASE_URL"] = database_url
    os.environ["REDIS_URL"] = redis_url
    os.environ["HANSE_ENV"] = "development"
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hanse.settings")
    import django

    django.setup()


@dataclass
class World:
    run: str
    users: list[int]
    sessions: list[str]
    channel_of: list[int]  # per client: its channel id
    members: dict[int, list[int]]  # channel id -> client indexes


def build_world(clients: int, channels: int) -> World:
    """People, sessions and channels for this run (names carry the run id)."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command

    from hanse.chat.models import Channel, ChannelMember
    from hanse.people.models import User

    call_command("migrate", verbosity=0, interactive=False)
    run = uuid.uuid4().hex[:8]
    password = make_password(None)
    User.objects.bulk_create(
        [
            User(
                username=f"bench-{run}-{n}",
                email=f"bench-{run}-{n}@example.org",
                first_name="Bench",
                last_name=str(n),
                password=password,
            )
            for n in range(clients)
        ]
    )
    users = list(User.objects.filter(username__startswith=f"bench-{run}-").order_by("id"))
    chans = [
        Channel.objects.create(
            kind=Channel.Kind.PUBLIC, name=f"Bench {run} {c}", slug=f"bench-{run}-{c}"
        )
        for c in range(channels)
    ]
    channel_of = [chans[n % channels].pk for n in range(clients)]
    ChannelMember.objects.bulk_create(
        [ChannelMember(channel_id=channel_of[n], user=users[n]) for n in range(clients)]
    )
    sessions = []
    for person in users:
        store = SessionStore()
        store["_auth_user_id"] = str(person.pk)
        store["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
        store["_auth_user_hash"] = person.get_session_auth_hash()
        store.create()
        sessions.append(store.session_key)
    members: dict[int, list[int]] = defaultdict(list)
    for n, channel_id in enumerate(channel_of):
        members[channel_id].append(n)
    return World(run, [u.pk for u in users], sessions, channel_of, dict(members))


def remove_world(world: World) -> None:
    from django.contrib.sessions.models import Session

    from hanse.chat.models import Channel
    from hanse.people.models import User

    Channel.objects.filter(slug__startswith=f"bench-{world.run}-").delete()
    Session.objects.filter(session_key__in=world.sessions).delete()
    User.objects.filter(pk__in=world.users).delete()


def vacuum() -> None:
    """Start from tidy tables: earlier runs leave thousands of deleted messages, people and
    sessions behind, and autovacuum may pick them up in the middle of the measured part."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_servers(count: int, *, deflate: bool) -> list[tuple[subprocess.Popen[bytes], int]]:
    servers = []
    env = dict(os.environ)
    log_dir = Path(tempfile.gettempdir())
    for _ in range(count):
        port = free_port()
        log = (log_dir / f"hanse-bench-chat-{port}.log").open("wb")
        process = subprocess.Popen(  # noqa: S603  # our own interpreter and arguments
            [
                sys.executable, "-m", "uvicorn", "hanse.asgi:application",
                "--host", "127.0.0.1", "--port", str(port),
                "--lifespan", "off", "--no-access-log", "--log-level", "warning",
                "--ws-per-message-deflate", "true" if deflate else "false",
            ],
            cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        servers.append((process, port))
    import socket

    for process, port in servers:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise SystemExit(
                    f"a server did not start; see {log_dir}/hanse-bench-chat-{port}.log"
                )
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit(f"server on {port} did not start") from None
                time.sleep(0.2)
    return servers


@dataclass
class Stats:
    sent_at: dict[str, float] = field(default_factory=dict)  # client_id -> send time
    acked: dict[str, int] = field(default_factory=dict)  # client_id -> message id
    channel_of_msg: dict[str, int] = field(default_factory=dict)
    deliveries: dict[tuple[int, str], int] = field(default_factory=lambda: defaultdict(int))
    latencies: list[float] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds while sending
    timeline: list[tuple[float, float]] = field(default_factory=list)  # (sent at, latency)
    warming: bool = False
    warm: set[str] = field(default_factory=set)  # client ids sent during the warm-up
    warm_latencies: list[float] = field(default_factory=list)


class Client:
    def __init__(self, index: int, port: int, session: str, channel_id: int, stats: Stats) -> None:
        self.index, self.port, self.session, self.channel_id = index, port, session, channel_id
        self.stats = stats
        self.ws: Any = None
        self.ready = asyncio.Event()

    async def connect(self) -> None:
        import websockets
        from django.conf import settings

        self.ws = await websockets.connect(
            f"ws://127.0.0.1:{self.port}/ws/",
            origin=f"http://127.0.0.1:{self.port}",
            additional_headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={self.session}"},
            max_queue=None,
            ping_interval=None,
        )
        await self.ws.send(
            json.dumps({"action": "subscribe", "topics": [f"chat:{self.channel_id}"]})
        )

    async def read(self) -> None:
        try:
            await self._read()
        except Exception as exc:  # connection lost: counted, the others go on
            self.stats.errors.append({"type": "connection lost", "error": repr(exc)})

    async def _read(self) -> None:
        stats = self.stats
        async for raw in self.ws:
            now = time.perf_counter()
            frame = json.loads(raw)
            kind = frame.get("type")
            if kind == "chat.message" and frame.get("op") == "created":
                client_id = frame.get("client_id")
                sent = stats.sent_at.get(client_id)
                key = (self.index, client_id)
                stats.deliveries[key] += 1
                if sent is not None and stats.deliveries[key] == 1:
                    if client_id in stats.warm:
                        stats.warm_latencies.append((now - sent) * 1000)
                    else:
                        stats.latencies.append((now - sent) * 1000)
                        stats.timeline.append((sent, (now - sent) * 1000))
            elif kind == "ack":
                stats.acked[frame["client_id"]] = frame["id"]
            elif kind == "subscribed":
                self.ready.set()
            elif kind == "error":
                stats.errors.append(frame)

    async def send(self, seq: int) -> None:
        client_id = str(uuid.uuid4())
        self.stats.channel_of_msg[client_id] = self.channel_id
        frame = json.dumps(
            {
                "action": "send",
                "channel": self.channel_id,
                "body": f"Nachricht {seq}",
                "client_id": client_id,
            }
        )
        if self.stats.warming:
            self.stats.warm.add(client_id)
        self.stats.sent_at[client_id] = time.perf_counter()
        try:
            await self.ws.send(frame)
        except Exception as exc:  # the server dropped this connection under load
            self.stats.sent_at.pop(client_id, None)
            self.stats.errors.append({"type": "send failed", "error": repr(exc)})


async def redis_floor(redis_url: str, samples: int = 2000) -> tuple[float, float]:
    """Bare Redis PUBLISH -> SUBSCRIBE round trip in ms (p50, p99)."""
    import redis.asyncio as aioredis

    publisher = aioredis.from_url(redis_url)
    subscriber = aioredis.from_url(redis_url)
    pubsub = subscriber.pubsub()
    channel = f"hanse-bench-floor-{uuid.uuid4().hex}"
    await pubsub.subscribe(channel)
    await pubsub.get_message(timeout=1)  # the subscribe confirmation
    results = []
    for _ in range(samples):
        start = time.perf_counter()
        await publisher.publish(channel, b"x")
        while True:
            message = await pubsub.get_message(timeout=1)
            if message and message["type"] == "message":
                break
        results.append((time.perf_counter() - start) * 1000)
    await pubsub.unsubscribe(channel)
    await pubsub.aclose()
    await publisher.aclose()
    await subscriber.aclose()
    return percentile(results, 50), percentile(results, 99)


def process_cpu_seconds(pid: int, *, kernel_only: bool = False) -> float:
    """User + system (or only system) CPU of one process so far (Linux /proc), 0 where
    unreadable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = int(fields[12]) if kernel_only else int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def machine_busy_seconds() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far, all cores (Linux /proc/stat)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    tick = os.sysconf("SC_CLK_TCK")
    return (sum(values) - idle) / tick, sum(values) / tick


def named_cpu_seconds(name: str) -> float:
    """CPU of all processes with this command name (PostgreSQL, Redis), including that of
    their ended children (the backends PostgreSQL closes and opens again during a run)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        if text[text.index("(") + 1 : text.rindex(")")] != name:
            continue
        fields = text.rsplit(")", 1)[1].split()
        # utime, stime, and the reaped children's cutime, cstime
        total += sum(int(value) for value in fields[11:15])
    return total / tick


def cpu_snapshot(server_pids: list[int]) -> dict[str, float]:
    busy, total = machine_busy_seconds()
    return {
        "generator": time.process_time(),
        "servers": sum(process_cpu_seconds(pid) for pid in server_pids),
        "servers (kernel)": sum(process_cpu_seconds(pid, kernel_only=True) for pid in server_pids),
        "postgres": named_cpu_seconds("postgres"),
        "redis": named_cpu_seconds("redis-server"),
        "machine busy": busy,
        "machine total": total,
    }


async def drive(
    args: argparse.Namespace, world: World, ports: list[int], server_pids: list[int]
) -> tuple[Stats, float]:
    stats = Stats()
    clients = [
        Client(n, ports[n % len(ports)], world.sessions[n], world.channel_of[n], stats)
        for n in range(len(world.sessions))
    ]
    # Connect in batches: a handshake storm of 500 at once is not what is measured.
    for start in range(0, len(clients), 50):
        await asyncio.gather(*(c.connect() for c in clients[start : start + 50]))
    readers = [asyncio.create_task(c.read()) for c in clients]
    await asyncio.wait_for(asyncio.gather(*(c.ready.wait() for c in clients)), timeout=60)
    print(f"{len(clients)} clients connected and subscribed", file=sys.stderr)

    # The generator's own garbage collector must not stall it: its tables grow by thousands
    # of entries a second, and a full collection over them takes a noticeable pause.
    gc.collect()
    gc.freeze()
    gc.disable()
    interval = 1 / args.rate
    if args.warmup > 0:
        # Servers that have just started fill caches, open database connections and compile
        # templates on their first messages; that is not what the target is about. The
        # warm-up messages are checked for losses and doubles like all others, and their
        # latency is reported on its own line.
        stats.warming = True
        await send_at_rate(clients, int(args.rate * args.warmup), interval, seq0=0)
        await asyncio.sleep(2)
        stats.warming = False
    total = int(args.rate * args.duration)
    cpu_before = cpu_snapshot(server_pids)
    began = time.perf_counter()
    await send_at_rate(clients, total, interval, seq0=int(args.rate * args.warmup))
    elapsed = time.perf_counter() - began
    cpu_after = cpu_snapshot(server_pids)
    stats.cpu = {name: cpu_after[name] - cpu_before[name] for name in cpu_before}
    stats.cpu["wall"] = elapsed
    stats.cpu["began"] = began
    # Let in-flight messages land.
    deadline = time.perf_counter() + args.drain
    while time.perf_counter() < deadline:
        await asyncio.sleep(0.25)
    for task in readers:
        task.cancel()
    await asyncio.gather(*(c.ws.close() for c in clients), return_exceptions=True)
    gc.enable()
    return stats, elapsed


async def send_at_rate(clients: list[Client], count: int, interval: float, seq0: int) -> None:
    """Send ``count`` messages, one every ``interval`` seconds, each from the next client."""
    began = time.perf_counter()
    for n in range(count):
        target = began + n * interval
        delay = target - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        seq = seq0 + n
        await clients[seq % len(clients)].send(seq)


def cpu_share(cpu: dict[str, float], name: str) -> str:
    """CPU seconds per second of sending, in per cent of one core."""
    wall = cpu.get("wall") or 1.0
    return f"{100 * cpu.get(name, 0.0) / wall:.0f} % of one core"


def machine_share(cpu: dict[str, float]) -> str:
    total = cpu.get("machine total") or 1.0
    return f"{100 * cpu.get('machine busy', 0.0) / total:.0f} % of all cores (any process)"


def print_timeline(stats: Stats) -> None:
    """Latency p50/p99/max per second of sending: shows warm-up and stalls."""
    by_second: dict[int, list[float]] = defaultdict(list)
    for sent, latency in stats.timeline:
        by_second[int(sent - stats.cpu.get("began", 0.0))].append(latency)
    print("second | deliveries | p50 ms | p99 ms | max ms")
    for second in sorted(by_second):
        values = by_second[second]
        print(
            f"{second:6d} | {len(values):10d} | {percentile(values, 50):6.1f} | "
            f"{percentile(values, 99):6.1f} | {max(values):6.1f}"
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument(
        "--redis-url", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/13")
    )
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--servers", type=int, default=2)
    parser.add_argument("--channels", type=int, default=20)
    parser.add_argument("--rate", type=float, default=200, help="messages per second")
    parser.add_argument("--duration", type=float, default=60, help="seconds of sending")
    parser.add_argument(
        "--warmup",
        type=float,
        default=5,
        help="seconds of sending at the same rate before the measured part (0: none)",
    )
    parser.add_argument("--drain", type=float, default=5, help="seconds to wait for stragglers")
    parser.add_argument("--keep", action="store_true", help="keep the people and channels")
    parser.add_argument(
        "--deflate",
        action="store_true",
        help="let the servers compress frames (permessage-deflate); docs/realtime.md: off",
    )
    parser.add_argument(
        "--timeline", action="store_true", help="print latency per second of sending"
    )
    args = parser.parse_args(argv)
    if not args.database_url.startswith("postgres"):
        parser.error("--database-url must be PostgreSQL (several processes share it)")
    configure(args.database_url, args.redis_url)

    world = build_world(args.clients, args.channels)
    vacuum()
    servers = start_servers(args.servers, deflate=args.deflate)
    try:
        floor_p50, floor_p99 = asyncio.run(redis_floor(args.redis_url))
        stats, elapsed = asyncio.run(
            drive(args, world, [port for _p, port in servers], [p.pid for p, _port in servers])
        )
    finally:
        for process, _port in servers:
            process.terminate()
        for process, _port in servers:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        if not args.keep:
            remove_world(world)

    sent = len(stats.sent_at)
    acked = len(stats.acked)
    expected = sum(len(world.members[stats.channel_of_msg[c]]) for c in stats.acked)
    # Only deliveries of acknowledged messages to members of their channel count: a frame
    # that reached someone else, or a message never acknowledged, must not make up for one
    # that was lost.
    members_of = {channel: set(indexes) for channel, indexes in world.members.items()}
    received_once = sum(
        1
        for (index, client_id), count in stats.deliveries.items()
        if count >= 1
        and client_id in stats.acked
        and index in members_of.get(stats.channel_of_msg.get(client_id, -1), ())
    )
    strays = sum(
        1
        for (index, client_id) in stats.deliveries
        if index not in members_of.get(stats.channel_of_msg.get(client_id, -1), ())
    )
    duplicated = sum(count - 1 for count in stats.deliveries.values() if count > 1)
    lost = expected - received_once
    p50, p99 = percentile(stats.latencies, 50), percentile(stats.latencies, 99)
    rows = [
        ("clients / servers / channels", f"{args.clients} / {args.servers} / {args.channels}"),
        (
            "messages sent (target rate)",
            f"{sent - len(stats.warm)} in {elapsed:.1f} s ({args.rate:g}/s)"
            f" after {len(stats.warm)} in {args.warmup:g} s of warm-up",
        ),
        ("messages acknowledged (warm-up included)", f"{acked} of {sent}"),
        ("deliveries expected", f"{expected}"),
        ("deliveries lost", f"{lost}"),
        ("deliveries duplicated", f"{duplicated}"),
        ("errors", f"{len(stats.errors)}"),
        ("delivery latency p50", f"{p50:.1f} ms"),
        ("delivery latency p99", f"{p99:.1f} ms (target <= {TARGET_P99_MS:g} ms)"),
        ("delivery latency max", f"{max(stats.latencies, default=0):.1f} ms"),
        (
            "warm-up latency p50 / p99 / max",
            f"{percentile(stats.warm_latencies, 50):.1f} / "
            f"{percentile(stats.warm_latencies, 99):.1f} / "
            f"{max(stats.warm_latencies, default=0):.1f} ms",
        ),
        ("Redis publish->receive p50 (floor)", f"{floor_p50:.2f} ms"),
        ("Redis publish->receive p99 (floor)", f"{floor_p99:.2f} ms"),
        ("frame compression (permessage-deflate)", "on" if args.deflate else "off"),
        ("CPU cores", f"{os.cpu_count()}"),
        ("CPU while sending: load generator", cpu_share(stats.cpu, "generator")),
        (
            "CPU while sending: servers",
            f"{cpu_share(stats.cpu, 'servers')}, of it in the kernel "
            f"{cpu_share(stats.cpu, 'servers (kernel)')}",
        ),
        (
            "CPU while sending: servers, per message sent",
            f"{1000 * stats.cpu.get('servers', 0.0) / max(1, sent - len(stats.warm)):.2f} ms",
        ),
        ("CPU while sending: PostgreSQL", cpu_share(stats.cpu, "postgres")),
        ("CPU while sending: Redis", cpu_share(stats.cpu, "redis")),
        ("CPU while sending: whole machine", machine_share(stats.cpu)),
    ]
    # Every message asked for must have been sent, acknowledged and delivered exactly once
    # to every member, without an error frame: otherwise the latencies are those of the
    # messages that happened to get through.
    ledger = Ledger()
    ledger.measured("messages sent", sent - len(stats.warm), int(args.rate * args.duration))
    ledger.measured("messages acknowledged", acked, sent)
    ledger.measured("deliveries received", received_once, expected)
    if duplicated:
        ledger.fail(f"deliveries duplicated: {duplicated}")
    if strays:
        ledger.fail(f"deliveries to people outside the message's channel: {strays}")
    for error in stats.errors:
        ledger.answered(
            "WebSocket frames and connections", str(error.get("code") or error.get("type")), ()
        )

    def print_figures() -> bool:
        width = max(len(name) for name, _ in rows)
        print()
        print(f"{'measure'.ljust(width)} | value")
        print(f"{'-' * width}-|-{'-' * 40}")
        for name, value in rows:
            print(f"{name.ljust(width)} | {value}")
        if args.timeline:
            print_timeline(stats)
        ok = p99 <= TARGET_P99_MS
        print()
        print("PASS" if ok else "MISSED: see the figures above")
        return ok

    status = ledger.report(print_figures)
    if not ledger.trusted:
        # No latency and no PASS; what the machine did meanwhile helps to tell why.
        print("\nfor diagnosis only (not figures of this bench):")
        for name, value in rows:
            if name.startswith(("messages", "CPU", "deliveries", "errors")):
                print(f"  {name}: {value}")
    return status


if __name__ == "__main__":
    sys.exit(main())
