"""Matching benchmark: 500 and 5,000 sign-ups into WOL circles (targets: 1 s and 10 s).

    .venv/bin/python -m bench.circles [--seed 1]

The pool is shaped like a bank's: 3 to 8 weekly slots of 25 per person, 70 % online, the rest
on site (or either) at one of 40 branches, 10 % also speak English, one in five names a
colleague to be with, one in twenty one to avoid; 60 units. Pure Python, no database: the
figures are the matcher's. Before printing, every result is checked against the hard rules
(each person once, sizes, common slot/venue/language, no excluded pair); a broken rule prints
BENCH FAILED and exits 2, a missed target exits 1.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time

from hanse.circles.matching import ONLINE, Person, Result, match

TARGETS = {500: 1.0, 5_000: 10.0}


def pool(n: int, seed: int) -> list[Person]:
    rng = random.Random(seed)  # a reproducible pool
    people = []
    for i in range(n):
        slots = 0
        for _ in range(rng.randint(3, 8)):
            slots |= 1 << rng.randrange(25)
        branch = 1 << (1 + rng.randrange(40))
        roll = rng.random()
        venues = ONLINE if roll < 0.7 else branch if roll < 0.85 else ONLINE | branch
        people.append(
            Person(
                id=i,
                slots=slots,
                venues=venues,
                languages=3 if rng.random() < 0.1 else 1,
                unit=rng.randrange(60),
                wants=frozenset({rng.randrange(n)} - {i}) if rng.random() < 0.2 else frozenset(),
                excludes=frozenset({rng.randrange(n)} - {i})
                if rng.random() < 0.05
                else frozenset(),
            )
        )
    return people


def broken_rules(people: list[Person], result: Result, lo: int, hi: int) -> list[str]:
    by_id = {p.id: p for p in people}
    placed = [pid for c in result.circles for pid in c]
    problems = []
    if len(placed) != len(set(placed)) or set(placed) & set(result.unplaced):
        problems.append("someone is placed twice")
    if set(placed) | set(result.unplaced) != set(by_id):
        problems.append("someone is missing")
    for c in result.circles:
        slots = venues = langs = -1
        for pid in c:
            slots &= by_id[pid].slots
            venues &= by_id[pid].venues
            langs &= by_id[pid].languages
            if by_id[pid].excludes & set(c):
                problems.append(f"excluded pair in {c}")
        if not (lo <= len(c) <= hi and slots and venues and langs):
            problems.append(f"circle {c} breaks a hard rule")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    print(f"load average: {os.getloadavg()[0]:.2f} (1 min), {os.cpu_count()} CPUs")
    status = 0
    for n, target in TARGETS.items():
        people = pool(n, args.seed)
        started, cpu_started = time.perf_counter(), time.process_time()
        result = match(people, min_size=4, max_size=5)
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        problems = broken_rules(people, result, 4, 5)
        if problems:
            print(f"BENCH FAILED ({n} sign-ups): {problems[:3]}")
            return 2
        share = 1 - len(result.unplaced) / n
        verdict = "PASS" if elapsed < target else "MISSED"
        print(
            f"{n:>6} sign-ups: {elapsed:6.2f} s wall, {cpu:6.2f} s CPU "
            f"(target {target:.0f} s wall) {verdict}; "
            f"{len(result.circles)} circles, {share:.1%} placed; "
            f"objective {result.objective.as_dict()}"
        )
        if elapsed >= target:
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
