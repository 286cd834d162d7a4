"""Town halls: asking, upvoting, the order of the list, moderation (approve, merge, answering
now, answered, pin), the archive's written answers and who is told, the live pushes, the
search type and the pages' query counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from hanse.core import searchable
from hanse.core.errors import PermissionRefused, ServiceError
from hanse.events.models import Event
from hanse.notifications.models import Notification
from hanse.participation import selectors
from hanse.participation.models import TownHall, TownHallQuestion, TownHallUpvote
from hanse.participation.townhalls import (
    townhall_create,
    townhall_question_ask,
    townhall_question_merge,
    townhall_question_moderate,
    townhall_update,
    townhall_upvote,
    townhall_upvote_withdraw,
)


@pytest.fixture
def hall(make_user, admin_user):
    host = make_user("gastgeberin")
    now = timezone.now()
    th = townhall_create(
        by=admin_user,
        title="Fragen an den Vorstand",
        starts_at=now - timedelta(minutes=5),
        ends_at=now + timedelta(hours=1),
        hosts=[host],
    )
    return th, host


def _order(th, viewer):
    qs = selectors.townhall_question_queryset(viewer=viewer, townhall=th)
    return [q.body for q in qs if q.status == "approved"]


def test_create_needs_permission_and_makes_the_event(make_user):
    """Without "host town halls" refused; with it, optionally with a calendar event."""
    person = make_user()
    now = timezone.now()
    fields = {
        "title": "Q&A",
        "starts_at": now + timedelta(days=1),
        "ends_at": now + timedelta(days=1, hours=1),
        "hosts": [person],
    }
    with pytest.raises(PermissionRefused):
        townhall_create(by=person, **fields)
    assert TownHall.objects.count() == 0
    person.user_permissions.add(Permission.objects.get(codename="host_townhall"))
    person = type(person).objects.get(pk=person.pk)  # forget the permission cache
    th = townhall_create(by=person, with_event=True, **fields)
    assert th.event is not None
    assert Event.objects.get(pk=th.event_id).title == "Q&A"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"title": "  "}, "title_missing"),
        ({"ends_at": "before"}, "ends_before_start"),
        ({"company_wide": False}, "audience_missing"),
        ({"hosts": []}, "hosts_missing"),
    ],
)
def test_bad_input_is_refused_clearly(admin_user, change, code):
    now = timezone.now()
    fields = {
        "title": "Fragestunde",
        "starts_at": now,
        "ends_at": now + timedelta(hours=1),
        "hosts": [admin_user],
    }
    if change.get("ends_at") == "before":
        change = {"ends_at": now - timedelta(hours=1)}
    fields.update(change)
    with pytest.raises(ServiceError) as exc:
        townhall_create(by=admin_user, **fields)
    assert exc.value.code == code
    assert TownHall.objects.count() == 0


def test_order_pinned_then_votes_then_age(hall, make_user):
    """Pinned first, then most upvotes, then the oldest."""
    th, host = hall
    people = [make_user() for _ in range(3)]
    a = townhall_question_ask(townhall=th, author=people[0], body="A")
    b = townhall_question_ask(townhall=th, author=people[0], body="B")
    c = townhall_question_ask(townhall=th, author=people[0], body="C", anonymous=True)
    for p in people[1:]:
        townhall_upvote(question=b, user=p)
    townhall_upvote(question=c, user=people[1])
    assert _order(th, host) == ["B", "C", "A"]
    townhall_question_moderate(question=a, by=host, action="pin")
    th.refresh_from_db()
    assert _order(th, host) == ["A", "B", "C"]
    # Taking an upvote back moves C below A's age tie-break once A is unpinned.
    townhall_question_moderate(question=a, by=host, action="unpin")
    townhall_upvote_withdraw(question=c, user=people[1])
    th.refresh_from_db()
    assert _order(th, host) == ["B", "A", "C"]
    assert TownHallQuestion.objects.get(pk=c.pk).vote_count == 0


def test_upvote_once_and_not_ones_own(hall, make_user):
    th, _host = hall
    asker, voter = make_user(), make_user()
    q = townhall_question_ask(townhall=th, author=asker, body="Warum?")
    with pytest.raises(ServiceError) as own:
        townhall_upvote(question=q, user=asker)
    assert own.value.code == "own_question"
    assert townhall_upvote(question=q, user=voter) == 1
    with pytest.raises(ServiceError) as twice:
        townhall_upvote(question=q, user=voter)
    assert twice.value.code == "already_upvoted"
    assert TownHallUpvote.objects.filter(question=q).count() == 1
    assert TownHallQuestion.objects.get(pk=q.pk).vote_count == 1


def test_approval_hides_until_approved(hall, make_user, admin_user):
    th, host = hall
    th.approval_required = True
    th.save(update_fields=["approval_required"])
    member = make_user()
    q = townhall_question_ask(townhall=th, author=member, body="Heikel?")
    assert q.status == "pending"
    assert _order(th, member) == []
    assert [x.body for x in selectors.townhall_question_queryset(viewer=host, townhall=th)] == [
        "Heikel?"
    ]
    with pytest.raises(PermissionRefused):
        townhall_question_moderate(question=q, by=member, action="approve")
    townhall_question_moderate(question=q, by=host, action="approve")
    assert _order(th, member) == ["Heikel?"]


def test_merge_combines_votes_without_double_counting(hall, make_user):
    th, host = hall
    asker = make_user()
    voters = [make_user() for _ in range(3)]
    target = townhall_question_ask(townhall=th, author=asker, body="Homeoffice?")
    dup = townhall_question_ask(townhall=th, author=voters[2], body="Mobiles Arbeiten?")
    townhall_upvote(question=target, user=voters[0])
    townhall_upvote(question=dup, user=voters[0])  # upvoted both: counts once
    townhall_upvote(question=dup, user=voters[1])
    townhall_upvote(question=dup, user=asker)  # the target's asker: not on their own
    merged = townhall_question_merge(question=dup, into=target, by=host)
    assert merged.vote_count == 2
    assert set(TownHallUpvote.objects.filter(question=target).values_list("user", flat=True)) == {
        voters[0].pk,
        voters[1].pk,
    }
    dup.refresh_from_db()
    assert dup.status == "merged"
    assert dup.merged_into_id == target.pk
    assert _order(th, host) == ["Homeoffice?"]


def test_answering_now_is_one_at_a_time(hall, make_user):
    th, host = hall
    member = make_user()
    a = townhall_question_ask(townhall=th, author=member, body="A")
    b = townhall_question_ask(townhall=th, author=member, body="B")
    townhall_question_moderate(question=a, by=host, action="answering")
    townhall_question_moderate(question=b, by=host, action="answering")
    th.refresh_from_db()
    assert th.current_question_id == b.pk
    townhall_question_moderate(question=b, by=host, action="answered", answer="Ja.")
    th.refresh_from_db()
    assert th.current_question_id is None


def test_written_answer_later_tells_named_asker_and_upvoters_not_the_anonymous(
    hall, make_user, django_capture_on_commit_callbacks
):
    """After the session: the answer must be written; the named asker and the upvoters are
    told; an anonymous asker cannot be (nothing names them)."""
    th, host = hall
    named, anon, voter = make_user("benannt"), make_user("anonym"), make_user("stimme")
    q1 = townhall_question_ask(townhall=th, author=named, body="Benannte Frage")
    q2 = townhall_question_ask(townhall=th, author=anon, body="Anonyme Frage", anonymous=True)
    townhall_upvote(question=q1, user=voter)
    townhall_upvote(question=q2, user=voter)
    TownHall.objects.filter(pk=th.pk).update(
        starts_at=timezone.now() - timedelta(hours=3), ends_at=timezone.now() - timedelta(hours=2)
    )
    q1 = selectors.get_townhall_question_for(viewer=host, question_id=q1.pk)
    q2 = selectors.get_townhall_question_for(viewer=host, question_id=q2.pk)
    with pytest.raises(ServiceError) as missing:
        townhall_question_moderate(question=q1, by=host, action="answered")
    assert missing.value.code == "answer_missing"
    with django_capture_on_commit_callbacks(execute=True):
        townhall_question_moderate(question=q1, by=host, action="answered", answer="Darum.")
        townhall_question_moderate(question=q2, by=host, action="answered", answer="Deshalb.")
    told = Notification.objects.filter(type="townhall_answered")
    assert sorted(told.values_list("recipient__username", flat=True)) == [
        "benannt",
        "stimme",
        "stimme",
    ]
    assert not told.filter(recipient=anon).exists()


def test_no_questions_after_the_end(hall, make_user):
    th, _host = hall
    TownHall.objects.filter(pk=th.pk).update(
        starts_at=timezone.now() - timedelta(hours=3), ends_at=timezone.now() - timedelta(hours=2)
    )
    th.refresh_from_db()
    with pytest.raises(ServiceError) as exc:
        townhall_question_ask(townhall=th, author=make_user(), body="Zu spät?")
    assert exc.value.code == "closed"


def test_pushes_after_commit_carry_ids_and_counts_only(
    hall, make_user, monkeypatch, django_capture_on_commit_callbacks
):
    th, _host = hall
    sent = []
    monkeypatch.setattr(
        "hanse.participation.live.publish", lambda topic, event: sent.append((topic, event))
    )
    asker, voter = make_user(), make_user()
    with django_capture_on_commit_callbacks(execute=True):
        q = townhall_question_ask(townhall=th, author=asker, body="Live?", anonymous=True)
    with django_capture_on_commit_callbacks(execute=True):
        townhall_upvote(question=q, user=voter)
    topic = f"townhall:{th.pk}"
    assert sent == [
        (topic, {"type": "townhall.changed", "id": th.pk}),
        (topic, {"type": "townhall.votes", "id": th.pk, "counts": [[q.pk, 1]]}),
    ]


def test_votes_in_one_window_make_one_push(
    hall, make_user, monkeypatch, settings, django_capture_on_commit_callbacks
):
    """With TOWNHALL_PUSH_MS set, the votes of one window reach the watchers as one push
    with the latest count of every question voted on."""
    from hanse.participation import live

    th, _host = hall
    settings.TOWNHALL_PUSH_MS = 250
    timers = []

    class Timer:
        def __init__(self, delay, fn, args):
            self.delay, self.fn, self.args, self.daemon = delay, fn, args, False

        def start(self):
            timers.append(self)

    sent = []
    monkeypatch.setattr(live.threading, "Timer", Timer)
    monkeypatch.setattr(live, "publish", lambda topic, event: sent.append(event))
    a = townhall_question_ask(townhall=th, author=make_user(), body="A")
    b = townhall_question_ask(townhall=th, author=make_user(), body="B")
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(3):
            townhall_upvote(question=a if i < 2 else b, user=make_user())
    assert len(timers) == 1
    assert timers[0].delay == 0.25
    assert sent == []
    timers[0].fn(*timers[0].args)
    assert sent == [{"type": "townhall.votes", "id": th.pk, "counts": [[a.pk, 2], [b.pk, 1]]}]
    with django_capture_on_commit_callbacks(execute=True):
        townhall_upvote(question=b, user=make_user())
    assert len(timers) == 2  # the next window has a push of its own


def test_audience_change_rechecks_the_topic(
    hall, org, monkeypatch, admin_user, django_capture_on_commit_callbacks
):
    th, host = hall
    rechecked = []
    monkeypatch.setattr("hanse.participation.live.recheck_topic", rechecked.append)
    monkeypatch.setattr("hanse.participation.live.publish", lambda *a: None)
    with django_capture_on_commit_callbacks(execute=True):
        townhall_update(
            townhall=th,
            by=admin_user,
            title=th.title,
            description="",
            starts_at=th.starts_at,
            ends_at=th.ends_at,
            hosts=[host],
            company_wide=False,
            units=[org["it"]],
            approval_required=False,
        )
    assert rechecked == [f"townhall:{th.pk}"]


def test_search_indexes_answered_questions_without_anonymous_authors(hall, make_user):
    th, host = hall
    asker = make_user()
    q = townhall_question_ask(townhall=th, author=asker, body="Geheim?", anonymous=True)
    kind = searchable.get("townhall_question")
    assert kind is not None
    assert kind.to_document(q) is None  # not answered: not indexed
    q = townhall_question_moderate(question=q, by=host, action="answered", answer="Nein.")
    doc = kind.to_document(TownHallQuestion.objects.select_related("townhall").get(pk=q.pk))
    assert doc is not None
    assert doc.author_id is None
    assert doc.unit_id is None
    assert "Nein." in doc.body
    assert doc.scope == f"townhall:{th.pk}"
    assert list(kind.visible_to(asker)) == [q]


def test_page_query_count_does_not_grow(hall, make_user, client_for, django_assert_max_num_queries):
    th, host = hall
    people = [make_user() for _ in range(4)]
    for i in range(30):
        q = townhall_question_ask(
            townhall=th, author=people[i % 4], body=f"Frage {i}", anonymous=i % 3 == 0
        )
        townhall_upvote(question=q, user=people[(i + 1) % 4])
    client = client_for(host)
    with django_assert_max_num_queries(30):
        response = client.get(f"/participation/townhalls/{th.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Frage 29" in body
    assert "Anonymous" in body
    with django_assert_max_num_queries(30):
        assert client.get(f"/participation/townhalls/{th.pk}/presenter/").status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get("/participation/townhalls/").status_code == 200
