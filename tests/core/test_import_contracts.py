"""Dependencies run one way: the import contracts of pyproject.toml, and no import inside a
function without a reason (docs/architecture.md, "Dependencies run one way")."""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONTRACTS = [
    c["id"]
    for c in tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"][
        "contracts"
    ]
]
# Function-level imports of hanse modules that still carry no reason, as "path: module".
# A debt list: it may only shrink (a new one fails below, and so does a stale line here).
BASELINE = ROOT / "tests" / "core" / "function_imports_baseline.txt"


@pytest.mark.parametrize("contract", CONTRACTS)
def test_import_contract_is_kept(contract: str) -> None:
    """Each import contract (layers, forbidden imports, no cycles) holds for the code."""
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(  # noqa: S603 - our own venv's script, fixed arguments
        [str(lint_imports), "--no-cache", "--contract", contract],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _imports_hanse(node: ast.Import | ast.ImportFrom) -> bool:
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        names = [node.module or ""] if node.level == 0 else ["hanse"]
    return any(name == "hanse" or name.startswith("hanse.") for name in names)


def _unexplained_in(path: Path) -> list[tuple[int, str]]:
    """Function-level imports of hanse modules with no comment on their lines or on the line
    above their group (consecutive import statements share the comment above them)."""
    source = path.read_text()
    lines = source.splitlines()
    found: list[tuple[int, str]] = []

    def body_groups(body: list[ast.stmt]) -> list[list[ast.Import | ast.ImportFrom]]:
        groups: list[list[ast.Import | ast.ImportFrom]] = []
        current: list[ast.Import | ast.ImportFrom] = []
        for stmt in body:
            if isinstance(stmt, ast.Import | ast.ImportFrom):
                current.append(stmt)
            elif current:
                groups.append(current)
                current = []
        if current:
            groups.append(current)
        return groups

    def check(body: list[ast.stmt]) -> None:
        for group in body_groups(body):
            first = group[0].lineno
            own_lines = range(first - 1, (group[-1].end_lineno or group[-1].lineno))
            explained = any("#" in lines[i] for i in own_lines) or (
                first >= 2 and lines[first - 2].strip().startswith("#")
            )
            if not explained:
                found.extend(
                    (node.lineno, ast.unparse(node)) for node in group if _imports_hanse(node)
                )

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inside = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if inside:
                for field in ("body", "orelse", "finalbody", "handlers"):
                    block = getattr(child, field, None)
                    if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
                        check(block)
            visit(child, inside)

    visit(ast.parse(source), False)
    return found


def _unexplained() -> dict[str, tuple[Path, int]]:
    found: dict[str, tuple[Path, int]] = {}
    for path in sorted((ROOT / "hanse").rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for lineno, statement in _unexplained_in(path):
            found.setdefault(f"{path.relative_to(ROOT)}: {statement}", (path, lineno))
    return found


def test_every_import_inside_a_function_says_why() -> None:
    """An import of a hanse module inside a function carries a comment saying why (on its
    line or the line above its group), except the listed debt; the list only shrinks."""
    baseline = {
        line.strip()
        for line in BASELINE.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    found = _unexplained()
    new = sorted(
        f"{key} (line {lineno})" for key, (_p, lineno) in found.items() if key not in baseline
    )
    assert not new, "Say why this import is inside a function, or move it up:\n" + "\n".join(new)
    stale = sorted(baseline - set(found))
    assert not stale, f"Remove these lines from {BASELINE.name}:\n" + "\n".join(stale)


def test_an_unexplained_function_level_import_is_found(tmp_path: Path) -> None:
    """The check finds an import inside a function without a comment, and accepts one with."""
    module = tmp_path / "example.py"
    module.write_text(
        "def a():\n"
        "    from hanse.posts.models import Post\n"
        "    return Post\n"
        "\n"
        "def b():\n"
        "    # Registered at import time; at module level it would cycle through posts.\n"
        "    from hanse.posts.models import Post\n"
        "    from hanse.chat.models import Channel\n"
        "    return Post, Channel\n"
        "\n"
        "def c():\n"
        "    import json\n"
        "    from hanse.core import text  # the app registry must be ready\n"
        "    return json, text\n"
    )
    assert _unexplained_in(module) == [(2, "from hanse.posts.models import Post")]
