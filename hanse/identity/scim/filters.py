"""SCIM filters (RFC 7644 3.4.2.2) turned into a database query, for the attributes Hanse
stores. Comparisons (eq ne co sw ew pr gt ge lt le) joined by ``and``/``or``/``not`` and
parentheses; ``emails[type eq "work"].value`` reads as ``emails.value`` (a person has one
address). Anything else is an ``invalidFilter`` error, never a 500."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q

_OPS = {"eq", "ne", "co", "sw", "ew", "pr", "gt", "ge", "lt", "le"}
_BRACKET = re.compile(r"\[[^\]]*\]")


class FilterError(ValueError):
    """The filter cannot be read or names an attribute we cannot filter on."""


@dataclass(frozen=True)
class Field:
    lookup: str
    kind: str = "string"  # string, bool, int, date


def _tokens(text: str) -> list[str]:
    # Brackets of a value filter ("emails[type eq "work"].value") hold spaces: drop them first.
    text = _BRACKET.sub("", text)
    out: list[str] = []
    pos = 0
    pattern = re.compile(r'\s*(\(|\)|"(?:[^"\\]|\\.)*"|[^\s()"]+)')
    while pos < len(text):
        if not text[pos:].strip():
            break
        match = pattern.match(text, pos)
        if match is None:
            raise FilterError("Unreadable filter.")
        out.append(match.group(1))
        pos = match.end()
    return out


class _Parser:
    def __init__(self, tokens: list[str], fields: dict[str, Field]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.fields = fields

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> str:
        token = self.peek()
        if token is None:
            raise FilterError("The filter ends too early.")
        self.pos += 1
        return token

    def parse(self) -> Q:
        q = self.disjunction()
        if self.peek() is not None:
            raise FilterError(f"Unexpected “{self.peek()}” in the filter.")
        return q

    def disjunction(self) -> Q:
        q = self.conjunction()
        while (self.peek() or "").lower() == "or":
            self.take()
            q = q | self.conjunction()
        return q

    def conjunction(self) -> Q:
        q = self.factor()
        while (self.peek() or "").lower() == "and":
            self.take()
            q = q & self.factor()
        return q

    def factor(self) -> Q:
        token = self.take()
        if token.lower() == "not":
            if self.take() != "(":
                raise FilterError("“not” must be followed by a parenthesis.")
            q = self.disjunction()
            if self.take() != ")":
                raise FilterError("A parenthesis is not closed.")
            return ~q
        if token == "(":  # noqa: S105 (a word of the filter, not a secret)
            q = self.disjunction()
            if self.take() != ")":
                raise FilterError("A parenthesis is not closed.")
            return q
        return self.comparison(token)

    def comparison(self, attribute: str) -> Q:
        field = self.fields.get(_attribute_key(attribute))
        if field is None:
            raise FilterError(f"Filtering on “{attribute}” is not supported.")
        op = self.take().lower()
        if op not in _OPS:
            raise FilterError(f"Unknown operator “{op}”.")
        if op == "pr":
            if field.kind == "string":
                return Q(**{f"{field.lookup}__isnull": False}) & ~Q(**{field.lookup: ""})
            return Q(**{f"{field.lookup}__isnull": False})
        value = _value(self.take(), field)
        return _compare(field, op, value)


def _attribute_key(attribute: str) -> str:
    key = attribute.lower()
    # A fully qualified name: urn:…:User:userName
    for prefix in (
        "urn:ietf:params:scim:schemas:core:2.0:user:",
        "urn:ietf:params:scim:schemas:core:2.0:group:",
    ):
        if key.startswith(prefix):
            key = key[len(prefix) :]
    return key


def _value(token: str, field: Field) -> object:
    if token.startswith('"'):
        raw = token[1:-1].replace('\\"', '"').replace("\\\\", "\\")
        if field.kind == "int":
            # SCIM ids are strings; ours are numbers, and any other text matches nobody.
            return int(raw) if raw.isdigit() and len(raw) < 19 else -1
        if field.kind == "bool":
            raise FilterError("This attribute takes true or false, without quotes.")
        return raw
    lowered = token.lower()
    if field.kind == "bool" and lowered in ("true", "false"):
        return lowered == "true"
    if field.kind == "int" and token.isdigit() and len(token) < 19:
        return int(token)
    if lowered == "null":
        return None
    raise FilterError(f"“{token}” is not a valid value here.")


_STRING_OPS: dict[str, Callable[[str, object], Q]] = {
    "eq": lambda f, v: Q(**{f"{f}__iexact": v}),
    "ne": lambda f, v: ~Q(**{f"{f}__iexact": v}),
    "co": lambda f, v: Q(**{f"{f}__icontains": v}),
    "sw": lambda f, v: Q(**{f"{f}__istartswith": v}),
    "ew": lambda f, v: Q(**{f"{f}__iendswith": v}),
    "gt": lambda f, v: Q(**{f"{f}__gt": v}),
    "ge": lambda f, v: Q(**{f"{f}__gte": v}),
    "lt": lambda f, v: Q(**{f"{f}__lt": v}),
    "le": lambda f, v: Q(**{f"{f}__lte": v}),
}


def _compare(field: Field, op: str, value: object) -> Q:
    if field.kind == "string":
        if value is None:
            raise FilterError("Compare with “pr” to find present values.")
        return _STRING_OPS[op](field.lookup, value)
    if op == "eq":
        return Q(**{field.lookup: value})
    if op == "ne":
        return ~Q(**{field.lookup: value})
    if field.kind == "int" and op in ("gt", "ge", "lt", "le"):
        return _STRING_OPS[op](field.lookup, value)
    raise FilterError(f"“{op}” does not apply to this attribute.")


def to_q(text: str, fields: dict[str, Field]) -> Q:
    """The query for a filter over ``fields`` (lower-case attribute paths)."""
    if len(text) > 2000:
        raise FilterError("The filter is too long.")
    tokens = _tokens(text)
    if not tokens:
        raise FilterError("The filter is empty.")
    return _Parser(tokens, fields).parse()


USER_FIELDS = {
    "id": Field("pk", "int"),
    "username": Field("username"),
    "externalid": Field("scim__external_id"),
    "emails": Field("email"),
    "emails.value": Field("email"),
    "name.givenname": Field("first_name"),
    "name.familyname": Field("last_name"),
    "title": Field("job_title"),
    "active": Field("is_active", "bool"),
}
GROUP_FIELDS = {
    "id": Field("pk", "int"),
    "displayname": Field("name"),
    "externalid": Field("scim__external_id"),
    "members": Field("members__pk", "int"),
    "members.value": Field("members__pk", "int"),
}
