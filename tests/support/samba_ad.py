"""A real Active Directory domain controller for the directory tests: Debian's Samba AD DC
(``samba``, ``samba-ad-provision``, ``samba-dsdb-modules``), provisioned into a throwaway
domain in a temporary directory and run in the foreground by the test session.

Provisioning (``samba-tool domain provision``) and filling the directory take seconds, so they
happen once per test session: the first worker that needs the domain makes a template under
the session's folder (a lock keeps the pytest-xdist workers from making it twice), and every
worker starts its own copy (``samba -i -M single``, killed at the end of the session; ``-i``
also ends it when the test process dies and its stdin closes).

Samba's LDAP server always listens on ports 389 and 636 (and 3268, 3269 for the global
catalogue): there is no setting for them. So each server gets a loopback address of its own
(127.x.y.z: all of 127/8 is this host), and it is checked free before Samba starts; nothing
else in the suite uses those ports (slapd takes a free high port on 127.0.0.1). Binding them
needs root (or CAP_NET_BIND_SERVICE): without it the tests skip, and fail under CI.

The directory: people in ``OU=Mitarbeiter``, groups in ``OU=Gruppen``, a service account in
``CN=Users``. ``vertrieb`` has 35 members (34 people and the group ``vertrieb-nord`` of six
more), ``connectoren`` exactly 30 (three ranges of ten), ``informatik`` three (one range).
Samba does not implement Active Directory's MaxValRange (it hands out every value of a plain
``member``), but it answers a ranged request (``member;range=0-9``) as Active Directory does;
the tests ask it for ranges of ``RANGE_SIZE`` through ``LDAP_RANGE_SIZE``."""

from __future__ import annotations

import errno
import fcntl
import glob
import hashlib
import os
import random
import re
import shutil
import socket
import stat
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

try:
    import ldap
    import ldap.modlist
except ImportError:  # python-ldap is optional: pyproject's "ldap" extra
    ldap = None

from tests.support.missing import skip_or_fail
from tests.support.slapd import PYTHON_LDAP_MISSING

SAMBA = "/usr/sbin/samba"
SAMBA_TOOL = "/usr/bin/samba-tool"
PROVISION_DATA = Path("/usr/share/samba/setup")  # samba-ad-provision
DSDB_MODULES = "/usr/lib/*/samba/ldb/samba_dsdb.so"  # samba-dsdb-modules
PORTS = (389, 636, 3268, 3269)  # Samba's LDAP server: fixed, one address each

REALM = "SPARKASSE.TEST"
DOMAIN = "SPARKASSE"
BASE = "DC=sparkasse,DC=test"
PEOPLE = f"OU=Mitarbeiter,{BASE}"
GROUPS = f"OU=Gruppen,{BASE}"
ADMIN_DN = f"CN=Administrator,CN=Users,{BASE}"
ADMIN_PASSWORD = "Admin-Secret-2026!"  # a throwaway test domain's
SERVICE_DN = f"CN=hanse-sync,CN=Users,{BASE}"
SERVICE_PASSWORD = "Service-Secret-2026!"
PASSWORD = "Directory-Pass-2026"  # every person's
# What Active Directory administrators configure (docs/operations.md); disabled accounts out.
USER_FILTER = (
    "(&(objectClass=user)(sAMAccountName=%(user)s)"
    "(!(userAccountControl:1.2.840.113556.1.4.803:=2)))"
)
RANGE_SIZE = 10  # LDAP_RANGE_SIZE in the tests: 35 members come in four ranges
# userAccountControl: an enabled account whose password never expires (the domain's default
# is 42 days, and the template is kept for later sessions).
NORMAL_ACCOUNT = 512 | 0x10000

FIRST = ("Anna", "Jan", "Lena", "Tim", "Helga", "Klaus", "Mia", "Paul", "Ida", "Ole")
LAST = ("Müller", "Koch", "Weber", "Schulz", "Voß", "Brandt")
PEOPLE_COUNT = 40


def uid(number: int) -> str:
    return f"ma{number:02d}"


def person_dn(number: int) -> str:
    return f"CN={uid(number)},{PEOPLE}"


def group_dn(cn: str) -> str:
    return f"CN={cn},{GROUPS}"


# Members: person numbers, or "group:<cn>" for a group within the group.
GROUP_ROWS: dict[str, list[int | str]] = {
    "vertrieb": [*range(1, 35), "group:vertrieb-nord"],
    "vertrieb-nord": list(range(35, 41)),
    "connectoren": list(range(11, 41)),
    "informatik": [1, 2, 3],
}


