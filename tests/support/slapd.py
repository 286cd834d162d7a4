"""A real OpenLDAP server for the directory tests: Debian's slapd on a free port, with a
generated configuration and a directory loaded by slapadd, in a temporary directory.

The directory is a small savings bank: a board member, a branch with its manager and two
advisers, IT operations, a disabled account (``employeeType: disabled``, kept out by the
filter as Active Directory's ``userAccountControl`` test would) and groups for an org unit, a
role and a community, with groups nested in them as Active Directory's are: the IT unit's
group holds its administrators' group, the community's group holds a branch's group, which
holds IT's multipliers' group."""

from __future__ import annotations

import os
import shutil
import socket
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
except ImportError:  # python-ldap is optional: pyproject's "ldap" extra
    ldap = None

from tests.support.missing import skip_or_fail, under_ci
from tests.support.processes import free_port

SLAPD = "/usr/sbin/slapd"
SLAPADD = "/usr/sbin/slapadd"
SCHEMAS = Path("/etc/ldap/schema")
MODULES = Path("/usr/lib/ldap")

BASE = "dc=sparkasse,dc=test"
PEOPLE = f"ou=people,{BASE}"
GROUPS = f"ou=groups,{BASE}"
ROOT_DN = f"cn=admin,{BASE}"
ROOT_PASSWORD = "root-secret"  # a throwaway test server's
SERVICE_DN = f"cn=hanse,ou=services,{BASE}"
SERVICE_PASSWORD = "service-secret"
PASSWORD = "Directory-Pass-2026"  # every person's in the generated directory
USER_FILTER = "(&(objectClass=inetOrgPerson)(uid=%(user)s)(!(employeeType=disabled)))"

# uid, given name, surname, title, phone, unit, manager uid, extra attributes
PEOPLE_ROWS = [
    ("hvoss", "Helga", "Voß", "Vorstand", "+49 451 100-1", "Vorstand", None, {}),
    ("kbrandt", "Klaus", "Brandt", "Filialleiter", "+49 451 100-20", "Filiale Nord", "hvoss", {}),
    (
        "amueller",
        "Anna",
        "Müller",
        "Kundenberaterin",
        "+49 451 100-21",
        "Filiale Nord",
        "kbrandt",
        {},
    ),
    ("tschulz", "Tim", "Schulz", "Kundenberater", "+49 451 100-22", "Filiale Nord", "kbrandt", {}),
    (
        "lweber",
        "Lena",
        "Weber",
        "Systemadministratorin",
        "+49 451 100-40",
        "Informatik",
        "hvoss",
        {},
    ),
    (
        "jkoch",
        "Jan",
        "Koch",
        "Kundenberater",
        "+49 451 100-23",
        "Filiale Nord",
        "kbrandt",
        {"employeeType": "disabled"},
    ),
]
# Members are uids, or "group:<cn>" for a group within the group.
GROUP_ROWS = {
    # an org unit (overrides Lena's unknown "Informatik"), through a group within it
    "it-betrieb": ["group:it-administratoren"],
    "it-administratoren": ["lweber"],
    # a role
    "hanse-kommunikation": ["amueller"],
    # a community: Anna directly, Tim through the branch's group, Lena two levels down
    "connectoren": ["amueller", "group:connectoren-nord"],
    "connectoren-nord": ["tschulz", "group:connectoren-informatik"],
    "connectoren-informatik": ["lweber"],
}


def person_dn(uid: str) -> str:
    return f"uid={uid},{PEOPLE}"


def group_dn(cn: str) -> str:
    return f"cn={cn},{GROUPS}"


def member_dn(member: str) -> str:
    """A GROUP_ROWS member: a uid, or group:<cn>."""
    kind, _, cn = member.partition(":")
    return group_dn(cn) if kind == "group" and cn else person_dn(member)


