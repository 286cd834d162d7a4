"""Truly anonymous polls: nothing stored, logged, queued, cached, sent or exported links a
person to what they chose (docs/anonymity.md)."""

from __future__ import annotations

import csv
import io
import json
import logging
from typing import Any

import pytest
from django.apps import apps
from django.core import mail
from django.core.cache import caches
from django.db import connection, models
from django_tasks.base import Task

from hanse.jobs.models import OutboxEvent
from hanse.notifications.models import Notification
from hanse.participation.models import Poll, PollOption, PollVote, PollVoter
from hanse.participation.services import poll_close, poll_remind, poll_vote
from hanse.people.models import User
from tests.participation.conftest import option_ids

LABELS = ["Antwortmarker-Alpha", "Antwortmarker-Beta", "Antwortmarker-Gamma"]


@pytest.fixture
def people(make_user, make_community):
    author = make_user("autorin")
    voters = [make_user(f"stimme{i}", first_name=f"Stimmgeberin{i}") for i in range(3)]
    waiting = make_user("wartend")
    community = make_community(owner=author, members=(*voters, waiting))
    return author, voters, waiting, community


@pytest.fixture
def recorded(monkeypatch):
    """Every task enqueued and every cache key written while the test runs."""
    found: dict[str, list[Any]] = {"tasks": [], "cache": []}
    original = Task.enqueue

    def enqueue(self, *args, **kwargs):
        found["tasks"].append((self.module_path, args, kwargs))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Task, "enqueue", enqueue)
    for alias in ("default", "cards"):
        cache = caches[alias]
        for name in ("set", "add", "set_many", "incr", "get_or_set", "touch"):
            method = getattr(cache, name)

            def record(*args, _method=method, **kwargs):
                key = args[0] if args else kwargs.get("key")
                found["cache"].append(repr(key))
                return _method(*args, **kwargs)

            monkeypatch.setattr(cache, name, record)
    return found


def _anonymous_poll(make_poll, author, community, picks, voters, *, capture=None):
    poll = make_poll(author, anonymous=True, options=LABELS, community=community)
    ids = option_ids(poll)
    for voter, pick in zip(voters, picks, strict=True):
        if capture is not None:
            with capture(execute=True):
                poll_vote(poll=poll, voter=voter, option_ids=[ids[pick]])
        else:
            poll_vote(poll=poll, voter=voter, option_ids=[ids[pick]])
    return poll


def _snapshot(poll: Poll) -> dict[str, Any]:
    """Everything the database holds about the poll's votes, without its own ids."""
    table = connection.ops.quote_name(PollVoter._meta.db_table)
    with connection.cursor() as cursor:
        # No ORDER BY: the physical order of the rows as the database returns them.
        cursor.execute(f"SELECT user_id FROM {table} WHERE poll_id = %s", [poll.pk])  # noqa: S608
        physical = [row[0] for row in cursor.fetchall()]
    return {
        "voters_by_id": list(
            PollVoter.objects.filter(poll=poll).order_by("pk").values_list("user_id", flat=True)
        ),
        "voters_physical": physical,
        "options": list(
            PollOption.objects.filter(poll=poll).values_list("label", "position", "anonymous_count")
        ),
        "poll": Poll.objects.filter(pk=poll.pk).values_list("voter_count", "anonymous").get(),
        "ballot_rows": PollVote.objects.filter(poll=poll).count(),
    }


def test_no_ballot_rows_and_no_time_columns():
    """A voter row has no time; an option row only a counter; votes add no other rows."""
    voter_fields = {f.name for f in PollVoter._meta.concrete_fields}
    assert voter_fields == {"id", "poll", "user"}
    option_fields = {f.name for f in PollOption._meta.concrete_fields}
    assert option_fields == {"id", "poll", "label", "position", "anonymous_count"}
    poll_times = {f.name for f in Poll._meta.concrete_fields if isinstance(f, models.DateTimeField)}
    # Set when the poll is created, closed or reminded: never by a vote.
    assert poll_times == {"created_at", "closes_at", "reminded_at"}


def test_two_elections_with_swapped_choices_leave_the_same_state(
    people, make_poll, recorded, django_capture_on_commit_callbacks
):
    """Same voters, same order, choices permuted: the stored state is identical, so no
    ordering, id, position or timestamp can line a voter up with a choice."""
    author, voters, _waiting, community = people
    first = _anonymous_poll(
        make_poll, author, community, [0, 1, 2], voters, capture=django_capture_on_commit_callbacks
    )
    second = _anonymous_poll(
        make_poll, author, community, [2, 0, 1], voters, capture=django_capture_on_commit_callbacks
    )
    assert _snapshot(first) == _snapshot(second)
    assert _snapshot(first)["ballot_rows"] == 0