def member_dn(member: int | str) -> str:
    if isinstance(member, int):
        return person_dn(member)
    return group_dn(member.partition(":")[2])


def missing_reason() -> str | None:
    if ldap is None:
        return PYTHON_LDAP_MISSING
    for binary in (SAMBA, SAMBA_TOOL):
        if not os.access(binary, os.X_OK):
            return f"{binary} is not installed (apt-get install samba)"
    if not PROVISION_DATA.is_dir():
        return f"{PROVISION_DATA} is missing (apt-get install samba-ad-provision)"
    if not glob.glob(DSDB_MODULES):
        return "Samba's directory modules are missing (apt-get install samba-dsdb-modules)"
    return None


def _tool_env() -> dict[str, str]:
    # samba-tool is the system's Python: none of this virtual environment's settings.
    return {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}


class CannotListen(Exception):
    """This machine cannot give Samba its ports: the tests skip (and fail under CI)."""


def _ports_free(address: str) -> bool:
    """Whether Samba could listen on ``address`` (False: a port is taken there)."""
    for port in PORTS:
        with socket.socket() as sock:
            try:
                sock.bind((address, port))
            except OSError as exc:
                if exc.errno in (errno.EACCES, errno.EPERM):
                    raise CannotListen(
                        f"Samba's LDAP server listens on port {port}, which needs root "
                        "(or CAP_NET_BIND_SERVICE)"
                    ) from exc
                if exc.errno == errno.EADDRNOTAVAIL:
                    raise CannotListen(
                        "Samba needs a loopback address of its own (127.x.y.z), and this "
                        "system has none besides 127.0.0.1"
                    ) from exc
                return False
    return True


def free_address() -> str:
    """A loopback address on which none of Samba's ports is taken."""
    chance = random.Random()  # an address, not a secret
    for _ in range(50):
        parts = (chance.randint(100, 250), chance.randint(0, 255), chance.randint(1, 254))
        address = "127.{}.{}.{}".format(*parts)
        if _ports_free(address):
            return address
    raise RuntimeError(f"no loopback address with ports {PORTS} free after 50 tries")


def _configure(conf: Path, *, origin: Path, root: Path, address: str) -> None:
    """Point a provisioned smb.conf at ``root`` (a copy of the directory made at ``origin``)
    and ``address``, with only the LDAP server running and simple binds allowed without TLS
    (the tests bind over ldap://, as the slapd tests do)."""
    options = {
        "interfaces": f"{address}/8",
        "bind interfaces only": "yes",
        "server services": "ldap",
        "ldap server require strong auth": "no",
        "pid directory": str(root),
        "ncalrpc dir": f"{root}/ncalrpc",
        "log file": f"{root}/log.%m",
        "logging": "file",
        "panic action": "",
    }
    text = conf.read_text().replace(str(origin), str(root))
    for name in options:
        text = re.sub(rf"^\s*{name}\s*=.*\n", "", text, flags=re.MULTILINE)
    lines = "".join(f"\t{name} = {value}\n" for name, value in options.items())
    conf.write_text(text.replace("[global]\n", "[global]\n" + lines, 1))


@dataclass
class SambaAD:
    uri: str
    address: str
    root: Path
    process: subprocess.Popen[bytes]

    def admin(self) -> Any:
        """A connection bound as the domain's Administrator, over LDAPS (Samba takes passwords
        only over an encrypted connection; its certificate is its own, self-signed)."""
        connection = ldap.initialize(f"ldaps://{self.address}:636", bytes_mode=False)
        connection.set_option(ldap.OPT_REFERRALS, 0)
        connection.set_option(ldap.OPT_X_TLS_REQUIRE_CERT, ldap.OPT_X_TLS_NEVER)
        connection.set_option(ldap.OPT_X_TLS_NEWCTX, 0)
        connection.simple_bind_s(ADMIN_DN, ADMIN_PASSWORD)
        return connection

    def read(self, dn: str, attribute: str) -> dict[str, list[str]]:
        """One answer of the server for ``attribute`` of ``dn``, as it came (no ranges
        followed): what a client that reads only the first answer would see."""
        connection = self.admin()
        try:
            result = connection.search_s(dn, ldap.SCOPE_BASE, "(objectClass=*)", [attribute])
        finally:
            connection.unbind_s()
        return {k: [v.decode() for v in vs] for k, vs in result[0][1].items()}


