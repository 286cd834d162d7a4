"""The working day (bench/locustfile.py) against two app processes behind nginx (the shipped
deploy/nginx.conf, TLS) with the worker and the scheduler on PostgreSQL and Redis, stepping
the number of people, each step a locust run of its own:

    .venv/bin/python -m bench.locust_run \\
        --database-url postgres://postgres@127.0.0.1:5432/hanse_bench_locust \\
        --redis-url redis://127.0.0.1:6379/4 [--steps 5,10,20,40] [--step-seconds 30]

The deployment is bench.load's (same fresh database and Redis database, same SETUP of people,
same process start-up); nginx is bench/nginx.py's rendering of deploy/nginx.conf. For each step
it prints requests per second, p50/p99 (all requests, and per action), failures, the CPU each
part used (both web processes, worker, scheduler, nginx, locust itself, the PostgreSQL backends
of this database, redis-server) and the most PostgreSQL connections. At the end: the highest
rate whose p99 stayed under 200 ms, what was busiest at the first step above it, and whether
every write locust saw succeed is in the database (rows counted before and after; each id in
the ledger looked up). A lost write fails the run (exit 2, through bench.honesty.Ledger).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import load
from bench import nginx as nginx_stack
from bench.honesty import Ledger

P99_TARGET_MS = 200.0
TABLES = {
    "posts": "posts_post",
    "comments": "posts_comment",
    "reactions": "posts_reaction",
    "messages": "chat_message",
}


@dataclass
class Step:
    users: int
    requests: int = 0
    failures: int = 0
    rps: float = 0.0
    p50: float = 0.0
    p99: float = 0.0
    per_name: dict[str, tuple[int, int, float, float]] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)
    pg_connections: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)


class Sampler:
    """CPU per part (percent of one core, averaged over the step) and PostgreSQL connections,
    sampled every second on a connection of its own."""

    def __init__(self, parts: dict[str, list[int]], conninfo: str, database: str) -> None:
        import psutil
        import psycopg

        self.psutil = psutil
        self.parts = parts
        self.database = database
        self.db = psycopg.connect(conninfo, autocommit=True, application_name="bench-sampler")
        self._stop = threading.Event()
        self.cpu_seconds: dict[str, float] = defaultdict(float)
        self.peak_connections = 0
        self._last: dict[int, float] = {}
        self._thread: threading.Thread | None = None
        self.started_at = time.monotonic()
        self.machine_before = psutil.cpu_times()

    def _backends(self) -> list[int]:
        rows = self.db.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [self.database],
        ).fetchall()
        self.peak_connections = max(self.peak_connections, len(rows))
        return [pid for (pid,) in rows]

    def _cpu(self, pid: int) -> float:
        try:
            times = self.psutil.Process(pid).cpu_times()
        except (self.psutil.NoSuchProcess, self.psutil.AccessDenied):
            return self._last.get(pid, 0.0)
        return float(times.user + times.system)

    def _tick(self) -> None:
        groups = {**self.parts, "postgres": self._backends()}
        for part, pids in groups.items():
            for pid in pids:
                now = self._cpu(pid)
                if pid in self._last:
                    self.cpu_seconds[part] += max(0.0, now - self._last[pid])
                self._last[pid] = now

    def _run(self) -> None:
        while not self._stop.wait(1.0):
            self._tick()

    def start(self) -> None:
        """Count from now (again, when it was counting: the arrivals are left out)."""
        if self._thread is not None:
            self._stop.set()
            self._thread.join()
        self.started_at = time.monotonic()
        self.machine_before = self.psutil.cpu_times()
        self.cpu_seconds.clear()
        self.peak_connections = 0
        self._last.clear()
        self._tick()
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def stop(self, seconds: float) -> tuple[dict[str, float], int]:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self._tick()
        return (
            {part: 100 * used / seconds for part, used in self.cpu_seconds.items()},
            self.peak_connections,
        )


def count_rows(conninfo: str) -> dict[str, int]:
    import psycopg

    with psycopg.connect(conninfo) as db:
        return {
            key: int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])  # type: ignore[index]  # noqa: S608  # fixed names
            for key, table in TABLES.items()
        }


def missing_writes(conninfo: str, ledger: dict[str, list[Any]]) -> dict[str, int]:
    """How many writes locust saw succeed are not in the database."""
    import psycopg

    missing: dict[str, int] = {}
    with psycopg.connect(conninfo) as db:
        for key in ("posts", "comments", "messages"):
            ids = sorted(set(ledger[key]))
            found = db.execute(
                f"SELECT count(*) FROM {TABLES[key]} WHERE id = ANY(%s)",  # noqa: S608  # fixed names
                [ids],
            ).fetchone()
            missing[key] = len(ids) - int(found[0])  # type: ignore[index]
        triples = {tuple(t) for t in ledger["reactions"]}
        lost = 0
        for username, post_id, kind in triples:
            row = db.execute(
                "SELECT 1 FROM posts_reaction r JOIN people_user u ON u.id = r.user_id "
                "WHERE u.username = %s AND r.post_id = %s AND r.kind = %s",
                [username, post_id, kind],
            ).fetchone()
            lost += row is None
        missing["reactions"] = lost
    return missing


def run_step(
    *,
    users: int,
    seconds: float,
    origin: str,
    ca: Path,
    data_file: Path,
    out: Path,
    wait: str,
    spawn_rate: float = 0.0,
    sampler: Sampler | None = None,
) -> tuple[Step, dict[str, list[Any]]]:
    """One locust run of ``users`` people. They arrive ``spawn_rate`` per second (0: all in the
    first second); the figures count from the moment the last one arrived (locust's
    --reset-stats), for ``seconds``: the steady state of that many people, not their arrival."""
    rate = spawn_rate if spawn_rate > 0 else max(users, 1)
    arriving = users / rate
    prefix = out / f"step-{users}"
    ledger_file = out / f"ledger-{users}.json"
    env = {
        **os.environ,
        "HANSE_LOCUST_DATA": str(data_file),
        "HANSE_LOCUST_CA": str(ca),
        "HANSE_LOCUST_LEDGER": str(ledger_file),
        "HANSE_LOCUST_WAIT": wait,
    }
    process = subprocess.Popen(  # noqa: S603  # our own interpreter and arguments
        [
            sys.executable, "-m", "locust", "-f", str(load.BASE_DIR / "bench" / "locustfile.py"),
            "--headless", "--users", str(users), "--spawn-rate", str(rate), "--reset-stats",
            "--run-time", f"{int(seconds + arriving)}s", "--host", origin, "--csv", str(prefix),
            "--only-summary", "--stop-timeout", "10", "--loglevel", "WARNING",
        ],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    counting: threading.Timer | None = None
    if sampler is not None:
        sampler.parts["locust"] = [process.pid]
        # CPU is counted over the same span as the requests: from the last arrival.
        counting = threading.Timer(arriving, sampler.start)
        counting.start()
    try:
        _out, stderr = process.communicate(timeout=seconds + arriving + 120)
    finally:
        if counting is not None:
            counting.cancel()
        if process.poll() is None:
            process.kill()
    step = Step(users)
    stats = Path(f"{prefix}_stats.csv")
    if not stats.exists():
        step.errors.append(f"locust wrote no statistics: {stderr[-2000:]}")
        return step, {"posts": [], "comments": [], "reactions": [], "messages": []}
    with stats.open() as handle:
        for row in csv.DictReader(handle):
            entry = (
                int(row["Request Count"]),
                int(row["Failure Count"]),
                float(row["50%"] or 0),
                float(row["99%"] or 0),
            )
            if row["Name"] == "Aggregated":
                step.requests, step.failures = entry[0], entry[1]
                step.rps = float(row["Requests/s"])
                step.p50, step.p99 = entry[2], entry[3]
            else:
                step.per_name[row["Name"]] = entry
    failures = Path(f"{prefix}_failures.csv")
    if failures.exists():
        with failures.open() as handle:
            step.errors += [
                f"{r['Occurrences']}x {r['Method']} {r['Name']}: {r['Error'][:160]}"
                for r in csv.DictReader(handle)
            ]
    ledger = json.loads(ledger_file.read_text()) if ledger_file.exists() else {}
    return step, ledger


def print_step(step: Step) -> None:
    cpu = ", ".join(f"{part} {value:.0f}%" for part, value in sorted(step.cpu.items()))
    print(
        f"\n{step.users} people: {step.requests} requests, {step.rps:.1f}/s, "
        f"p50 {step.p50:.0f} ms, p99 {step.p99:.0f} ms, {step.failures} failed; "
        f"PostgreSQL connections at most {step.pg_connections}"
    )
    print(f"  CPU (100% = one core): {cpu}")
    if step.requests and step.seconds:
        cost = {
            part: 10 * step.cpu.get(part, 0) * step.seconds / step.requests
            for part in ("web", "worker", "postgres", "nginx")
        }
        web = cost.pop("web")
        print(
            f"  CPU ms per request: web {web:.0f}, "
            + ", ".join(f"{part} {value:.0f}" for part, value in cost.items())
        )
    print(f"  {'action':<22}{'n':>6}{'failed':>8}{'p50 ms':>9}{'p99 ms':>9}")
    for name, (n, failed, p50, p99) in sorted(step.per_name.items()):
        print(f"  {name:<22}{n:>6}{failed:>8}{p50:>9.0f}{p99:>9.0f}")
    for error in step.errors[:10]:
        print(f"  error: {error}")


def main(argv: Sequence[str] | None = None) -> int:  # one run, told in order
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--database-url", required=True, help="dropped and created again")
    parser.add_argument("--redis-url", required=True, help="emptied")
    parser.add_argument("--steps", default="5,10,20,40", help="people per step")
    parser.add_argument("--step-seconds", type=float, default=30.0)
    parser.add_argument("--wait", default="1,3", help="seconds between a person's actions")
    parser.add_argument(
        "--web-processes",
        type=int,
        default=2,
        help="uvicorn processes behind nginx (the deployment guide's two by default)",
    )
    parser.add_argument(
        "--spawn-rate",
        type=float,
        default=5.0,
        help="people arriving per second at the start of a step (0: all at once); the figures "
        "count from the last arrival",
    )
    parser.add_argument("--pool-max", type=int, default=10)
    parser.add_argument("--log-dir", type=Path, default=None)
    args = parser.parse_args(argv)
    if not args.database_url.startswith("postgres"):
        parser.error("--database-url must be PostgreSQL")
    if nginx_stack.nginx_binary() is None:
        parser.error("nginx is not installed (apt-get install nginx-light)")
    steps = [int(s) for s in args.steps.split(",")]
    log_dir = args.log_dir or Path(os.environ.get("TMPDIR", "/tmp")) / f"hanse-locust-{os.getpid()}"  # noqa: S108
    limits = load.Limits(pool_min=2, pool_max=args.pool_max, max_idle=5)
    deployment = load.prepare(
        database_url=args.database_url, redis_url=args.redis_url, users=max(steps),
        limits=limits, log_dir=log_dir, TRUSTED_PROXIES="127.0.0.1,::1",
    )  # fmt: skip
    data = {**deployment.data, "topic": f"chat:{deployment.data['channel']}"}
    data_file = log_dir / "people.json"
    data_file.write_text(json.dumps(data))
    honesty = Ledger()
    results: list[Step] = []
    proxy: nginx_stack.Nginx | None = None
    sampler: Sampler | None = None
    writes: dict[str, list[Any]] = defaultdict(list)
    before: dict[str, int] = {}
    after: dict[str, int] = {}
    missing: dict[str, int] = {}
    try:
        load.start(deployment, web_processes=args.web_processes)
        static_root = Path(deployment.env["STATIC_ROOT"])
        proxy = nginx_stack.start(
            [s.port for s in deployment.servers], log_dir / "nginx", static_root
        )
        import psutil

        redis_pids = [
            p.pid for p in psutil.process_iter(["name"]) if p.info["name"] == "redis-server"
        ]
        parts = {
            # Every web process together (100 % = one core).
            "web": [server.process.pid for server in deployment.servers],
            "worker": [deployment.others[0].pid],
            "scheduler": [deployment.others[1].pid],
            "nginx": [
                proxy.process.pid,
                *[c.pid for c in psutil.Process(proxy.process.pid).children()],
            ],
            "redis (shared)": redis_pids,
        }
        database = deployment.conninfo.rsplit("/", 1)[1]
        sampler = Sampler(parts, deployment.conninfo, database)
        # Warm-up (not measured): templates, pools, the first WebSockets.
        run_step(
            users=2, seconds=10, origin=proxy.origin, ca=proxy.cert, data_file=data_file,
            out=log_dir, wait=args.wait,
        )  # fmt: skip
        time.sleep(3)
        before = count_rows(deployment.conninfo)
        print(f"load average of the machine before the steps: {os.getloadavg()}")
        for users in steps:
            sampler.start()
            step, ledger = run_step(
                users=users, seconds=args.step_seconds, origin=proxy.origin, ca=proxy.cert,
                data_file=data_file, out=log_dir, wait=args.wait, spawn_rate=args.spawn_rate,
                sampler=sampler,
            )  # fmt: skip
            step.seconds = time.monotonic() - sampler.started_at
            step.cpu, step.pg_connections = sampler.stop(step.seconds)
            busy = psutil.cpu_times()
            total = sum(busy) - sum(sampler.machine_before)
            idle = busy.idle - sampler.machine_before.idle
            step.cpu["machine (of 200%)"] = 200 * (1 - idle / total) if total else 0
            for key, values in ledger.items():
                writes[key] += values
            results.append(step)
            print_step(step)
            sys.stdout.flush()
        # The worker's tasks (notifications) finish; the writes are in already.
        time.sleep(5)
        after = count_rows(deployment.conninfo)
        missing = missing_writes(deployment.conninfo, writes)
        for process in deployment.others:
            if process.poll() is not None:
                honesty.fail(f"{process.args[-1]} exited during the load (see {log_dir})")
    finally:
        if sampler is not None:
            sampler.db.close()
        if proxy is not None:
            proxy.stop()
        load.stop(deployment)
    for key, lost in missing.items():
        if lost:
            honesty.fail(f"{lost} {key} answered as written are not in the database")
    for key in ("posts", "comments", "messages"):
        grown = after.get(key, 0) - before.get(key, 0)
        if grown < len(set(writes[key])):
            honesty.fail(f"{key}: {grown} new rows for {len(set(writes[key]))} acknowledged")
    for server in deployment.servers:
        if "Traceback" in server.log_text():
            honesty.fail(f"{server.log} holds a traceback")

    def summary() -> bool:
        print("\nstep  people  req/s   p50 ms  p99 ms  failed")
        for s in results:
            print(f"{'':4}{s.users:>8}{s.rps:>8.1f}{s.p50:>9.0f}{s.p99:>8.0f}{s.failures:>8}")
        good = [s for s in results if s.p99 < P99_TARGET_MS and s.requests and not s.failures]
        best = max(good, key=lambda s: s.rps, default=None)
        if best:
            print(f"\nhighest rate with p99 < {P99_TARGET_MS:.0f} ms and no failure: "
                  f"{best.rps:.1f} requests/s ({best.users} people)")  # fmt: skip
        else:
            print(f"\nno step kept p99 under {P99_TARGET_MS:.0f} ms without failures")
        over = next((s for s in results if s.p99 >= P99_TARGET_MS), None)
        if over:
            parts = sorted(
                ((v, k) for k, v in over.cpu.items() if not k.startswith("machine")), reverse=True
            )
            print(f"first step above: {over.users} people; busiest: "
                  + ", ".join(f"{k} {v:.0f}%" for v, k in parts[:3])
                  + f"; machine {over.cpu.get('machine (of 200%)', 0):.0f}% of 200%")  # fmt: skip
        return True

    def writes_line() -> None:
        print(
            "\nwrites acknowledged: "
            + ", ".join(f"{k} {len({json.dumps(w) for w in writes[k]})}" for k in TABLES)
            + "; rows added: "
            + ", ".join(f"{k} {after.get(k, 0) - before.get(k, 0)}" for k in TABLES)
            + "; missing: "
            + ", ".join(f"{k} {v}" for k, v in missing.items())
        )

    # Whether a write was lost is a verdict, not a timing: shown even when the run is not
    # trusted (a lost write is then among the problems too).
    writes_line()
    return honesty.report(summary)


if __name__ == "__main__":
    sys.exit(main())
