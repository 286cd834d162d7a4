"""Anonymous town-hall questions: nothing stored, logged, queued, cached, pushed, sent or
returned links a person to the question they asked (docs/anonymity.md, "Town halls").
In the style of the anonymous polls' test (test_anonymity.py)."""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps
from django.core import mail
from django.db import connection, models
from django.utils import timezone

from hanse.jobs.models import OutboxEvent
from hanse.notifications.models import Notification
from hanse.participation.models import TownHall, TownHallQuestion, TownHallUpvote
from hanse.participation.townhalls import (
    townhall_create,
    townhall_question_ask,
    townhall_question_moderate,
    townhall_upvote,
)
from hanse.people.models import User
from tests.participation.test_anonymity import recorded  # noqa: F401  (the fixture)

TEXTS = ["Fragemarker-Alpha?", "Fragemarker-Beta?", "Fragemarker-Gamma?"]


@pytest.fixture
def people(make_user, admin_user):
    host = make_user("gastgeber")
    askers = [make_user(f"frager{i}", first_name=f"Fragerin{i}") for i in range(3)]
    voters = [make_user(f"waehler{i}") for i in range(2)]
    return host, askers, voters, admin_user


def _hall(by: User, host: User, title: str = "Fragestunde") -> TownHall:
    now = timezone.now()
    return townhall_create(
        by=by,
        title=title,
        starts_at=now - timedelta(minutes=1),
        ends_at=now + timedelta(hours=1),
        hosts=[host],
    )


def _snapshot(th: TownHall) -> dict[str, Any]:
    table = connection.ops.quote_name(TownHallQuestion._meta.db_table)
    with connection.cursor() as cursor:
        # No ORDER BY: the physical order as the database returns it.
        cursor.execute(
            f"SELECT body, author_id, anonymous, status FROM {table} WHERE townhall_id = %s",  # noqa: S608
            [th.pk],
        )
        physical = [tuple(row) for row in cursor.fetchall()]
    return {
        "physical": physical,
        "by_id": list(
            TownHallQuestion.objects.filter(townhall=th)
            .order_by("pk")
            .values_list("body", "author_id", "anonymous", "vote_count")
        ),
        "upvotes": TownHallUpvote.objects.filter(question__townhall=th).count(),
    }


def _rows_naming(user_ids: set[int]) -> dict[str, int]:
    """How many rows of each table name one of these people."""
    counts: dict[str, int] = {}
    for model in apps.get_models(include_auto_created=True):
        if not model._meta.managed or model._meta.proxy:
            continue
        cols = [
            f.attname
            for f in model._meta.concrete_fields
            if f.is_relation and f.related_model is User
        ]
        if not cols:
            continue
        q = models.Q()
        for col in cols:
            q |= models.Q(**{f"{col}__in": user_ids})
        counts[model._meta.db_table] = model._default_manager.filter(q).count()
    return counts


def test_an_anonymous_question_row_names_nobody(people):
    """No author, and the database refuses an anonymous row with one."""
    host, askers, _voters, admin = people
    th = _hall(admin, host)
    q = townhall_question_ask(townhall=th, author=askers[0], body=TEXTS[0], anonymous=True)
    stored = TownHallQuestion.objects.get(pk=q.pk)
    assert stored.author_id is None
    assert stored.anonymous is True
    stored.author = askers[0]
    with pytest.raises(Exception, match=r"(?i)thquestion_anonymous_has_no_author|check"):
        stored.save(update_fields=["author"])


def test_asking_anonymously_writes_nothing_that_names_the_asker(people, recorded):  # noqa: F811
    """Every row naming the asker is the same before and after: only the question is new."""
    host, askers, _voters, admin = people
    th = _hall(admin, host)
    ids = {a.pk for a in askers}
    before = _rows_naming(ids)
    outbox = OutboxEvent.objects.count()
    for asker, text in zip(askers, TEXTS, strict=True):
        townhall_question_ask(townhall=th, author=asker, body=text, anonymous=True)
    assert _rows_naming(ids) == before
    assert OutboxEvent.objects.count() == outbox
    assert [t for t in recorded["tasks"] if "participation" in t[0]] == []
    keys = " ".join(recorded["cache"])
    assert not any(a.username in keys for a in askers)
    assert "townhall" not in keys.lower()


def test_two_sessions_with_swapped_askers_leave_the_same_state(people):
    """The same questions asked in the same order by the askers in another order: what is
    stored about the two town halls is identical, so no order, id or time lines them up."""
    host, askers, voters, admin = people
    first, second = _hall(admin, host, "Eins"), _hall(admin, host, "Zwei")
    for asker, text in zip(askers, TEXTS, strict=True):
        townhall_question_ask(townhall=first, author=asker, body=text, anonymous=True)
    for asker, text in zip(reversed(askers), TEXTS, strict=True):
        townhall_question_ask(townhall=second, author=asker, body=text, anonymous=True)
    for th in (first, second):
        for q in TownHallQuestion.objects.filter(townhall=th):
            townhall_upvote(question=q, user=voters[0])
    assert _snapshot(first) == _snapshot(second)


