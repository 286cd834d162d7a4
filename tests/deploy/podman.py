"""podman for tests/deploy/test_container_build.py: the options that let it run containers on
this machine, and a local stand-in for the Containerfile's base image.

Options. podman's defaults run containers on an ordinary machine. In a sandbox they may not:
on the build machine of December 2026 (a VM, root without CAP_SYS_RESOURCE, cgroup v1
controllers beside a v2 hierarchy) crun refuses with ``setrlimit RLIMIT_NOFILE: Operation not
permitted`` (podman asks for 1048576 open files, more than the hard limit of 20000), and with
lower limits ``cgroups in hybrid mode not supported, drop all controllers from cgroupv2``; runc
with limits within the machine's (open files: the hard limit; processes: 4096, the most that
worked there was 32768, conmon's own limit) runs them. ``options`` tries the defaults first.

Base image. docker.io/library/python:3.11-slim-bookworm cannot be pulled where no registry is
reachable. ``stand_in_base`` makes an image of the same kind from Debian bookworm with
debootstrap (minbase with python3, python3-venv, python3-pip; ``python`` and ``pip`` on PATH
as in the official image), once per machine: it is kept under its tag."""

from __future__ import annotations

import fcntl
import functools
import json
import os
import resource
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tests.support.missing import skip_or_fail

OFFICIAL_BASE = "docker.io/library/python:3.11-slim-bookworm"
# The recipe's version is in the tag: a changed recipe builds a new image.
STAND_IN_BASE = "localhost/hanse-test-base:bookworm-python3.11-1"
DEBIAN_MIRROR = os.environ.get("HANSE_DEBIAN_MIRROR", "http://deb.debian.org/debian")


