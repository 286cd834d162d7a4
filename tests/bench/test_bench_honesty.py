"""The benches print no figure and no PASS for requests that failed or were never made."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command

from bench import feed
from bench.honesty import EXIT_UNTRUSTED, Ledger

pytestmark = pytest.mark.django_db


def feed_args(**overrides: Any) -> Any:
    args = feed.parser().parse_args(["--database-url", "unused", "--size", "small"])
    small = {"requests": 4, "creates": 2, "viewers": 3, "depth": 1, "first_rounds": 2}
    for name, value in {**small, **overrides}.items():
        setattr(args, name, value)
    return args


@pytest.fixture
def small_demo() -> None:
    call_command("seed_demo", size="small", seed=1, stdout=io.StringIO(), stderr=io.StringIO())


def test_feed_bench_refuses_figures_when_the_host_is_refused(
    small_demo: None, settings: Any, capsys: Any
) -> None:
    """With testserver missing from ALLOWED_HOSTS every request is a 400: no row, no PASS."""
    settings.ALLOWED_HOSTS = ["hanse.example"]
    status = feed.run(feed_args())
    out = capsys.readouterr().out
    assert status == EXIT_UNTRUSTED
    assert "BENCH FAILED" in out
    assert "answered 400" in out
    assert "PASS" not in out
    assert " ms" not in out


def test_feed_bench_prints_figures_when_every_request_answers(
    small_demo: None, capsys: Any
) -> None:
    """The same run with the host allowed measures every request and prints its table."""
    status = feed.run(feed_args())
    out = capsys.readouterr().out
    assert status in (0, 1)  # 1: a target missed on a slow machine, still honest figures
    assert "BENCH FAILED" not in out
    assert "Home feed, first page p50" in out
    assert "Whole start page /, first look of the day p99" in out
    assert "Whole start page /, repeat look p50" in out
    assert "Post create, form (2 mentions, tag, image) p99" in out
    assert "Post create, API (2 mentions, tag) p99" in out


def test_a_wrong_url_fails_the_run(small_demo: None, client_for: Any, capsys: Any) -> None:
    """Timing a URL that answers 404 makes the run untrusted, and the table is not printed."""
    from hanse.people.models import User

    ledger = Ledger()
    client = client_for(User.objects.filter(is_active=True).first())
    samples = feed.measure_get(ledger, "/no-such-page/", [(client, "/no-such-page/")], 3, 1)
    printed: list[str] = []
    status = ledger.report(lambda: bool(printed.append("table")))
    out = capsys.readouterr().out
    assert len(samples) == 3
    assert status == EXIT_UNTRUSTED
    assert printed == []
    assert "/no-such-page/: 4 answered 404" in out


def test_fewer_requests_than_asked_fail_the_run(capsys: Any) -> None:
    """A figure measured on fewer requests than asked for is refused, even if all were 200."""
    ledger = Ledger()
    for _ in range(3):
        ledger.answered("/feed/", 200, (200,))
    ledger.measured("/feed/", 3, 200)
    printed: list[str] = []
    status = ledger.report(lambda: bool(printed.append("table")))
    out = capsys.readouterr().out
    assert status == EXIT_UNTRUSTED
    assert printed == []
    assert "/feed/: measured 3 of the 200 requests asked for" in out
    assert "PASS" not in out


def test_a_trusted_run_prints_its_table() -> None:
    """Every request answered as expected and all measured: the figures are printed."""
    ledger = Ledger()
    ledger.answered("/feed/", 200, (200,))
    ledger.measured("/feed/", 1, 1)
    out = io.StringIO()
    assert ledger.report(lambda: True, out=out) == 0
    assert ledger.report(lambda: False, out=out) == 1
    assert out.getvalue() == ""


def test_a_database_that_cannot_be_reached_stops_the_bench_with_how_to_create_it(
    capsys: Any,
) -> None:
    """Before: the first request waited for the pool's 10 s and ended in a traceback."""
    from bench import chat

    # Port 1 on the loopback address: nothing listens there, on any machine.
    with pytest.raises(SystemExit) as stopped:
        chat.configure("postgres://postgres@127.0.0.1:1/hanse_bench_chat", "redis://127.0.0.1:1/0")
    assert stopped.value.code == EXIT_UNTRUSTED
    err = capsys.readouterr().err
    assert "cannot use the database 'hanse_bench_chat' at 127.0.0.1:1" in err
    assert "createdb -h 127.0.0.1 -p 1 -U postgres hanse_bench_chat" in err
