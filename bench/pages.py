"""Client-observed latency over HTTP: the pages a person waits for, on uvicorn as ``make run``.

    .venv/bin/python -m bench.pages --database-url postgres://postgres@127.0.0.1:5432/hanse_bench \
        [--redis-url redis://127.0.0.1:6379/13] [--viewers 8] [--requests 200]
        [--concurrency 1 8] [--servers 1]

Starts ``--servers`` uvicorn processes with the command line of ``make run`` and the deploy
docs (production-like settings, as bench.feed: DEBUG off, hashed static files), logs in
``--viewers`` people (a fresh session each, as after a login), and for each concurrency asks,
round robin from all viewers and over the servers: ``/``, ``/feed/``, a community of the viewer,
a colleague's profile and ``/api/v1/feed``. Every answer must be a 200 and every request asked
for must be measured (bench.honesty); then it prints p50/p90/p99, requests per second and
errors per page and concurrency. The first round of each viewer (a first look: no card cached)
is part of the figures, as it is of a person's day.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from typing import Any

from bench.honesty import Ledger, percentile
from bench.http import Load, Server, child_env, drive, session_for, start_uvicorn

TARGETS = {"/": (30.0, 80.0)}  # p50, p99 at concurrency 1 (issue 13, on "large")


def targets_for(viewers: Sequence[Any]) -> list[tuple[str, str, str]]:
    from hanse.communities.models import Membership
    from hanse.people.models import User

    targets = []
    for viewer in viewers:
        session = session_for(viewer)
        membership = (
            Membership.objects.filter(user=viewer).select_related("community").order_by("id")
        ).first()
        others = User.objects.filter(is_active=True).exclude(pk=viewer.pk)
        colleague = others.filter(pk__gt=viewer.pk).order_by("pk").first() or others.first()
        targets.append(("/", "/", session))
        targets.append(("/feed/", "/feed/", session))
        if membership is not None:
            targets.append(("community", f"/communities/{membership.community.slug}/", session))
        if colleague is not None:
            targets.append(("profile", f"/people/{colleague.username}/", session))
        targets.append(("/api/v1/feed", "/api/v1/feed", session))
    return targets


def measure(
    servers: Sequence[Server],
    targets: list[tuple[str, str, str]],
    concurrency: int,
    requests: int,
    ledger: Ledger,
) -> Load:
    """Spread the requests over the servers: one load generator per server."""
    from concurrent.futures import ThreadPoolExecutor

    share = [requests // len(servers) + (1 if i < requests % len(servers) else 0)
             for i in range(len(servers))]  # fmt: skip
    with ThreadPoolExecutor(len(servers)) as pool:
        loads = list(
            pool.map(
                lambda pair: drive(
                    pair[0].base_url, targets, concurrency=max(1, concurrency // len(servers)),
                    ledger=ledger, total=pair[1],
                ),
                zip(servers, share, strict=True),
            )
        )  # fmt: skip
    total = Load()
    for load in loads:
        for label, values in load.latencies.items():
            total.latencies[label].extend(values)
        total.requests += load.requests
        total.errors += load.errors
        total.elapsed = max(total.elapsed, load.elapsed)
    ledger.measured(f"requests at concurrency {concurrency}", total.requests, requests)
    return total


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", ""))
    parser.add_argument("--viewers", type=int, default=8)
    parser.add_argument("--requests", type=int, default=200, help="per concurrency")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8])
    parser.add_argument("--servers", type=int, default=1)
    args = parser.parse_args(argv)

    from bench.feed import configure, ensure_static, pick_viewers

    if args.redis_url:
        os.environ["REDIS_URL"] = args.redis_url
    configure(args.database_url)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    ensure_static()
    viewers = pick_viewers(args.viewers, 1)
    ledger = Ledger()
    ledger.measured("viewers", len(viewers), args.viewers)
    targets = targets_for(viewers)
    env = child_env()
    servers = [start_uvicorn(env, name="hanse-bench-pages") for _ in range(args.servers)]
    try:
        results = [
            (concurrency, measure(servers, targets, concurrency, args.requests, ledger))
            for concurrency in args.concurrency
        ]
    finally:
        for server in servers:
            server.stop()

    def print_figures() -> bool:
        ok = True
        print()
        print(f"{args.servers} server process(es), {len(viewers)} viewers")
        print("| concurrency | page | requests | p50 ms | p90 ms | p99 ms | requests/s | errors |")
        print("|---|---|---|---|---|---|---|---|")
        for concurrency, load in results:
            rate = load.requests / load.elapsed if load.elapsed else 0.0
            for label in sorted(load.latencies):
                values = load.latencies[label]
                p50, p90, p99 = (percentile(values, p) for p in (50, 90, 99))
                print(
                    f"| {concurrency} | {label} | {len(values)} | {p50:.1f} | {p90:.1f} | "
                    f"{p99:.1f} | - | - |"
                )
                if concurrency == 1 and label in TARGETS:
                    ok = ok and p50 <= TARGETS[label][0] and p99 <= TARGETS[label][1]
            values = load.all_latencies
            print(
                f"| {concurrency} | all | {load.requests} | {percentile(values, 50):.1f} | "
                f"{percentile(values, 90):.1f} | {percentile(values, 99):.1f} | {rate:.1f} | "
                f"{load.errors} |"
            )
        target = ", ".join(f"{k} p50 <= {a:g} ms, p99 <= {b:g} ms" for k, (a, b) in TARGETS.items())
        print()
        print(f"{'PASS' if ok else 'MISSED'}: at concurrency 1 {target}")
        return ok

    return ledger.report(print_figures)


if __name__ == "__main__":
    sys.exit(main())
