"""Reading the directory: one bound connection, paged searches (Active Directory hands out
at most 1,000 entries per page), attribute values as text."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import ldap
from ldap.controls import SimplePagedResultsControl

from hanse.identity.ldap.config import DirectoryConfig

PAGE_SIZE = 500


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

    def group_members(self, dn: str) -> list[str] | None:
        """The DNs of a group's members; None when there is no such group."""
        try:
            result = self.connection.search_s(
                dn, ldap.SCOPE_BASE, "(objectClass=*)", [self.config.member_attribute]
            )
        except ldap.NO_SUCH_OBJECT:
            return None
        if not result:
            return None
        return Entry(result[0][0], _decode(result[0][1])).values(self.config.member_attribute)


@dataclass
class NestedMembers:
    """Everyone in a group, groups within it followed (``Directory.nested_members``)."""

    members: list[str] = field(default_factory=list)  # DNs of the entries that are no group
    # (group, path from the mapped group) for a group met again on its own path: cut there.
    cycles: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    too_deep: list[str] = field(default_factory=list)  # groups below the depth limit


def nested_members(
    directory: Directory, dn: str, *, people: set[str], depth: int
) -> NestedMembers | None:
    """The members of the group ``dn`` and, ``depth`` levels down, of the groups among them;
    None when there is no such group.

    slapd has no LDAP_MATCHING_RULE_IN_CHAIN (AD's 1.2.840.113556.1.4.1941), so the groups are
    walked here, breadth first: a member that is one of ``people`` (lower-case DNs of the
    people search) is a person and costs no query; any other member is read once to see
    whether it has members of its own (a group). A group met again is not read again (two
    paths to it, or a cycle, which is reported)."""
    direct = directory.group_members(dn)
    if direct is None:
        return None
    result = NestedMembers()
    found: set[str] = set()
    read = {dn.lower()}
    queue: deque[tuple[list[str], tuple[str, ...]]] = deque([(direct, (dn,))])
    while queue:
        members, path = queue.popleft()
        for member in members:
            key = member.lower()
            if key in people or depth == 0:
                if key not in found:
                    found.add(key)
                    result.members.append(member)
                continue
            if key in read:
                if key in {p.lower() for p in path}:
                    result.cycles.append((member, path))
                continue
            read.add(key)
            inner = directory.group_members(member)
            if not inner:
                # No entry, or an entry without members (a person outside the search).
                if key not in found:
                    found.add(key)
                    result.members.append(member)
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
