"""The console log format (make run) prints a plain traceback: no frame's locals, so nothing
lazy is evaluated while logging and no content or names reach the log (issue 22)."""

from __future__ import annotations

import sys

from hanse.observability import logs


def test_console_traceback_leaves_locals_alone() -> None:
    evaluated: list[str] = []

    class Lazy:
        def __repr__(self) -> str:
            evaluated.append("repr")
            return "Erika Mustermann"

    renderer = logs._renderer("console")
    lazy = Lazy()
    try:
        raise ValueError(f"boom {id(lazy)}")
    except ValueError:
        line = renderer(None, "error", {"event": "failed", "exc_info": sys.exc_info()})
    assert "ValueError" in line
    assert "Traceback" in line
    assert evaluated == []
    assert "Erika Mustermann" not in line