def test_tables_logs_tasks_api_notifications_and_mail_are_free_of_links(
    people,
    recorded,  # noqa: F811
    caplog,
    settings,
    client_for,
    django_capture_on_commit_callbacks,
):
    """After anonymous questions and upvotes (the askers upvote each other's): no table row,
    log line (SQL at DEBUG included), task payload, push, API response, notification or
    e-mail puts an asker next to their question."""
    settings.DEBUG = True
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django.db.backends")
    host, askers, voters, admin = people
    th = _hall(admin, host)
    pushed: list[Any] = []
    import hanse.participation.live as live

    original = live.publish
    live.publish = lambda topic, event: pushed.append((topic, event))  # type: ignore[assignment]
    try:
        caplog.clear()
        questions = []
        for asker, text in zip(askers, TEXTS, strict=True):
            with django_capture_on_commit_callbacks(execute=True):
                questions.append(
                    townhall_question_ask(townhall=th, author=asker, body=text, anonymous=True)
                )
        # Each asker upvotes the next one's question; the voters upvote all.
        with django_capture_on_commit_callbacks(execute=True):
            for i, asker in enumerate(askers):
                townhall_upvote(question=questions[(i + 1) % 3], user=asker)
            for voter in voters:
                for q in questions:
                    townhall_upvote(question=q, user=voter)
            for q in questions:
                townhall_question_moderate(
                    question=TownHallQuestion.objects.select_related("townhall").get(pk=q.pk),
                    by=host,
                    action="answered",
                    answer="Antwort",
                )
    finally:
        live.publish = original  # type: ignore[assignment]
    own = {a.pk: q.pk for a, q in zip(askers, questions, strict=True)}
    names = [a.username for a in askers] + [a.first_name for a in askers]

    # 1. Tables: no row naming an asker names their own question (by key or by text).
    for model in apps.get_models(include_auto_created=True):
        if not model._meta.managed or model._meta.proxy:
            continue
        fields = model._meta.concrete_fields
        user_cols = [f.attname for f in fields if f.is_relation and f.related_model is User]
        q_cols = [
            f.attname for f in fields if f.is_relation and f.related_model is TownHallQuestion
        ]
        text_cols = [
            f.attname
            for f in fields
            if isinstance(f, (models.CharField, models.TextField, models.JSONField))
        ]
        if not user_cols:
            continue
        for row in model._default_manager.values(*user_cols, *q_cols, *text_cols):
            for asker_id, question_id in own.items():
                if not any(row[c] == asker_id for c in user_cols):
                    continue
                assert not any(row[c] == question_id for c in q_cols), model
                if model is Notification:
                    continue  # checked below: the asker is told of the question they upvoted
                text = json.dumps([row[c] for c in text_cols], default=str)
                assert TEXTS[list(own).index(asker_id)] not in text, model

    # 2. Logs: the anonymous inserts are not logged at all, so no asker's queries sit next
    # to their question's text; the SQL log was on.
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "SELECT" in logged
    inserts = [
        line for line in logged.splitlines() if "INSERT INTO" in line and "townhallq" in line
    ]
    assert inserts == []

    # 3. Tasks and pushes carry ids and counts, never a person.
    ours = [t for t in recorded["tasks"] if "participation" in t[0]]
    assert ours
    for path, args, kwargs in ours:
        assert path.endswith("notify_townhall_answered")
        assert list(args) == [args[0]]
        assert args[0] in {q.pk for q in questions}
        assert kwargs == {}
    for _topic, event in pushed:
        assert set(event) <= {"type", "id", "counts"}

    # 4. API and pages: the author is null for everyone, the host and admins included.
    for person in (host, admin, askers[0], voters[0]):
        client = client_for(person)
        body = client.get(f"/api/v1/townhalls/{th.pk}/questions").content.decode()
        data = json.loads(body)
        assert {item["author"] for item in data["items"]} == {None}
        assert not any(name in body for name in names)
        assert all(item["anonymous"] for item in data["items"])
        page = client.get(f"/participation/townhalls/{th.pk}/").content.decode()
        others = [a for a in askers if a != person]
        assert not any(a.display_name in page or a.username in page for a in others)

    # 5. Notifications: each asker is told only as an upvoter, of the question they upvoted.
    for i, asker in enumerate(askers):
        told = Notification.objects.filter(recipient=asker, type="townhall_answered")
        texts = [n.data["question"] for n in told]
        assert texts == [TEXTS[(i + 1) % 3]]
    for message in mail.outbox:
        assert not any(name in message.body for name in names)
