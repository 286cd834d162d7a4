"""Server-time benchmark of search: queries, suggestions, reindex, and how soon a new post is
found with the worker running.

    .venv/bin/python -m bench.search --database-url sqlite:////tmp/hanse-search.db --size bank
    .venv/bin/python -m bench.search \
        --database-url postgres://postgres@127.0.0.1:5432/hanse_search --size mid [--redis-url redis://127.0.0.1:6379/6]

Queries go through the selectors (``hanse.search.selectors.search`` and ``suggest``: parsing,
permission scopes, the engine, visible_to and the live check of every hit, counts per type),
in-process, so the figures are the server's time without the network and the page render.
Two-word queries are two words of one random post (so they have results); viewers are the
members of the most and of the fewest communities. The run reindexes everything first
(documents per second). See bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from bench.feed import Row, configure, ensure_data, timed
from bench.honesty import Ledger, percentile

TARGETS = {
    "sqlite": {"query_p50": 20.0, "query_p99": 20.0, "suggest_p99": 30.0},
    "postgresql": {"query_p50": 20.0, "query_p99": 60.0, "suggest_p99": 30.0},
    "reindex_per_s": 5000.0,
    "findable_s": 2.0,
}
WORD = re.compile(r"[A-Za-zÄÖÜäöüß]{5,}")


def viewers() -> dict[str, Any]:
    """The members of the most and of the fewest communities (at least one)."""
    from django.db.models import Count

    from hanse.people.models import User

    active = User.objects.filter(is_active=True, is_superuser=False).annotate(
        n=Count("memberships")
    )
    many = active.order_by("-n", "id").first()
    few = active.filter(n__gte=1).order_by("n", "id").first()
    chosen = {}
    if many is not None:
        chosen[f"many ({many.n} communities)"] = many
    if few is not None:
        chosen[f"few ({few.n} communities)"] = few
    return chosen


def queries(count: int, seed: int) -> tuple[list[str], list[str]]:
    """Two-word queries and typed prefixes, from the words of random posts."""
    from hanse.posts.models import Post

    rng = random.Random(seed)
    top = Post.objects.order_by("-id").values_list("id", flat=True).first() or 0
    two_words: list[str] = []
    prefixes: list[str] = []
    attempts = 0
    while len(two_words) < count and attempts < count * 50:
        attempts += 1
        post = Post.objects.filter(id__gte=rng.randint(1, max(1, top))).order_by("id").first()
        if post is None:
            continue
        words = list(dict.fromkeys(WORD.findall(post.body)))
        if len(words) < 2:
            continue
        first, second = rng.sample(words, 2)
        two_words.append(f"{first} {second}")
        prefixes.append(first[: rng.randint(3, min(6, len(first)))])
    return two_words, prefixes


def measure(
    ledger: Ledger, what: str, calls: Sequence[Callable[[], Any]], warmup: int
) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds of each call (CPU time of this process: on SQLite the
    whole work, on PostgreSQL without the database server's share)."""
    samples: list[float] = []
    cpu: list[float] = []
    for i, call in enumerate(list(calls[:warmup]) + list(calls)):
        cpu_started = time.process_time()
        ms, result = timed(call)
        cpu_ms = (time.process_time() - cpu_started) * 1000
        ok = result is not None and getattr(result, "message", None) in (None, "")
        got = "ok" if ok else f"message: {getattr(result, 'message', None)}"
        ledger.answered(what, got, ("ok",))
        if i >= warmup:
            samples.append(ms)
            cpu.append(cpu_ms)
    ledger.measured(what, len(samples), len(calls))
    return samples, cpu


def note(text: str) -> None:
    """A figure as soon as it is known (a long run that is stopped keeps what it measured)."""
    print(f"  .. {text}", flush=True)


def reindex() -> tuple[int, float]:
    from hanse.core import searchable
    from hanse.search.index import reindex_type

    started = time.perf_counter()
    written = sum(reindex_type(stype) for stype in searchable.all_types())
    return written, time.perf_counter() - started


