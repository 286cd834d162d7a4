"""Reading the directory: one bound connection, paged searches (Active Directory hands out
at most 1,000 entries per page), attribute values as text, the values of a multi-valued
attribute (a group's members) read across Active Directory's ranges (ranges.py)."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import ldap
import ldap.dn
from cryptography import x509
from django.utils import timezone
from django.utils.translation import gettext as _
from ldap.controls import SimplePagedResultsControl

from hanse.identity.ldap import ranges
from hanse.identity.ldap.config import DirectoryConfig

PAGE_SIZE = 500
# rootDSE supportedCapabilities of Active Directory and AD LDS (Samba announces the first):
# directories that follow ranged retrieval (ranges.py).
AD_CAPABILITIES = {"1.2.840.113556.1.4.800", "1.2.840.113556.1.4.1851"}
UNKNOWN = "(unknown error code)"  # what libldap's "info" says when it knows nothing more


@dataclass
class Entry:
    dn: str
    attrs: dict[str, list[str]] = field(default_factory=dict)

    def first(self, attribute: str) -> str:
        # Attribute names are case-insensitive in LDAP.
        for name, values in self.attrs.items():
            if name.lower() == attribute.lower() and values:
                return values[0]
        return ""

    def values(self, attribute: str) -> list[str]:
        for name, values in self.attrs.items():
            if name.lower() == attribute.lower():
                return values
        return []


def tls_options(config: DirectoryConfig) -> dict[int, Any]:
    """python-ldap options for ldaps:// and StartTLS (also what the login backend uses)."""
    options: dict[int, Any] = {
        ldap.OPT_REFERRALS: 0,  # AD's referrals lead to servers we have no bind for
        ldap.OPT_NETWORK_TIMEOUT: config.timeout,
        ldap.OPT_TIMEOUT: config.timeout,
        ldap.OPT_X_TLS_REQUIRE_CERT: (
            ldap.OPT_X_TLS_DEMAND if config.require_cert else ldap.OPT_X_TLS_NEVER
        ),
    }
    if config.ca_file:
        options[ldap.OPT_X_TLS_CACERTFILE] = config.ca_file
    # Applies the TLS options above to this connection (must come last).
    options[ldap.OPT_X_TLS_NEWCTX] = 0
    return options


class DirectoryError(Exception):
    """The directory could not be read; the message says why (``describe_error``)."""


def normal_dn(dn: str) -> str:
    """A DN as one comparable string: "CN=Anna, OU=Groups,DC=bank" and
    "cn=anna,ou=groups,dc=bank" are the same entry (attribute names and, for the naming
    attributes Active Directory and OpenLDAP use, values compare without letter case)."""
    try:
        return str(ldap.dn.dn2str(ldap.dn.str2dn(dn.strip()))).lower()
    except ldap.DECODING_ERROR:
        return dn.strip().lower()


def is_under(dn: str, base: str) -> bool:
    """Whether ``dn`` is ``base`` or an entry below it (both normal_dn)."""
    return not base or dn == base or dn.endswith("," + base)


def group_base(config: DirectoryConfig) -> str:
    """Where groups are looked for (normal_dn): ``LDAP_GROUP_SEARCH_BASE``, else the domain
    the people live in (the ``dc=`` part of ``LDAP_USER_SEARCH_BASE``)."""
    if config.group_base:
        return normal_dn(config.group_base)
    try:
        rdns = ldap.dn.str2dn(config.user_base.strip())
    except ldap.DECODING_ERROR:
        return normal_dn(config.user_base)
    domain: list[Any] = []
    for rdn in reversed(rdns):
        if rdn[0][0].lower() != "dc":
            break
        domain.insert(0, rdn)
    return str(ldap.dn.dn2str(domain or rdns)).lower()


def _peer_certificate(config: DirectoryConfig) -> x509.Certificate | None:
    """The directory's certificate, fetched over a connection that does not check it, only
    to say why the checked one failed: nothing is sent but the TLS handshake (and, for
    ldaps://, an anonymous "who am I"), no password. None when TLS fails even so."""
    connection = ldap.initialize(config.uri, bytes_mode=False)
    options = {**tls_options(config), ldap.OPT_X_TLS_REQUIRE_CERT: ldap.OPT_X_TLS_NEVER}
    options[ldap.OPT_X_TLS_NEWCTX] = options.pop(ldap.OPT_X_TLS_NEWCTX)  # still the last
    try:
        for option, value in options.items():
            connection.set_option(option, value)
        if config.start_tls:
            connection.start_tls_s()
        else:
            with suppress(ldap.INSUFFICIENT_ACCESS, ldap.UNWILLING_TO_PERFORM):
                connection.whoami_s()
        der = connection.get_option(ldap.OPT_X_TLS_PEERCERT)
        return x509.load_der_x509_certificate(der) if der else None
    except (ldap.LDAPError, ValueError):
        return None
    finally:
        with suppress(ldap.LDAPError):
            connection.unbind_s()