def _log_tail(root: Path) -> str:
    return (root / "samba.log").read_text(errors="replace")[-3000:]


def _wait(address: str, process: subprocess.Popen[bytes], root: Path) -> None:
    """Until Samba answers on ``address`` with this domain (not another server that took the
    port meanwhile)."""
    deadline = time.monotonic() + 60
    error = ""
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"samba ended with {process.returncode}: {_log_tail(root)}")
        try:
            connection = ldap.initialize(f"ldap://{address}:389", bytes_mode=False)
            connection.set_option(ldap.OPT_NETWORK_TIMEOUT, 2)
            result = connection.search_s("", ldap.SCOPE_BASE, "(objectClass=*)", ["*"])
            context = result[0][1].get("defaultNamingContext", [b""])[0].decode()
            if context.lower() != BASE.lower():
                raise RuntimeError(
                    f"another LDAP server answers on {address}:389 ({context or 'no domain'})"
                )
            return
        except ldap.LDAPError as exc:
            error = str(exc)
            time.sleep(0.1)
    raise RuntimeError(f"samba did not answer within 60 seconds ({error}): {_log_tail(root)}")


@contextmanager
def running_samba(root: Path, *, origin: Path | None = None) -> Iterator[SambaAD]:
    """Start the provisioned domain in ``root`` (provisioned at ``origin``, default ``root``)
    on a loopback address of its own; stop it afterwards."""
    address = free_address()
    _configure(root / "etc" / "smb.conf", origin=origin or root, root=root, address=address)
    with (root / "samba.log").open("wb") as log:
        process = subprocess.Popen(  # noqa: S603  # fixed arguments
            [
                SAMBA,
                "-i",
                "-M",
                "single",
                "-s",
                str(root / "etc" / "smb.conf"),
                "-d",
                "1",
                "--debug-stdout",
            ],
            stdin=subprocess.PIPE,  # -i: Samba ends when this closes (the test process died)
            stdout=log,
            stderr=subprocess.STDOUT,
            env=_tool_env(),
        )
    try:
        _wait(address, process, root)
        yield SambaAD(uri=f"ldap://{address}:389", address=address, root=root, process=process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdin:
            process.stdin.close()


def _provision(target: Path) -> None:
    done = subprocess.run(  # noqa: S603  # fixed arguments
        [
            SAMBA_TOOL, "domain", "provision", f"--targetdir={target}",
            f"--realm={REALM}", f"--domain={DOMAIN}", "--server-role=dc",
            "--dns-backend=NONE", "--use-rfc2307", f"--adminpass={ADMIN_PASSWORD}",
            "--host-name=dc1", "--option=interfaces=127.0.0.1",
            "--option=bind interfaces only=yes", "--option=server services=ldap",
        ],
        capture_output=True,
        text=True,
        env=_tool_env(),
        timeout=300,
        check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"samba-tool domain provision failed: {done.stderr[-3000:]}")


def _password(value: str) -> bytes:
    # Active Directory's unicodePwd: the password in quotes, UTF-16LE.
    return f'"{value}"'.encode("utf-16-le")


def _fill(samba: SambaAD) -> None:
    """The people, the service account and the groups (GROUP_ROWS)."""
    connection = samba.admin()

    def add(dn: str, **attrs: str | bytes | list[str]) -> None:
        values = {
            name: [v if isinstance(v, bytes) else str(v).encode() for v in value]
            if isinstance(value, list)
            else [value if isinstance(value, bytes) else str(value).encode()]
            for name, value in attrs.items()
        }
        connection.add_s(dn, ldap.modlist.addModlist(values))

    try:
        connection.modify_s(
            ADMIN_DN,
            [(ldap.MOD_REPLACE, "userAccountControl", [str(NORMAL_ACCOUNT).encode()])],
        )
        for ou in (PEOPLE, GROUPS):
            add(ou, objectClass="organizationalUnit")
        add(
            SERVICE_DN,
            objectClass="user",
            sAMAccountName="hanse-sync",
            unicodePwd=_password(SERVICE_PASSWORD),
            userAccountControl=str(NORMAL_ACCOUNT),
        )
        for number in range(1, PEOPLE_COUNT + 1):
            first, last = FIRST[number % len(FIRST)], LAST[number % len(LAST)]
            add(
                person_dn(number),
                objectClass="user",
                sAMAccountName=uid(number),
                givenName=first,
                sn=last,
                mail=f"{uid(number)}@sparkasse.test",
                title="Kundenberater",
                department="Filiale Nord",
                unicodePwd=_password(PASSWORD),
                userAccountControl=str(NORMAL_ACCOUNT),
            )
        # Inner groups first: a member must exist when it is added.
        for cn in sorted(GROUP_ROWS, key=lambda cn: -len(cn)):
            add(
                group_dn(cn),
                objectClass="group",
                sAMAccountName=cn,
                member=[member_dn(m) for m in GROUP_ROWS[cn]],
            )
    finally:
        connection.unbind_s()


def _session_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder of this test session that every pytest-xdist worker shares."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def _template_name() -> str:
    """The template's folder name: a new one when this file or Samba's version changes."""
    version = subprocess.run(  # noqa: S603  # fixed arguments
        [SAMBA, "-V"], capture_output=True, env=_tool_env(), check=False
    ).stdout
    digest = hashlib.sha256(Path(__file__).read_bytes() + version).hexdigest()
    return f"hanse-samba-ad-{digest[:12]}"


def _forget_old_templates(folder: Path, keep: Path) -> None:
    # Templates of other versions of this file, unused for a day (another checkout's sessions
    # may still be copying a younger one).
    for old in folder.glob("hanse-samba-ad-*"):
        if old != keep and old.is_dir() and time.time() - old.stat().st_mtime > 86400:
            shutil.rmtree(old, ignore_errors=True)
            old.with_name(f"{old.name}.lock").unlink(missing_ok=True)


def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The provisioned and filled domain (stopped). Made by the first worker that asks for it
    and kept beside the sessions' folders (pytest-of-<user>) for later sessions: provisioning
    and filling take 5 to 10 seconds, copying the template a twentieth of one."""
    folder = _session_root(tmp_path_factory).parent
    made = folder / _template_name()
    with (folder / f"{made.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (made / "ready").exists():
            shutil.rmtree(made, ignore_errors=True)
            _provision(made)
            # Filled over LDAP, as an administrator would: Samba computes every derived
            # attribute (SIDs, memberOf, password hashes) itself.
            with running_samba(made) as samba:
                _fill(samba)
            (made / "ready").touch()
            _forget_old_templates(folder, made)
        os.utime(made)
    return made


def _sockets(folder: str, names: list[str]) -> list[str]:
    # The stopped template's ldapi sockets: the copy's Samba makes its own.
    return [n for n in names if stat.S_ISSOCK(os.lstat(os.path.join(folder, n)).st_mode)]


@pytest.fixture(scope="session")
def samba_ad(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SambaAD]:
    """A real Samba AD domain controller with the test domain, for the whole session."""
    reason = missing_reason()
    if reason:
        skip_or_fail(reason)
    try:
        free_address()
    except CannotListen as exc:
        skip_or_fail(str(exc))
    made = template(tmp_path_factory)
    root = tmp_path_factory.mktemp("samba-ad")
    shutil.rmtree(root)
    shutil.copytree(made, root, symlinks=True, ignore=_sockets)
    with running_samba(root, origin=made) as samba:
        yield samba


def configure(samba: SambaAD, settings: Any) -> SambaAD:
    """Point Hanse's LDAP_* settings at ``samba`` as an Active Directory administrator would,
    asking for ranges of RANGE_SIZE members."""
    settings.LDAP_SERVER_URI = samba.uri
    # settings.py adds the directory backend only when LDAP_SERVER_URI is set at start.
    if settings.LDAP_BACKEND not in settings.AUTHENTICATION_BACKENDS:
        settings.AUTHENTICATION_BACKENDS = [
            *settings.AUTHENTICATION_BACKENDS,
            settings.LDAP_BACKEND,
        ]
    settings.LDAP_BIND_DN = SERVICE_DN
    settings.LDAP_BIND_PASSWORD = SERVICE_PASSWORD
    settings.LDAP_USER_SEARCH_BASE = PEOPLE
    settings.LDAP_USER_FILTER = USER_FILTER
    settings.LDAP_USERNAME_ATTRIBUTE = "sAMAccountName"
    settings.LDAP_ATTRIBUTES = [
        "first_name=givenName",
        "last_name=sn",
        "email=mail",
        "job_title=title",
        "unit=department",
        "manager=manager",
    ]
    settings.LDAP_GROUP_MEMBER_ATTRIBUTE = "member"
    settings.LDAP_GROUP_SEARCH_BASE = GROUPS
    settings.LDAP_START_TLS = False
    settings.LDAP_RANGE_SIZE = RANGE_SIZE
    return samba
