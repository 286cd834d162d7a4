"""What `make run` starts (one uvicorn process, the embedded database queue and scheduler as
threads, no Redis): a post with a mention made over the API carries its request id into the
lines of the notification tasks the embedded worker runs, and no line holds a name, an e-mail
address or the post's text."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.jobs.make_run import make_run


def _lines(log: Path) -> list[dict[str, Any]]:
    return [json.loads(t) for t in log.read_text().splitlines() if t.startswith("{")]


@pytest.mark.heavy
@pytest.mark.own_stack  # `make run` without Redis: its own SQLite installation
def test_make_run_logs_the_request_id_in_its_task_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOG_FORMAT", "json")
    log = tmp_path / "processes.log"
    with make_run(tmp_path) as running:
        alice = {"Authorization": f"Bearer {running.keys['alice_token']}"}
        created = httpx.post(
            running.origin + "/api/v1/posts",
            json={"body": "Hallo @bob, geheimer Plan"},
            headers={**alice, "X-Request-ID": "mention-42"},
            timeout=30,
        )
        assert created.status_code == 201, created.text
        assert created.headers["X-Request-ID"] == "mention-42"
        deadline = time.monotonic() + 30
        tasks: list[dict[str, Any]] = []
        while time.monotonic() < deadline:
            tasks = [
                line
                for line in _lines(log)
                if line.get("logger") == "hanse.task" and line.get("request_id") == "mention-42"
            ]
            if any("notif" in line["task"] for line in tasks):
                break
            time.sleep(0.3)
    lines = _lines(log)
    (web,) = [
        line
        for line in lines
        if line.get("logger") == "hanse.request" and line.get("request_id") == "mention-42"
    ]
    assert web["status"] == 201 and isinstance(web["person_id"], int)
    assert any("notif" in line["task"] for line in tasks), [t["task"] for t in tasks]
    assert all(line["status"] == "successful" for line in tasks)
    text = log.read_text()
    for secret in ("geheimer Plan", "alice@example.org", "bob@example.org", "Alice"):
        assert secret not in text