def _trusted_names(ca_file: str) -> list[str]:
    try:
        with open(ca_file, "rb") as pem:
            return [c.subject.rfc4514_string() for c in x509.load_pem_x509_certificates(pem.read())]
    except (OSError, ValueError):
        return []


def _tls_refusal(config: DirectoryConfig) -> str:
    """Why the directory's certificate was refused, or "" when TLS is not what failed."""
    certificate = _peer_certificate(config)
    if certificate is None:
        return ""
    issuer = certificate.issuer.rfc4514_string()
    now = timezone.now()
    if certificate.not_valid_after_utc < now or certificate.not_valid_before_utc > now:
        return _(
            "the directory's TLS certificate is not valid now (valid %(start)s to %(end)s)"
        ) % {
            "start": certificate.not_valid_before_utc.date().isoformat(),
            "end": certificate.not_valid_after_utc.date().isoformat(),
        }
    trusted = _trusted_names(config.ca_file) if config.ca_file else []
    if config.ca_file and issuer not in trusted:
        return _(
            "the directory's TLS certificate is issued by %(issuer)s, which is not a CA in "
            "LDAP_TLS_CA_FILE (%(trusted)s)"
        ) % {"issuer": issuer, "trusted": "; ".join(trusted) or config.ca_file}
    return _(
        "the directory's TLS certificate (%(subject)s, issued by %(issuer)s) was not accepted: "
        "is it made out for the host name in LDAP_SERVER_URI, and is its CA in "
        "LDAP_TLS_CA_FILE or the system's store?"
    ) % {"subject": certificate.subject.rfc4514_string(), "issuer": issuer}


def _reason(error: ldap.LDAPError, config: DirectoryConfig) -> str:
    uses_tls = config.start_tls or any(u.lower().startswith("ldaps:") for u in config.uri.split())
    if isinstance(error, ldap.CONNECT_ERROR | ldap.SERVER_DOWN) and uses_tls:
        refusal = _tls_refusal(config) if config.require_cert else ""
        if refusal:
            return refusal
        if isinstance(error, ldap.CONNECT_ERROR) and config.start_tls:
            return _("StartTLS failed (LDAP_START_TLS): the directory did not encrypt")
    if isinstance(error, ldap.CONFIDENTIALITY_REQUIRED):
        return _("the directory requires an encrypted connection: use ldaps:// or LDAP_START_TLS")
    if isinstance(error, ldap.SERVER_DOWN):
        return _("the directory cannot be reached at %(uri)s") % {"uri": config.uri}
    if isinstance(error, ldap.INVALID_CREDENTIALS):
        return _("the directory refused the service account (LDAP_BIND_DN, LDAP_BIND_PASSWORD)")
    if isinstance(error, ldap.NO_SUCH_OBJECT):
        return _("a search base does not exist (LDAP_USER_SEARCH_BASE, LDAP_GROUP_SEARCH_BASE)")
    return ""


def describe_error(error: ldap.LDAPError, config: DirectoryConfig) -> str:
    """What a directory error means for the person who runs Hanse: TLS and bind failures
    named with the setting to look at, then the directory's own words (python-ldap says only
    "Connect error" or "Can't contact LDAP server" when a certificate is refused)."""
    details = error.args[0] if error.args and isinstance(error.args[0], dict) else {}
    words: list[str] = []
    for key in ("desc", "info"):
        word = str(details.get(key) or "")
        if word and word != UNKNOWN and word.lower() not in (w.lower() for w in words):
            words.append(word)
    said = "; ".join(words) or str(error)
    reason = _reason(error, config)
    return f"{reason} ({said})" if reason else said


def _decode(raw: dict[str, list[bytes]]) -> dict[str, list[str]]:
    return {
        name: [value.decode("utf-8", errors="replace") for value in values]
        for name, values in raw.items()
    }


