"""docs/asvs.md cannot rot: every id is a level 1 or 2 requirement of OWASP ASVS 5.0.0, every
such requirement is listed, every cited test exists, and every row marked "tested" cites one.
The tests cited on docs/security.md are checked the same way."""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MAP = ROOT / "docs" / "asvs.md"
SECURITY = ROOT / "docs" / "security.md"

# The level 1 and level 2 requirements of ASVS 5.0.0, per section: (first, last, level).
# Read from the standard's level lists (OWASP/ASVS v5.0.0, 5.0/en; 70 at level 1, 183 more at
# level 2). Level 3 requirements are not listed and may not be cited as if they were level 2.
SECTIONS = """
1.1 1-2:2 | 1.2 1-5:1 6-9:2 | 1.3 1-2:1 3-11:2 | 1.4 1-3:2 | 1.5 1:1 2:2
2.1 1:1 2-3:2 | 2.2 1-2:1 3:2 | 2.3 1:1 2-4:2 | 2.4 1:2
3.2 1-2:1 | 3.3 1:1 2-4:2 | 3.4 1-2:1 3-6:2 | 3.5 1-3:1 4-5:2 | 3.7 1-2:2
4.1 1:1 2-3:2 | 4.2 1:2 | 4.3 1-2:2 | 4.4 1:1 2-4:2
5.1 1:2 | 5.2 1-2:1 3:2 | 5.3 1-2:1 | 5.4 1-3:2
6.1 1:1 2-3:2 | 6.2 1-8:1 9-12:2 | 6.3 1-2:1 3-4:2 | 6.4 1-2:1 3-4:2 | 6.5 1-5:2 | 6.6 1-3:2
6.8 1-4:2
7.1 1-3:2 | 7.2 1-4:1 | 7.3 1-2:2 | 7.4 1-2:1 3-5:2 | 7.5 1-2:2 | 7.6 1-2:2
8.1 1:1 2:2 | 8.2 1-2:1 3:2 | 8.3 1:1 | 8.4 1:2
9.1 1-3:1 | 9.2 1:1 2-4:2
10.1 1-2:2 | 10.2 1-2:2 | 10.3 1-4:2 | 10.4 1-5:1 6-11:2 | 10.5 1-5:2 | 10.6 1-2:2 | 10.7 1-3:2
11.1 1-2:2 | 11.2 1-3:2 | 11.3 1-2:1 3:2 | 11.4 1:1 2-4:2 | 11.5 1:2 | 11.6 1:2
12.1 1:1 2-3:2 | 12.2 1-2:1 | 12.3 1-4:2
13.1 1:2 | 13.2 1-5:2 | 13.3 1-2:2 | 13.4 1:1 2-5:2
14.1 1-2:2 | 14.2 1:1 2-4:2 | 14.3 1:1 2-3:2
15.1 1:1 2-3:2 | 15.2 1:1 2-3:2 | 15.3 1:1 2-7:2
16.1 1:2 | 16.2 1-5:2 | 16.3 1-4:2 | 16.4 1-3:2 | 16.5 1-3:2
17.1 1:2 | 17.2 1-4:2 | 17.3 1-2:2
"""
STATUSES = {"tested", "met", "partial", "operator", "gap", "n/a"}
ID = re.compile(r"^\d+\.\d+\.\d+$")
CITATION = re.compile(r"`(tests/[\w/]+\.py)(?:::(\w+))?`")


def _key(requirement: str) -> tuple[int, ...]:
    return tuple(int(part) for part in requirement.split("."))


@cache
def requirements() -> dict[str, int]:
    """Every level 1 and 2 requirement id with its level."""
    found: dict[str, int] = {}
    for section in SECTIONS.replace("\n", " | ").split("|"):
        parts = section.split()
        if not parts:
            continue
        prefix = parts[0]
        for span in parts[1:]:
            numbers, level = span.split(":")
            first, _, last = numbers.partition("-")
            for n in range(int(first), int(last or first) + 1):
                found[f"{prefix}.{n}"] = int(level)
    return found


def _ids(cell: str) -> list[str]:
    """One id, or a range "a.b.c-x.y.z" of the ids between them (inclusive)."""
    first, _, last = cell.partition("-")
    assert ID.match(first) and (not last or ID.match(last)), f"not an id: {cell}"
    if not last:
        return [first]
    return [r for r in requirements() if _key(first) <= _key(r) <= _key(last)]


def rows() -> list[list[str]]:
    found = []
    for line in MAP.read_text().splitlines():
        if not re.match(r"^\| \d+\.\d+\.\d+", line):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split(" | ")]
        assert len(cells) == 6, line
        found.append(cells)
    return found


@cache
def _functions(path: str) -> set[str]:
    tree = ast.parse((ROOT / path).read_text())
    return {
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    }


def _broken(text: str) -> list[str]:
    broken = []
    for path, function in CITATION.findall(text):
        if not (ROOT / path).is_file():
            broken.append(path)
        elif function and function not in _functions(path):
            broken.append(f"{path}::{function}")
    return broken


def test_the_standard_is_read_right() -> None:
    """70 requirements at level 1 and 183 at level 2, as the standard counts them."""
    levels = list(requirements().values())
    assert (levels.count(1), levels.count(2)) == (70, 183)


def test_every_id_is_a_level_one_or_two_requirement_listed_once() -> None:
    seen: list[str] = []
    for cells in rows():
        ids = _ids(cells[0])
        assert ids, cells[0]
        for requirement in ids:
            assert requirement in requirements(), f"{requirement} is not an L1/L2 id of 5.0.0"
        if len(ids) == 1:
            assert cells[2] == str(requirements()[ids[0]]), f"{ids[0]}: level {cells[2]}"
        seen += ids
    duplicates = {r for r in seen if seen.count(r) > 1}
    assert not duplicates


def test_every_level_two_requirement_is_mapped() -> None:
    mapped = {r for cells in rows() for r in _ids(cells[0])}
    assert sorted(set(requirements()) - mapped, key=_key) == []


def test_statuses_and_tested_rows_cite_tests() -> None:
    for cells in rows():
        assert cells[5] in STATUSES, cells
        if cells[5] == "tested":
            assert CITATION.search(cells[4]), f"{cells[0]} is marked tested without a test"


@pytest.mark.parametrize("doc", [MAP, SECURITY], ids=lambda p: p.name)
def test_every_cited_test_exists(doc: Path) -> None:
    text = doc.read_text()
    assert CITATION.search(text)
    assert _broken(text) == []


def test_a_broken_citation_is_found() -> None:
    """The check itself: a renamed test or a moved file is reported."""
    assert _broken("`tests/core/test_asvs_map.py::test_renamed_long_ago`") == [
        "tests/core/test_asvs_map.py::test_renamed_long_ago"
    ]
    assert _broken("`tests/nowhere/test_gone.py`") == ["tests/nowhere/test_gone.py"]