def _ldif() -> str:
    blocks = [
        f"dn: {BASE}\nobjectClass: dcObject\nobjectClass: organization\ndc: sparkasse\n"
        "o: Sparkasse Test\n",
        f"dn: ou=people,{BASE}\nobjectClass: organizationalUnit\nou: people\n",
        f"dn: ou=groups,{BASE}\nobjectClass: organizationalUnit\nou: groups\n",
        f"dn: ou=services,{BASE}\nobjectClass: organizationalUnit\nou: services\n",
        f"dn: {SERVICE_DN}\nobjectClass: simpleSecurityObject\nobjectClass: organizationalRole\n"
        f"cn: hanse\nuserPassword: {SERVICE_PASSWORD}\n",
    ]
    for uid, given, sur, title, phone, unit, manager, extra in PEOPLE_ROWS:
        lines = [
            f"dn: {person_dn(uid)}",
            "objectClass: inetOrgPerson",
            f"uid: {uid}",
            f"cn: {given} {sur}",
            f"givenName: {given}",
            f"sn: {sur}",
            f"mail: {uid}@sparkasse.test",
            f"title: {title}",
            f"telephoneNumber: {phone}",
            f"departmentNumber: {unit}",
            f"userPassword: {PASSWORD}",
        ]
        if manager:
            lines.append(f"manager: {person_dn(manager)}")
        lines += [f"{name}: {value}" for name, value in extra.items()]
        blocks.append("\n".join(lines) + "\n")
    for cn, members in GROUP_ROWS.items():
        lines = [f"dn: {group_dn(cn)}", "objectClass: groupOfNames", f"cn: {cn}"]
        lines += [f"member: {member_dn(member)}" for member in members]
        blocks.append("\n".join(lines) + "\n")
    # LDIF is UTF-8; slapadd takes it as it is.
    return "\n".join(blocks)


def make_certificates(directory: Path) -> dict[str, Path]:
    """A throwaway CA and a server certificate for 127.0.0.1 signed by it (openssl), and a
    second CA that signed nothing (a directory's certificate checked against the wrong CA)."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = {
        name: directory / f"{name}.pem"
        for name in ("ca", "ca_key", "cert", "key", "other_ca", "other_key")
    }

    def openssl(*args: str) -> None:
        subprocess.run(["openssl", *args], check=True, capture_output=True)  # noqa: S603, S607

    for ca, key, name in (("ca", "ca_key", "Hanse Test CA"), ("other_ca", "other_key", "Other CA")):
        openssl(
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-keyout", str(paths[key]), "-out", str(paths[ca]), "-subj", f"/CN={name}",
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        )  # fmt: skip
    request = directory / "server.csr"
    openssl(
        "req", "-newkey", "rsa:2048", "-nodes", "-keyout", str(paths["key"]),
        "-out", str(request), "-subj", "/CN=127.0.0.1",
    )  # fmt: skip
    extensions = directory / "server.ext"
    extensions.write_text(
        "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n"
        "basicConstraints=CA:FALSE\n"
    )
    openssl(
        "x509", "-req", "-in", str(request), "-CA", str(paths["ca"]),
        "-CAkey", str(paths["ca_key"]), "-CAcreateserial", "-days", "2",
        "-out", str(paths["cert"]), "-extfile", str(extensions),
    )  # fmt: skip
    return paths


def _config(root: Path, tls: dict[str, Path] | None = None) -> str:
    # With TLS, every operation (the service account's bind too) needs an encrypted
    # connection: a client that skips StartTLS is refused ("confidentiality required").
    tls_lines = (
        f"TLSCACertificateFile {tls['ca']}\nTLSCertificateFile {tls['cert']}\n"
        f"TLSCertificateKeyFile {tls['key']}\nsecurity ssf=1\n"
        if tls
        else ""
    )
    return f"""
{tls_lines}include {SCHEMAS}/core.schema
include {SCHEMAS}/cosine.schema
include {SCHEMAS}/inetorgperson.schema
modulepath {MODULES}
moduleload back_mdb
pidfile {root}/slapd.pid
argsfile {root}/slapd.args
sizelimit unlimited

database mdb
maxsize 33554432
suffix "{BASE}"
rootdn "{ROOT_DN}"
rootpw {ROOT_PASSWORD}
directory {root}/data
access to attrs=userPassword by self write by anonymous auth by * none
access to * by users read by * none
"""


@dataclass
class Slapd:
    uri: str
    root: Path
    process: subprocess.Popen[bytes]
    tls: dict[str, Path] | None = None  # the certificates when it requires StartTLS
    ldaps_uri: str = ""  # with tls: the same directory over LDAPS (TLS from the start)

    def admin(self) -> ldap.ldapobject.LDAPObject:
        """A connection bound as the directory's root, to change it during a test."""
        connection = ldap.initialize(self.uri, bytes_mode=False)
        if self.tls:
            connection.set_option(ldap.OPT_X_TLS_CACERTFILE, str(self.tls["ca"]))
            connection.set_option(ldap.OPT_X_TLS_NEWCTX, 0)
            connection.start_tls_s()
        connection.simple_bind_s(ROOT_DN, ROOT_PASSWORD)
        return connection

    def modify(self, dn: str, **values: str | list[str] | None) -> None:
        changes = []
        for name, value in values.items():
            if value is None:
                changes.append((ldap.MOD_DELETE, name, None))
            else:
                items = value if isinstance(value, list) else [value]
                changes.append((ldap.MOD_REPLACE, name, [v.encode() for v in items]))
        connection = self.admin()
        try:
            connection.modify_s(dn, changes)
        finally:
            connection.unbind_s()

    def delete(self, dn: str) -> None:
        connection = self.admin()
        try:
            connection.delete_s(dn)
        finally:
            connection.unbind_s()