def test_every_table_and_queue_is_free_of_links(
    people, make_poll, recorded, caplog, settings, django_capture_on_commit_callbacks
):
    """Search every table, the captured logs (SQL at DEBUG included), task payloads and cache
    keys for anything that puts a voter next to a choice."""
    settings.DEBUG = True  # Django then logs every SQL statement it runs
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django.db.backends")
    author, voters, _waiting, community = people
    poll = make_poll(author, anonymous=True, options=LABELS, community=community)
    option_pks = set(option_ids(poll))
    outbox_before = OutboxEvent.objects.count()
    caplog.clear()
    for voter, pick in zip(voters, [0, 1, 1], strict=True):
        with django_capture_on_commit_callbacks(execute=True):
            poll_vote(poll=poll, voter=voter, option_ids=[option_ids(poll)[pick]])
    voter_ids = {v.pk for v in voters}
    voter_names = {v.username for v in voters} | {v.first_name for v in voters}

    # 1. Tables: no row that names a voter also names an option (by key or by label).
    for model in apps.get_models(include_auto_created=True):
        if not model._meta.managed or model._meta.proxy:
            continue
        fields = model._meta.concrete_fields
        user_cols = [f.attname for f in fields if f.is_relation and f.related_model is User] + (
            ["id"] if model is User else []
        )
        option_cols = [f.attname for f in fields if f.is_relation and f.related_model is PollOption]
        text_cols = [
            f.attname
            for f in fields
            if isinstance(f, (models.CharField, models.TextField, models.JSONField))
        ]
        for row in model._default_manager.values(*user_cols, *option_cols, *text_cols):
            if not any(row[c] in voter_ids for c in user_cols):
                continue
            assert not any(row[c] in option_pks for c in option_cols), model
            text = json.dumps([row[c] for c in text_cols], default=str)
            assert not any(label in text for label in LABELS), model

    # 2. Logs: no line names an option of the poll, no ballot statement is logged.
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "INSERT INTO" in logged  # the SQL log is on: the check below means something
    assert "anonymous_count" not in logged
    assert not any(label in logged for label in LABELS)
    ballot_lines = [
        line for line in logged.splitlines() if "polloption" in line and "UPDATE" in line
    ]
    assert ballot_lines == []

    # 3. Task payloads and the outbox: a vote queues nothing.
    assert [t for t in recorded["tasks"] if "participation" in t[0]] == []
    assert OutboxEvent.objects.count() == outbox_before

    # 4. Cache keys: nothing keyed by a vote.
    keys = " ".join(recorded["cache"])
    assert "poll" not in keys.lower()
    assert not any(name in keys for name in voter_names)


def test_api_export_notifications_and_mail_are_free_of_links(
    people, make_poll, client_for, admin_user, django_capture_on_commit_callbacks
):
    """What the author, an administrator and the reminded see: counts, never who chose what."""
    author, voters, waiting, community = people
    poll = _anonymous_poll(make_poll, author, community, [0, 1, 1], voters[:3])
    with django_capture_on_commit_callbacks(execute=True):
        poll_remind(poll=poll, by=author)
    names = [v.username for v in voters] + [v.first_name for v in voters]

    for person in (author, admin_user, voters[0]):
        body = client_for(person).get(f"/api/v1/polls/{poll.pk}").content.decode()
        assert not any(name in body for name in names)
        data = json.loads(body)
        assert [o["count"] for o in data["options"]] == [1, 2, 0]
        assert data["voted"] is (person == voters[0])
        assert not any(o["mine"] for o in data["options"])

    poll_close(poll=poll, by=author)
    response = client_for(author).get(f"/participation/polls/{poll.pk}/export.csv")
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    assert not any(name in text for name in names)
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[1:4] == [[LABELS[0], "1"], [LABELS[1], "2"], [LABELS[2], "0"]]

    # The reminder reached the one who has not voted, and says nothing about choices.
    notes = Notification.objects.filter(type="poll_reminder")
    assert list(notes.values_list("recipient__username", flat=True)) == [waiting.username]
    for note in Notification.objects.all():
        assert not any(label in json.dumps(note.data) for label in LABELS)
    for message in mail.outbox:
        assert not any(label in message.body for label in LABELS)
        assert not any(name in message.body for name in names)
