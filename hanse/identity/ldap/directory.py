"""Reading the directory: one bound connection, paged searches (Active Directory hands out
at most 1,000 entries per page), attribute values as text."""

from __future__ import annotations

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