def findable(ledger: Ledger, author: Any, times: int, timeout: float) -> list[float]:
    """Seconds from a post's commit until search finds it, with a worker process running."""
    from django.db import transaction
    from django.utils import timezone

    from hanse.posts.services.posts import post_create
    from hanse.search.selectors import SearchQuery, search

    env = dict(os.environ)
    worker = subprocess.Popen(  # our own manage.py, fixed arguments
        [sys.executable, "manage.py", "hanse_worker"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    samples: list[float] = []
    try:
        # Measure only once the worker runs (its first heartbeat), on a busy machine too.
        from hanse.jobs.models import Heartbeat

        started = timezone.now()
        deadline = time.monotonic() + 120
        while (
            time.monotonic() < deadline
            and not Heartbeat.objects.filter(
                role=Heartbeat.Role.WORKER, seen_at__gte=started
            ).exists()
        ):
            time.sleep(0.5)
        time.sleep(2)  # and has taken what was waiting
        for n in range(times):
            word = f"Benchfund{os.getpid()}x{n}x{random.randint(0, 10**9)}"
            with transaction.atomic():
                post_create(author=author, body=f"{word} neu im Stream")
            committed = time.perf_counter()
            found = False
            while time.perf_counter() - committed < timeout:
                if search(user=author, query=SearchQuery(text=word + " ")).hits:
                    found = True
                    break
                time.sleep(0.02)
            ledger.answered("findable", found, (True,))
            if found:
                samples.append(time.perf_counter() - committed)
    finally:
        worker.terminate()
        worker.wait(timeout=10)
    ledger.measured("findable", len(samples), times)
    return samples


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--redis-url", default="")
    parser.add_argument("--size", default="bank", choices=("small", "bank", "mid", "large"))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip-seed", action="store_true")
    parser.add_argument("--skip-reindex", action="store_true")
    parser.add_argument("--requests", type=int, default=200, help="timed queries per figure")
    parser.add_argument("--findable", type=int, default=10, help="new posts to wait for")
    parser.add_argument("--only-findable", action="store_true", help="skip the query figures")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.redis_url:
        os.environ["REDIS_URL"] = args.redis_url
    configure(args.database_url)
    ensure_data(args.size, args.seed, args.skip_seed)
    from django.db import connection

    from hanse.search.models import SearchDocument
    from hanse.search.selectors import SearchQuery, search, suggest

    vendor = connection.vendor
    targets = TARGETS[vendor]
    assert isinstance(targets, dict)
    ledger = Ledger()
    rows: list[Row] = []

    if not args.skip_reindex or not SearchDocument.objects.exists():
        written, seconds = reindex()
        rate = written / max(seconds, 1e-9)
        rows.append(
            Row(
                "reindex documents/s",
                f">= {TARGETS['reindex_per_s']:.0f}",
                f"{rate:.0f} ({written} in {seconds:.1f} s)",
                rate >= float(TARGETS["reindex_per_s"]),  # type: ignore[arg-type]
            )
        )
        note(f"reindex: {rows[-1].measured}")
    two_words, prefixes = queries(args.requests, args.seed)
    if len(two_words) < args.requests:
        ledger.fail(f"only {len(two_words)} two-word queries could be drawn from the posts")
    people = viewers()
    if not people:
        ledger.fail("no viewer with a community")
    warmup = min(20, args.requests)
    for label, user in people.items() if not args.only_findable else ():
        for sort in ("relevance", "newest"):
            calls: list[Callable[[], Any]] = [
                partial(search, user=user, query=SearchQuery(text=text, sort=sort))
                for text in two_words
            ]
            samples, cpu = measure(ledger, f"query {sort} {label}", calls, warmup)
            p50, p99 = percentile(samples, 50), percentile(samples, 99)
            rows.append(
                Row(
                    f"two words, {sort}, member of {label}: p50 / p99 ms",
                    f"<= {targets['query_p50']:.0f} / {targets['query_p99']:.0f}",
                    f"{p50:.1f} / {p99:.1f}",
                    p50 <= targets["query_p50"] and p99 <= targets["query_p99"],
                )
            )
            cpu_figure = f"{percentile(cpu, 50):.1f} / {percentile(cpu, 99):.1f}"
            rows.append(Row("  the same, CPU time of this process", "-", cpu_figure, None))
            note(f"{rows[-2].name}: {rows[-2].measured} (CPU {cpu_figure})")
        typed: list[Callable[[], Any]] = [
            partial(suggest, user=user, text=text) for text in prefixes
        ]
        samples, cpu = measure(ledger, f"suggest {label}", typed, warmup)
        p99 = percentile(samples, 99)
        cpu_figure = f"{percentile(cpu, 50):.1f} p50 / {percentile(cpu, 99):.1f}"
        wall = f"p50 {percentile(samples, 50):.1f} p99 {p99:.1f} ms"
        note(f"suggestions {label}: {wall} (CPU {cpu_figure})")
        rows.append(
            Row(
                f"suggestions, member of {label}: p99 ms",
                f"<= {targets['suggest_p99']:.0f}",
                f"{percentile(samples, 50):.1f} p50 / {p99:.1f}",
                p99 <= targets["suggest_p99"],
            )
        )
    hits = [
        len(search(user=u, query=SearchQuery(text=t)).hits)
        for u in people.values()
        for t in two_words[: 0 if args.only_findable else 50]
    ]
    rows.append(
        Row(
            "queries with results (of the first 50, per viewer)",
            "-",
            f"{sum(1 for h in hits if h)} of {len(hits)}",
            None,
        )
    )

    if args.findable and people:
        author = next(iter(people.values()))
        samples = findable(ledger, author, args.findable, timeout=10.0)
        note(f"findable: {[round(x, 2) for x in samples]}")
        worst = max(samples) if samples else 0.0
        rows.append(
            Row(
                "new post findable (worker running): p50 / max s",
                f"<= {TARGETS['findable_s']:.0f}",
                f"{percentile(samples, 50):.2f} / {worst:.2f}",
                worst <= float(TARGETS["findable_s"]),  # type: ignore[arg-type]
            )
        )

    def print_figures() -> bool:
        documents = SearchDocument.objects.count()
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"\nSearch bench: {vendor}, size {args.size}, {documents} documents")
        print(f"Load average at the end (1, 5, 15 min): {load} on {os.cpu_count()} CPUs")
        width = max(len(r.name) for r in rows)
        for r in rows:
            print(f"  {r.name:<{width}}  {r.target:>12}  {r.measured:>24}  {r.verdict}")
        return all(r.ok is not False for r in rows)

    return ledger.report(print_figures)


if __name__ == "__main__":
    sys.exit(main())
