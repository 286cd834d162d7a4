"""The weekly "questions waiting in your communities": one item per community for its
members, collapsed while unread, collected by the weekly e-mail digest; never for outsiders
and never for questions that have an answer, are solved, brand new or long forgotten."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from hanse.jobs.scheduler import SCHEDULES
from hanse.notifications import delivery as notify_delivery
from hanse.notifications import services as notification_services
from hanse.notifications.models import Notification
from hanse.notifications.registry import get as get_type
from hanse.participation.questions import question_create
from hanse.participation.tasks import notify_questions_waiting
from hanse.posts.models import Post
from hanse.posts.services.comments import comment_create
from tests.notifications.smtp_server import Mailbox, parts, smtp_fixture  # noqa: F401


def _ask(author, community, body, *, days_ago: float):
    question = question_create(author=author, community=community, body=body)
    Post.objects.filter(pk=question.post_id).update(
        created_at=timezone.now() - timedelta(days=days_ago)
    )
    return question


def _world(make_user, make_community):
    anna, ben, outsider = make_user("anna"), make_user("ben"), make_user("draussen")
    community = make_community(owner=make_user(), members=(anna, ben))
    other = make_community(owner=outsider)
    _ask(anna, community, "Wer kennt die neue Reisekostenrichtlinie?", days_ago=3)
    _ask(ben, community, "Gibt es Parkplätze an der Hauptstelle?", days_ago=2)
    answered = _ask(ben, community, "Wann ist die Betriebsversammlung?", days_ago=4)
    comment_create(post=answered.post, author=anna, body="Im März.")
    _ask(anna, community, "Ganz frisch gefragt?", days_ago=0.1)  # too new
    _ask(anna, community, "Uralte Frage?", days_ago=90)  # too old
    _ask(outsider, other, "Nur in der anderen Gemeinschaft?", days_ago=5)
    return community, anna, ben, outsider, other


def test_members_get_one_item_per_community(make_user, make_community):
    community, anna, _ben, outsider, other = _world(make_user, make_community)
    assert notify_questions_waiting.call() == 2
    mine = Notification.objects.filter(type="questions_waiting", recipient=anna)
    assert mine.count() == 1
    item = mine.get()
    assert item.community_id == community.pk and item.data["count"] == 2
    # The outsider hears of their own community only; nobody hears of one they are not in.
    theirs = Notification.objects.filter(type="questions_waiting", recipient=outsider)
    assert [n.community_id for n in theirs] == [other.pk]
    # Run again (a second run that week): still one unread item, not two.
    notify_questions_waiting.call()
    assert Notification.objects.filter(type="questions_waiting", recipient=anna).count() == 1


def test_rendered_text_leads_to_the_unanswered_list(make_user, make_community, client_for):
    community, anna, *_rest = _world(make_user, make_community)
    notify_questions_waiting.call()
    page = client_for(anna).get("/notifications/")
    text = page.content.decode()
    assert "2 questions are waiting for an answer" in text or "2 Fragen warten" in text
    item = Notification.objects.get(type="questions_waiting", recipient=anna)
    url = get_type("questions_waiting").render(item).url
    assert f"community={community.slug}" in url and "state=unanswered" in url
    assert client_for(anna).get(url).status_code == 200


def test_weekly_digest_carries_the_item(smtp: Mailbox, make_user, make_community):
    community, anna, *_rest = _world(make_user, make_community)
    notification_services.delivery_settings_update(
        user=anna, email_frequency="weekly", quiet_hours_start=None, quiet_hours_end=None
    )
    notify_questions_waiting.call()
    assert notify_delivery.send_digests.call("weekly") >= 1
    sent = [m for m in smtp.messages if m["To"].startswith("anna")]
    assert len(sent) == 1
    text, _html = parts(sent[0])
    assert "2 questions are waiting for an answer" in text
    assert community.name in text


def test_the_job_runs_weekly_before_the_digest():
    job = next(s for s in SCHEDULES if s.name == "participation.questions_waiting")
    digest = next(s for s in SCHEDULES if s.name == "notifications.weekly_digest")
    assert job.weekday == digest.weekday == 0 and job.at < digest.at
