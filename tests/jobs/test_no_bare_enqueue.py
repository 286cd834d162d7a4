"""Work a commit must hand to the task queue goes through the outbox
(``hanse.jobs.outbox.enqueue_on_commit``), never a bare ``transaction.on_commit`` around an
enqueue: that loses the task when Redis is away or the process dies after the commit.

Read from the source of every module in hanse/: a ``transaction.on_commit`` whose callback
queues a task, and a direct ``.enqueue(...)`` outside a task (a task may queue the next step
of its own work: it runs again if it fails), fail this test with where they are."""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings

HANSE = Path(settings.BASE_DIR) / "hanse"
# Calls that put a task on the queue (hanse.jobs.retry.enqueue takes the task first).
ENQUEUE_NAMES = {"enqueue", "queue_delivery"}
# The queue's own machinery, and helpers only tasks call (they queue the next step of a
# task's work, which runs again when the task fails).
ALLOWED = {
    "hanse/jobs/outbox.py",
    "hanse/jobs/retry.py",
    "hanse/jobs/scheduler.py",
    "hanse/notifications/tasks.py:queue_delivery",
}


def _enqueues(node: ast.AST) -> bool:
    for inner in ast.walk(node):
        if isinstance(inner, ast.Call):
            func = inner.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in ENQUEUE_NAMES:
                return True
    return False


def _is_task(func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    for decorator in func.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if getattr(target, "id", getattr(target, "attr", "")) == "task":
            return True
    return False


def _findings(path: Path) -> list[str]:
    relative = path.relative_to(HANSE.parent).as_posix()
    if relative in ALLOWED:
        return []
    tree = ast.parse(path.read_text(), filename=relative)
    functions = {
        node.name: node
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    }
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "on_commit" and node.args:
            callback = node.args[0]
            if isinstance(callback, ast.Name) and callback.id in functions:
                callback = functions[callback.id]
            if _enqueues(callback):
                found.append(f"{relative}:{node.lineno}: transaction.on_commit queues a task")
    # Direct enqueues must be inside a task (or an allowed helper).
    for name, function in functions.items():
        if _is_task(function) or f"{relative}:{name}" in ALLOWED:
            continue
        found.extend(
            f"{relative}:{inner.lineno}: {name}() queues a task directly"
            for inner in ast.walk(function)
            if isinstance(inner, ast.Call)
            and isinstance(inner.func, ast.Attribute)
            and inner.func.attr == "enqueue"
        )
    return found


def test_no_task_is_queued_past_the_outbox():
    """Every after-commit enqueue in hanse/ goes through the outbox."""
    found = [f for path in sorted(HANSE.rglob("*.py")) for f in _findings(path)]
    assert found == []


def test_the_check_finds_a_bare_on_commit_enqueue(tmp_path):
    """The check itself: a bare on_commit enqueue and a receiver's direct enqueue are found."""
    module = tmp_path / "hanse" / "demo_app" / "services.py"
    module.parent.mkdir(parents=True)
    module.write_text(
        "from django.db import transaction\n"
        "def thing_create():\n"
        "    transaction.on_commit(lambda: notify.enqueue(1))\n"
        "def on_event(sender, event, **kwargs):\n"
        "    notify.enqueue(event.id)\n"
    )
    global HANSE
    saved, HANSE = HANSE, tmp_path / "hanse"
    try:
        assert _findings(module) == [
            "hanse/demo_app/services.py:3: transaction.on_commit queues a task",
            "hanse/demo_app/services.py:3: thing_create() queues a task directly",
            "hanse/demo_app/services.py:5: on_event() queues a task directly",
        ]
    finally:
        HANSE = saved
