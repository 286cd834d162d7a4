"""A PostgreSQL server of the test's own (initdb + pg_ctl in a temporary directory), for the
tests that stop and start it on purpose without disturbing the shared test server."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from tests.support.missing import skip_or_fail


def server_binaries() -> Path | None:
    """The newest /usr/lib/postgresql/<version>/bin with initdb and pg_ctl, if any."""
    found = sorted(
        (Path(p).parent for p in glob.glob("/usr/lib/postgresql/*/bin/initdb")),
        key=lambda p: [int(x) if x.isdigit() else 0 for x in p.parent.name.split(".")],
    )
    found = [p for p in found if (p / "pg_ctl").exists()]
    return found[-1] if found else None


def skip_or_fail_without_binaries() -> Path:
    """The binaries; without them the test is skipped, except under CI (.ci/run installs
    them, so their absence there is a broken CI)."""
    binaries = server_binaries()
    if binaries is None:
        reason = "PostgreSQL server binaries (/usr/lib/postgresql/*/bin/initdb) are not installed"
        skip_or_fail(reason + "; .ci/run installs them")
    return binaries


class PrivatePostgres:
    """One server on ``port`` with data in ``root``; trust authentication for ``postgres``."""

    def __init__(self, binaries: Path, port: int) -> None:
        self.binaries = binaries
        # Not under pytest's tmp_path: as root that is private to root, and the server runs
        # as postgres.
        self.root = Path(tempfile.mkdtemp(prefix="hanse-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "postgres.log"
        self.port = port
        # PostgreSQL refuses to run as root: as root the server runs as the postgres user.
        self.as_root = os.geteuid() == 0

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        command = [str(self.binaries / args[0]), *args[1:]]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(  # noqa: S603  # PostgreSQL's own tools, our arguments
            command, capture_output=True, text=True, check=False, timeout=120
        )
        if check:
            assert done.returncode == 0, f"{command}:\n{done.stdout}{done.stderr}"
        return done

    def init(self) -> PrivatePostgres:
        if self.as_root:
            shutil.chown(self.root, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        return self

    def remove(self) -> None:
        if self.running():
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} -c max_connections=60"
        )
        done = self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start",
            check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr + self.log_text()

    def stop(self, mode: str = "fast") -> None:
        done = self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop", check=False)
        assert done.returncode == 0, done.stdout + done.stderr + self.log_text()

    def running(self) -> bool:
        return self._run("pg_ctl", "-D", str(self.data), "status", check=False).returncode == 0

    def log_text(self, tail: int = 3000) -> str:
        try:
            return self.log.read_text(errors="replace")[-tail:]
        except OSError:
            return ""

    def wait_accepting(self, timeout: float = 30) -> None:
        import psycopg

        deadline = time.monotonic() + timeout
        while True:
            try:
                with psycopg.connect(self.url(), connect_timeout=2):
                    return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