@dataclass(frozen=True)
class Podman:
    """podman with ``global_options`` (before the command) and ``limits`` (for run and
    build)."""

    global_options: tuple[str, ...] = ()
    limits: tuple[str, ...] = ()

    def __call__(
        self, *args: str, timeout: float = 600, stdin: int | None = None
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603  # podman with our arguments
            [podman_binary(), *self.global_options, *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            stdin=stdin,
        )

    def command_line(self, *args: str) -> str:
        return " ".join(["podman", *self.global_options, *args])


def podman_binary() -> str:
    found = shutil.which("podman")
    if found is None:
        skip_or_fail("podman is not installed (apt-get install podman runc)")
    return found


def _limits() -> tuple[str, ...]:
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    files = hard if hard != resource.RLIM_INFINITY else 65536
    return ("--ulimit", f"nofile={files}:{files}", "--ulimit", "nproc=4096:4096")


@functools.cache
def options(image: str) -> Podman:
    """The first podman that starts a container of ``image`` here: the defaults, else runc
    with limits within the machine's; neither skips (fails under CI) with their errors."""
    candidates = [Podman()]
    if shutil.which("runc"):
        candidates.append(Podman(("--runtime", "runc"), _limits()))
    errors = []
    for podman in candidates:
        done = podman("run", "--rm", "--network", "none", *podman.limits, image, "true")
        if done.returncode == 0:
            return podman
        errors.append(f"{podman.command_line('run', *podman.limits, '…')}: {done.stderr.strip()}")
    if not shutil.which("runc"):
        errors.append("(runc, which may work where crun does not, is not installed)")
    skip_or_fail("podman cannot start a container here: " + "; ".join(errors))


def stand_in_base() -> str:
    """The tag of the stand-in base image, built unless it exists (one build at a time on
    this machine)."""
    probe = Podman()
    with (Path(tempfile.gettempdir()) / "hanse-test-base-image.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if probe("image", "exists", STAND_IN_BASE).returncode != 0:
            _build_stand_in_base(probe)
    return STAND_IN_BASE


def _build_stand_in_base(podman: Podman) -> None:
    if shutil.which("debootstrap") is None:
        skip_or_fail("debootstrap is not installed (apt-get install debootstrap)")
    if os.geteuid() != 0:
        skip_or_fail(f"debootstrap needs root to build {STAND_IN_BASE}")
    with tempfile.TemporaryDirectory(prefix="hanse-base-") as work:
        root = Path(work) / "rootfs"
        _run(
            ["debootstrap", "--variant=minbase",
             "--include=python3,python3-venv,python3-pip,ca-certificates",
             "bookworm", str(root), DEBIAN_MIRROR],
            timeout=900,
        )  # fmt: skip
        # The machine's own certificate authorities (a company's, a proxy's): pip in the image
        # reaches PyPI as the machine does.
        local_cas = list(Path("/usr/local/share/ca-certificates").glob("**/*.crt"))
        for ca in local_cas:
            shutil.copy(ca, root / "usr/local/share/ca-certificates" / ca.name)
        if local_cas:
            _run(["chroot", str(root), "update-ca-certificates"], timeout=120)
        # As in the official image: `python` and `pip` on PATH.
        (root / "usr/local/bin/python").symlink_to("/usr/bin/python3")
        (root / "usr/local/bin/pip").symlink_to("/usr/bin/pip3")
        for cache in ("var/cache/apt/archives", "var/lib/apt/lists"):
            for item in (root / cache).glob("*"):
                if item.is_file():
                    item.unlink()
        tar = subprocess.Popen(  # noqa: S603  # tar of our own directory
            [shutil.which("tar") or "tar", "-C", str(root), "-c", "."], stdout=subprocess.PIPE
        )
        assert tar.stdout is not None
        imported = podman(
            "import",
            "--change", "ENV LANG=C.UTF-8",
            "--change", "ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin",
            "--change", 'CMD ["python3"]',
            "-", STAND_IN_BASE,
            stdin=tar.stdout.fileno(),
            timeout=600,
        )  # fmt: skip
        tar.stdout.close()
        assert tar.wait(timeout=60) == 0
        assert imported.returncode == 0, imported.stderr[-2000:]


def _run(args: list[str], *, timeout: float) -> None:
    done = subprocess.run(  # noqa: S603  # Debian's tools, our arguments
        args, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert done.returncode == 0, f"{args[0]}: {(done.stdout + done.stderr)[-3000:]}"


# compose.yaml's other images (docker.io's postgres, redis and nginx), made from the stand-in
# base with Debian's packages and behaving as the official ones do where compose.yaml relies on
# it: PostgreSQL creates POSTGRES_USER and POSTGRES_DB with POSTGRES_PASSWORD on its first start
# and listens on the network; redis-server accepts connections from the network without a
# password; nginx reads /etc/nginx/conf.d/*.conf and has no site of its own.
_POSTGRES_START = r"""#!/bin/sh
set -e
mkdir -p "$PGDATA" /run/postgresql && chown -R postgres:postgres "$PGDATA" /run/postgresql
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  printf '%s\n' "$POSTGRES_PASSWORD" > /tmp/password && chown postgres /tmp/password
  runuser -u postgres -- initdb -D "$PGDATA" -U "$POSTGRES_USER" --pwfile=/tmp/password \
    --auth-local=trust --auth-host=scram-sha-256
  rm /tmp/password
  echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
  runuser -u postgres -- pg_ctl -D "$PGDATA" -w start -o "-c listen_addresses=''"
  runuser -u postgres -- psql -U "$POSTGRES_USER" -d postgres -c "CREATE DATABASE \"$POSTGRES_DB\""
  runuser -u postgres -- pg_ctl -D "$PGDATA" -w stop
fi
exec runuser -u postgres -- postgres -D "$PGDATA" -c listen_addresses='*'
"""
_APT = "RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends {} \\\n"
COMPOSE_STAND_INS = {
    "postgres": (
        "localhost/hanse-test-postgres:15-1",
        _APT.format("postgresql-15") + "    && rm -rf /var/lib/apt/lists/*\n"
        "COPY start.sh /usr/local/bin/postgres-start\n"
        "ENV PATH=/usr/lib/postgresql/15/bin:$PATH PGDATA=/var/lib/postgresql/data\n"
        'CMD ["sh", "/usr/local/bin/postgres-start"]\n',
    ),
    "redis": (
        "localhost/hanse-test-redis:7-1",
        _APT.format("redis-server") + "    && rm -rf /var/lib/apt/lists/* \\\n"
        "    && printf '#!/bin/sh\\nexec /usr/bin/redis-server --protected-mode no \"$@\"\\n'"
        " > /usr/local/bin/redis-server && chmod 755 /usr/local/bin/redis-server\n"
        "WORKDIR /data\n"
        'CMD ["redis-server"]\n',
    ),
    "nginx": (
        "localhost/hanse-test-nginx:1.22-1",
        _APT.format("nginx-light")
        + "    && rm -rf /var/lib/apt/lists/* /etc/nginx/sites-enabled/default\n"
        'CMD ["nginx", "-g", "daemon off;"]\n',
    ),
}


def compose_stand_ins(podman: Podman, base: str) -> dict[str, str]:
    """{service: tag} of the stand-ins for compose.yaml's postgres, redis and nginx, each
    built unless it exists."""
    tags = {}
    with (Path(tempfile.gettempdir()) / "hanse-test-base-image.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for service, (tag, steps) in COMPOSE_STAND_INS.items():
            tags[service] = tag
            if podman("image", "exists", tag).returncode == 0:
                continue
            with tempfile.TemporaryDirectory(prefix="hanse-stand-in-") as context:
                (Path(context) / "Containerfile").write_text(f"FROM {base}\n{steps}")
                (Path(context) / "start.sh").write_text(_POSTGRES_START)
                built = podman(
                    "build", "--format", "docker", "--network", "host", *podman.limits,
                    "-t", tag, context,
                    timeout=900,
                )  # fmt: skip
                assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    return tags


def containers_conf(podman: Podman, path: Path) -> dict[str, str]:
    """The environment that gives podman-compose's podman calls ``podman``'s options: a
    containers.conf (CONTAINERS_CONF) with its runtime and limits."""
    if not podman.global_options:
        return {}
    runtime = podman.global_options[podman.global_options.index("--runtime") + 1]
    limits = [podman.limits[i + 1] for i in range(0, len(podman.limits), 2)]
    path.write_text(
        f'[containers]\ndefault_ulimits = {json.dumps(limits)}\n[engine]\nruntime = "{runtime}"\n'
    )
    return {"CONTAINERS_CONF": str(path)}