class Directory:
    def __init__(self, connection: Any, config: DirectoryConfig) -> None:
        self.connection = connection
        self.config = config

    def search(self, base: str, filterstr: str, attributes: list[str] | None) -> list[Entry]:
        control = SimplePagedResultsControl(True, size=PAGE_SIZE, cookie="")
        entries: list[Entry] = []
        while True:
            msgid = self.connection.search_ext(
                base, ldap.SCOPE_SUBTREE, filterstr, attributes, serverctrls=[control]
            )
            _, data, _, controls = self.connection.result3(msgid, timeout=self.config.timeout)
            entries.extend(Entry(dn, _decode(attrs)) for dn, attrs in data if dn)
            cookie = next((c.cookie for c in controls if c.controlType == control.controlType), b"")
            if not cookie:
                return entries
            control.cookie = cookie

    def people(self) -> list[Entry]:
        attributes = [self.config.username_attribute, *self.config.attributes.values()]
        return self.search(self.config.user_base, self.config.list_filter, attributes)

    def require(self, dn: str) -> None:
        """Raise ldap.NO_SUCH_OBJECT unless ``dn`` exists (a search base)."""
        self.connection.search_s(dn, ldap.SCOPE_BASE, "(objectClass=*)", ["1.1"])

    @cached_property
    def speaks_ranges(self) -> bool:
        """Whether the directory supports ranged retrieval: it announces Active Directory (or
        AD LDS) in its rootDSE, as Samba does too. Others (OpenLDAP) know no ``;range=``
        option and would answer a ranged request with nothing."""
        try:
            result = self.connection.search_s(
                "", ldap.SCOPE_BASE, "(objectClass=*)", ["supportedCapabilities"]
            )
        except (ldap.NO_SUCH_OBJECT, ldap.INSUFFICIENT_ACCESS):
            return False
        if not result:
            return False
        capabilities = Entry(result[0][0], _decode(result[0][1])).values("supportedCapabilities")
        return bool(AD_CAPABILITIES & set(capabilities))

    def values(self, dn: str, attribute: str) -> list[str] | None:
        """Every value of a multi-valued attribute of one entry, the directory's ranges followed
        (``ranges.read_all``: Active Directory hands out 1,500 at a time); None when there is no
        such entry. With ``LDAP_RANGE_SIZE``, a directory that speaks ranges is asked for that
        many at a time."""
        size = self.config.range_size if self.config.range_size and self.speaks_ranges else 0

        def fetch(description: str) -> dict[str, list[str]] | None:
            try:
                result = self.connection.search_s(
                    dn, ldap.SCOPE_BASE, "(objectClass=*)", [description]
                )
            except ldap.NO_SUCH_OBJECT:
                return None
            return _decode(result[0][1]) if result else None

        try:
            return ranges.read_all(fetch, attribute, size=size)
        except ranges.RangeError as exc:
            raise DirectoryError(f"{dn}: {exc}") from exc

    def group_members(self, dn: str) -> list[str] | None:
        """The DNs of a group's members, every range read; None when there is no such group."""
        return self.values(dn, self.config.member_attribute)


@dataclass
class NestedMembers:
    """Everyone in a group, groups within it followed (``Directory.nested_members``)."""

    members: list[str] = field(default_factory=list)  # DNs of the entries that are no group
    # (group, path from the mapped group) for a group met again on its own path: cut there.
    cycles: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    too_deep: list[str] = field(default_factory=list)  # groups below the depth limit


def nested_members(
    directory: Directory, dn: str, *, people: set[str], depth: int, base: str
) -> NestedMembers | None:
    """The members of the group ``dn`` and, ``depth`` levels down, of the groups among them;
    None when there is no such group.

    slapd has no LDAP_MATCHING_RULE_IN_CHAIN (AD's 1.2.840.113556.1.4.1941), so the groups are
    walked here, breadth first: a member that is one of ``people`` (normal_dn of the people
    search) is a person and costs no query; any other member below ``base`` (the group search
    base, normal_dn) is read once to see whether it has members of its own (a group). A group
    met again is not read again (two paths to it, or a cycle, which is reported).

    The sign-in finds the same groups from the other end (``backend.NestedGroupType``: the
    groups below ``base`` that list the person, then the groups that list those, ``depth``
    + 1 rounds): breadth first, both reach a group by its shortest path, so a person counts
    as a member of a mapped group in both or in neither."""
    direct = directory.group_members(dn)
    if direct is None:
        return None
    result = NestedMembers()
    found: set[str] = set()
    read = {normal_dn(dn)}
    queue: deque[tuple[list[str], tuple[str, ...]]] = deque([(direct, (dn,))])

    def add(member: str, key: str) -> None:
        if key not in found:
            found.add(key)
            result.members.append(member)

    while queue:
        members, path = queue.popleft()
        for member in members:
            key = normal_dn(member)
            if key in people or depth == 0 or not is_under(key, base):
                add(member, key)
                continue
            if key in read:
                if key in {normal_dn(p) for p in path}:
                    result.cycles.append((member, path))
                continue
            read.add(key)
            inner = directory.group_members(member)
            if not inner:
                # No entry, or an entry without members (a person outside the search).
                add(member, key)
                continue
            if len(path) > depth:
                result.too_deep.append(member)
                continue
            queue.append((inner, (*path, member)))
    return result


@contextmanager
def connect(config: DirectoryConfig) -> Iterator[Directory]:
    connection = ldap.initialize(config.uri, bytes_mode=False)
    for option, value in tls_options(config).items():
        connection.set_option(option, value)
    try:
        if config.start_tls:
            connection.start_tls_s()
        connection.simple_bind_s(config.bind_dn, config.bind_password)
        yield Directory(connection, config)
    finally:
        connection.unbind_s()
