"""What every bench checks before it prints a figure.

A latency of a request that failed is not a latency: a 400 from a misconfigured
``ALLOWED_HOSTS`` answers in a fraction of a millisecond, and a bench that times it prints a
row far below its target. So every bench records each measured request's answer here, and
how many it measured against how many it was asked to, and prints its table through
:meth:`Ledger.report`: when anything answered other than expected, or fewer requests were
measured than asked, it prints what went wrong instead of the table, no PASS and no timing
row, and the process exits non-zero.
"""

from __future__ import annotations

import math
import sys
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from typing import TextIO
from urllib.parse import urlsplit

# Exit status of a run whose figures cannot be trusted (1 is "a target was missed").
EXIT_UNTRUSTED = 2


class Ledger:
    """Answers and counts of one bench run."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self._unexpected: Counter[tuple[str, str]] = Counter()
        self._answered: Counter[str] = Counter()

    def answered(self, what: str, got: object, expected: Collection[object]) -> bool:
        """Record one measured request's answer (a status code, an ack, ...)."""
        self._answered[what] += 1
        if got in expected:
            return True
        self._unexpected[(what, repr(got))] += 1
        return False

    def measured(self, what: str, got: int, asked: int) -> None:
        """Record that ``got`` requests of ``asked`` were measured for one figure."""
        if got < asked:
            self.problems.append(f"{what}: measured {got} of the {asked} requests asked for")

    def fail(self, problem: str) -> None:
        """Record anything else that makes the run's figures meaningless."""
        self.problems.append(problem)

    def all_problems(self) -> list[str]:
        unexpected = [
            f"{what}: {count} answered {got}"
            for (what, got), count in sorted(self._unexpected.items())
        ]
        return unexpected + self.problems

    @property
    def trusted(self) -> bool:
        return not self._unexpected and not self.problems

    def report(self, print_figures: Callable[[], bool], out: TextIO | None = None) -> int:
        """Print the figures (``print_figures`` returns whether every target was met) only
        when the run can be trusted; return the process's exit status."""
        out = out or sys.stdout
        if not self.trusted:
            print("\nBENCH FAILED: no figures, because not every request was measured", file=out)
            print("as asked or answered as expected:", file=out)
            for problem in self.all_problems():
                print(f"  - {problem}", file=out)
            return EXIT_UNTRUSTED
        return 0 if print_figures() else 1


def require_database(database_url: str, out: TextIO | None = None) -> None:
    """Stop with a clear message, before Django starts, when a PostgreSQL database named by
    ``database_url`` cannot be reached: otherwise the first request waits for the pool's
    timeout and ends in a traceback that does not say the database is missing."""
    if not database_url.startswith(("postgres://", "postgresql://")):
        return
    # Imported here: SQLite runs of the benches need no PostgreSQL driver.
    import psycopg

    try:
        psycopg.connect(database_url, connect_timeout=5).close()
    except psycopg.OperationalError as exc:
        parts = urlsplit(database_url)
        name = parts.path.lstrip("/") or "postgres"
        reason = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
        print(
            f"bench: cannot use the database {name!r} at {parts.hostname}:{parts.port or 5432}: "
            f"{reason}\nCreate it first, for example:\n"
            f"  createdb -h {parts.hostname} -p {parts.port or 5432} "
            f"-U {parts.username or 'postgres'} {name}",
            file=out or sys.stderr,
        )
        raise SystemExit(EXIT_UNTRUSTED) from None


def percentile(samples: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (0.0 for no samples; a Ledger has refused those runs)."""
    if not samples:
        return 0.0
    ordered = sorted(samples)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]