PYTHON_LDAP_MISSING = (
    "python-ldap is not installed (apt-get install libldap2-dev libsasl2-dev, then make install)"
)


def require_python_ldap() -> None:
    """For a test module that imports the LDAP code: skip it on a machine without python-ldap
    (fail under CI, which installs it)."""
    if ldap is None:
        if under_ci():
            pytest.fail(PYTHON_LDAP_MISSING, pytrace=False)
        pytest.skip(PYTHON_LDAP_MISSING, allow_module_level=True)


def missing_reason() -> str | None:
    if ldap is None:
        return PYTHON_LDAP_MISSING
    for binary in (SLAPD, SLAPADD):
        if not os.access(binary, os.X_OK):
            return f"{binary} is not installed (apt-get install slapd ldap-utils)"
    if not (SCHEMAS / "inetorgperson.schema").exists() or not (MODULES / "back_mdb.so").exists():
        return "slapd's schemas or its mdb module are missing (apt-get install slapd)"
    return None


def _wait(port: int, process: subprocess.Popen[bytes], root: Path) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = (root / "slapd.log").read_text(errors="replace")[-2000:]
            raise RuntimeError(f"slapd ended with {process.returncode}: {log}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("slapd did not start listening within 15 seconds")


@contextmanager
def running_slapd(root: Path, *, tls: bool = False) -> Iterator[Slapd]:
    """Generate, load and start a directory under ``root``; stop it afterwards. With ``tls``
    it has a certificate from a throwaway CA, requires StartTLS on its ldap:// port and also
    listens on an ldaps:// port."""
    (root / "data").mkdir(parents=True)
    certificates = make_certificates(root / "tls") if tls else None
    conf = root / "slapd.conf"
    conf.write_text(_config(root, certificates))
    ldif = root / "bank.ldif"
    ldif.write_text(_ldif(), encoding="utf-8")
    subprocess.run(  # noqa: S603  # fixed arguments
        [SLAPADD, "-f", str(conf), "-l", str(ldif), "-q"],
        check=True,
        capture_output=True,
    )
    port = free_port()
    uri = f"ldap://127.0.0.1:{port}"
    ports, listen = [port], f"{uri}/"
    ldaps_uri = ""
    if certificates:
        ports.append(free_port())
        ldaps_uri = f"ldaps://127.0.0.1:{ports[1]}"
        listen += f" {ldaps_uri}/"
    with (root / "slapd.log").open("wb") as log:
        # -d 0: stay in the foreground (so that this process owns it), log nothing extra.
        process = subprocess.Popen(  # noqa: S603
            [SLAPD, "-f", str(conf), "-h", listen, "-d", "0"],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        for each in ports:
            _wait(each, process, root)
        yield Slapd(uri=uri, root=root, process=process, tls=certificates, ldaps_uri=ldaps_uri)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(root / "data", ignore_errors=True)


@pytest.fixture
def slapd(tmp_path: Path) -> Iterator[Slapd]:
    """A real OpenLDAP server with the small bank's directory, for one test."""
    reason = missing_reason()
    if reason:
        skip_or_fail(reason)
    with running_slapd(tmp_path / "slapd") as running:
        yield running


@pytest.fixture
def tls_slapd(tmp_path: Path) -> Iterator[Slapd]:
    """The same directory with a certificate from a throwaway CA, requiring StartTLS."""
    reason = missing_reason() or (None if shutil.which("openssl") else "openssl is not installed")
    if reason:
        skip_or_fail(reason)
    with running_slapd(tmp_path / "slapd", tls=True) as running:
        yield running


@pytest.fixture
def directory(slapd: Slapd, settings: Any) -> Slapd:
    """Hanse configured for the test directory (as the LDAP_* environment would)."""
    return configure(slapd, settings)


def configure(slapd: Slapd, settings: Any) -> Slapd:
    """Point Hanse's LDAP_* settings at ``slapd``."""
    settings.LDAP_SERVER_URI = slapd.uri
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
    settings.LDAP_USERNAME_ATTRIBUTE = "uid"
    settings.LDAP_START_TLS = False
    settings.LDAP_SYNC_MAX_DEACTIVATE_PERCENT = 10
    return slapd
