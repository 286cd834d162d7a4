"""A permission rule is spelled in its app's rules.py and nowhere else (in the spirit of
Zulip's lint rules): a second copy of a check is the bug class that leaks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

HANSE = Path(__file__).resolve().parents[2] / "hanse"

# "Platform administrator" is one predicate: hanse.core.rules.is_platform_admin.
ADMIN_READS = [
    re.compile(r"\.is_superuser\b"),
    re.compile(r"\b(filter|exclude|get)\([^)]*\bis_superuser\b"),
]
# Community and channel roles are read by the rules only.
ROLE_READS = [
    re.compile(r"\.role\s*(==|!=|\bin\b|\bnot\s+in\b)"),
    re.compile(r"\brole__in\b|__role\b"),
    re.compile(r"\b(filter|exclude|get)\([^)]*\brole\s*=\s*(Membership|ChannelMember)\.Role\b"),
    re.compile(r"\brole_of\("),
    re.compile(r"\bMembership\.Role\.(OWNER|MODERATOR)\b"),
]

# The only places allowed to spell these, and why (see _allowed):
# - hanse/core/rules.py: the platform-administrator predicate (the one is_superuser read);
# - hanse/<app>/rules.py: each app's predicates (they read roles, never is_superuser);
# - hanse/demo/: the demo generator creates fictional people, memberships and roles and
#   picks hosts among them; it decides nothing a real person may do.
# A single line elsewhere that reads a role for something other than a permission (the order
# of a member list) carries "# rule-home: <reason>", at its end or as the comment line above.
PRAGMA = "# rule-home:"


def _allowed(relative: str, kind: str) -> bool:
    if relative.endswith("/rules.py"):
        # Only core's rules.py reads is_superuser; the others ask is_platform_admin.
        return kind == "role" or relative == "core/rules.py"
    return relative.startswith("demo/")


def _offences(patterns: list[re.Pattern[str]], kind: str, suffixes: tuple[str, ...]) -> list[str]:
    found = []
    for path in sorted(HANSE.rglob("*")):
        if path.suffix not in suffixes or "migrations" in path.parts:
            continue
        relative = path.relative_to(HANSE).as_posix()
        if _allowed(relative, kind):
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines, 1):
            if PRAGMA in line or (number > 1 and lines[number - 2].strip().startswith(PRAGMA)):
                continue
            if any(p.search(line) for p in patterns):
                found.append(f"hanse/{relative}:{number}: {line.strip()}")
    return found


def test_is_superuser_is_read_only_by_the_platform_admin_predicate() -> None:
    """No module but hanse/core/rules.py reads is_superuser (Django's own admin site aside)."""
    assert _offences(ADMIN_READS, "admin", (".py", ".html", ".txt")) == []


def test_roles_are_read_only_in_rules_modules() -> None:
    """Community and channel roles are compared or filtered on only in an app's rules.py."""
    assert _offences(ROLE_READS, "role", (".py",)) == []


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("if by.is_superuser or post.author_id == by.pk:", "admin"),
        ("User.objects.filter(is_active=True, is_superuser=False)", "admin"),
        ("{% if user.is_superuser %}", "admin"),
        ("if member.role == ChannelMember.Role.ADMIN:", "role"),
        ("Membership.objects.filter(user=u, role__in=roles)", "role"),
        ("User.objects.filter(memberships__role='owner')", "role"),
        ("members.filter(role=ChannelMember.Role.ADMIN).exists()", "role"),
        ("if role_of(author, community) is None:", "role"),
        ("return role in (Membership.Role.OWNER, Membership.Role.MODERATOR)", "role"),
    ],
)
def test_the_scan_catches_the_spellings_it_is_for(line: str, kind: str) -> None:
    """Each pattern finds the hand-written checks this test replaced."""
    patterns = ADMIN_READS if kind == "admin" else ROLE_READS
    assert any(p.search(line) for p in patterns)
