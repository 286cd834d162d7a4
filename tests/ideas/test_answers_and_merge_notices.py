"""Issue 17, the gaps after the last wave: the author hears a co-author's answer (accept or
decline) through the notification registry, seen only while the idea is visible to them; a
merge says how many supporters could not be carried over for their vote budget (page and
API), and those people are told."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from hanse.communities import services as community_services
from hanse.communities.models import Community
from hanse.core import personal_data
from hanse.core.errors import ServiceError
from hanse.ideas import tasks
from hanse.ideas.models import CoauthorInvitation, IdeaSupport
from hanse.ideas.services import (
    MergeResult,
    campaign_create,
    idea_coauthor_respond,
    idea_create,
    idea_merge,
    idea_support,
)
from hanse.notifications.models import Notification
from hanse.notifications.registry import get as get_type
from hanse.notifications.selectors import unread_count
from hanse.privacy import erasure

ANSWERED = "idea_coauthor_answered"
NOT_CARRIED = "idea_support_not_carried"
TITLE = "Digitale Sitzungsmappe"
API = "/api/v1/notifications"
ACTORS = ["author", "invitee", "member", "moderator", "outsider", "anonymous"]


@pytest.fixture
def world(make_user, make_community, django_capture_on_commit_callbacks) -> dict[str, Any]:
    """A private community; the author named the invitee, who has not answered."""
    people = {
        "author": make_user("autorin", first_name="Anna", last_name="Autorin"),
        "invitee": make_user("gast", first_name="Maria", last_name="Schulz"),
        "member": make_user("kollege"),
        "moderator": make_user("moni"),
        "outsider": make_user("aussen"),
        "anonymous": None,
    }
    owner = make_user("eigner")
    community = make_community(
        Community.Kind.PRIVATE,
        owner=owner,
        moderators=(people["moderator"],),
        members=(people["author"], people["invitee"], people["member"]),
    )
    with django_capture_on_commit_callbacks(execute=True):
        idea = idea_create(
            author=people["author"],
            community=community,
            title=TITLE,
            description="Unterlagen vorab im Wiki.",
            coauthors=[people["invitee"]],
        )
    return {"people": people, "idea": idea, "community": community, "owner": owner}


def _answer(world: dict[str, Any], capture: Any, *, accept: bool) -> None:
    with capture(execute=True):
        idea_coauthor_respond(idea=world["idea"], user=world["people"]["invitee"], accept=accept)


def _shown(person: Any, client_for: Any) -> dict[str, bool]:
    """Where the answer shows for the person: list page, API list, unread count (bell; the
    invitation itself is read, so only the answer can count)."""
    Notification.objects.exclude(type=ANSWERED).update(read_at=timezone.now())
    client = client_for(person)
    return {
        "page": "your invitation to co-author" in client.get(reverse("notifications:list")).text,
        "api": "your invitation to co-author" in client.get(API).text,
        "bell": unread_count(user=person) > 0,
    }


@pytest.mark.parametrize("accept", [True, False])
def test_author_is_told_the_answer(world, accept, django_capture_on_commit_callbacks):
    """Accepted or declined: one notification, for the author only, naming the invitee and
    the idea, leading to the idea; in German with "du"."""
    _answer(world, django_capture_on_commit_callbacks, accept=accept)
    note = Notification.objects.get(type=ANSWERED)
    assert note.recipient == world["people"]["author"]
    assert note.actor == world["people"]["invitee"]
    assert note.data["accepted"] is accept
    rendered = get_type(ANSWERED).render(note)
    verb = "accepted" if accept else "declined"
    assert rendered.title == f"Maria Schulz {verb} your invitation to co-author “{TITLE}”"
    assert rendered.url == reverse("ideas:idea", args=[world["idea"].pk])
    with translation.override("de"):
        german = get_type(ANSWERED).render(note).title
    word = "angenommen" if accept else "abgelehnt"
    assert german == (
        f"Maria Schulz hat deine Einladung {word}, die Idee „{TITLE}“ gemeinsam zu schreiben"
    )


def test_the_answer_is_told_once(world, django_capture_on_commit_callbacks):
    """The task run again (a retry, a second worker) tells nobody twice."""
    invitation = CoauthorInvitation.objects.get()
    _answer(world, django_capture_on_commit_callbacks, accept=False)
    again = tasks.notify_coauthor_answered.call(
        world["idea"].pk, invitation.pk, world["people"]["invitee"].pk, False
    )
    assert again == 0
    assert Notification.objects.filter(type=ANSWERED).count() == 1


def test_no_answer_no_notification(world, django_capture_on_commit_callbacks):
    """A refused answer (no open invitation) writes nothing."""
    _answer(world, django_capture_on_commit_callbacks, accept=False)
    with pytest.raises(ServiceError), django_capture_on_commit_callbacks(execute=True):
        idea_coauthor_respond(idea=world["idea"], user=world["people"]["member"], accept=True)
    assert Notification.objects.filter(type=ANSWERED).count() == 1


@pytest.mark.parametrize("actor", ACTORS)
def test_answer_permission_table(actor, world, client_for, django_capture_on_commit_callbacks):
    """Who sees the answer on the list page, in the API and in the bell: the author, nobody
    else; anonymous gets the login page and 401."""
    _answer(world, django_capture_on_commit_callbacks, accept=True)
    person = world["people"][actor]
    if actor == "anonymous":
        client = client_for(None)
        assert client.get(reverse("notifications:list")).status_code == 302
        assert client.get(API).status_code == 401
        return
    expected = actor == "author"
    assert _shown(person, client_for) == {"page": expected, "api": expected, "bell": expected}


def test_answer_disappears_when_the_author_loses_the_idea(
    world, client_for, django_capture_on_commit_callbacks
):
    """The author removed from the private community no longer sees the idea, so the answer
    (which names it) is shown nowhere: visibility is checked when shown, not only when made."""
    _answer(world, django_capture_on_commit_callbacks, accept=True)
    author = world["people"]["author"]
    assert _shown(author, client_for) == {"page": True, "api": True, "bell": True}
    with django_capture_on_commit_callbacks(execute=True):
        community_services.membership_remove(
            community=world["community"], user=author, by=world["owner"]
        )
    assert _shown(author, client_for) == {"page": False, "api": False, "bell": False}


def test_answer_not_made_for_an_author_who_cannot_see_the_idea(
    world, django_capture_on_commit_callbacks
):
    """Removed before the invitee answers: no notification is written at all."""
    author = world["people"]["author"]
    with django_capture_on_commit_callbacks(execute=True):
        community_services.membership_remove(
            community=world["community"], user=author, by=world["owner"]
        )
    _answer(world, django_capture_on_commit_callbacks, accept=False)
    assert not Notification.objects.filter(type=ANSWERED).exists()


def test_deactivated_invitee_is_named_as_everywhere(world, django_capture_on_commit_callbacks):
    """A deactivated invitee keeps their name, as in {% person_link %} and PersonRef; the
    pseudonymous account of an erased person reads "Former employee"."""
    _answer(world, django_capture_on_commit_callbacks, accept=True)
    invitee = world["people"]["invitee"]
    invitee.is_active = False
    invitee.save(update_fields=["is_active"])
    note = Notification.objects.select_related("actor").get(type=ANSWERED)
    assert get_type(ANSWERED).render(note).title.startswith("Maria Schulz accepted")
    note.actor.is_former = True
    assert get_type(ANSWERED).render(note).title.startswith("Former employee accepted")
    note.actor = None
    assert get_type(ANSWERED).render(note).title.startswith("Former colleague accepted")


def test_erased_invitee_leaves_no_answer_naming_them(
    world, admin_user, django_capture_on_commit_callbacks
):
    """Erasing the invitee removes the notification they caused (hanse/notifications
    personal_data): the author's list keeps nothing that names them."""
    _answer(world, django_capture_on_commit_callbacks, accept=True)
    with django_capture_on_commit_callbacks(execute=True):
        erasure.erasure_request(
            user=world["people"]["invitee"], by=admin_user, policy=personal_data.PSEUDONYMISE
        )
    assert not Notification.objects.filter(type=ANSWERED).exists()


# --- merging and the vote budget ------------------------------------------------------------


@pytest.fixture
def budgeted(place, make_idea, make_user) -> dict[str, Any]:
    """Two campaigns with a budget of 1 in the open community; the duplicate D (campaign A)
    has three supporters: two whose support in B is spent and one with one left."""
    community = place["community"]
    a = campaign_create(by=place["moderator"], community=community, question="A?", support_budget=1)
    b = campaign_create(by=place["moderator"], community=community, question="B?", support_budget=1)
    target = make_idea(place["member"], campaign=b, title="Papier sparen")
    elsewhere = make_idea(place["member"], campaign=b, title="Toner sparen")
    dup = make_idea(place["other"], campaign=a, title="Weniger drucken")
    full = [make_user("voll"), make_user("ganzvoll")]
    free = make_user("frei")
    for person in [*full, free]:
        community_services.membership_add(community=community, user=person)
    for person in [*full, free]:
        idea_support(idea=dup, user=person)
    for person in full:
        idea_support(idea=elsewhere, user=person)  # B's budget of 1 is spent
    return {"target": target, "dup": dup, "full": full, "free": free, **place}


def test_merge_message_counts_those_not_carried(budgeted):
    """The message says how many could not be carried over, singular and plural, in German
    too; without any it stays the plain confirmation."""

    def result(n: int) -> MergeResult:
        return MergeResult(idea=budgeted["target"], carried=[], released=[], not_carried=[0] * n)

    assert result(0).message() == "The ideas are merged; the supporters moved over."
    assert result(1).message() == (
        "The ideas are merged. 1 supporter could not be carried over: their vote budget for "
        "this campaign is used up. They are told."
    )
    assert result(2).message().startswith("The ideas are merged. 2 supporters could not")
    with translation.override("de"):
        assert result(2).message() == (
            "Die Ideen sind zusammengeführt. 2 Unterstützende konnten nicht mitwandern: ihr "
            "Stimmbudget für diese Kampagne ist aufgebraucht. Die Betroffenen werden "
            "benachrichtigt."
        )
        assert "1 unterstützende Person konnte" in result(1).message()


def test_merge_page_flashes_the_count(budgeted, client_for, django_capture_on_commit_callbacks):
    """The reviewer merging on the page reads how many supporters were left behind."""
    client = client_for(budgeted["moderator"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("ideas:merge", args=[budgeted["dup"].pk]),
            {"into": budgeted["target"].pk},
            follow=True,
        )
    assert response.redirect_chain[-1][0] == reverse("ideas:idea", args=[budgeted["target"].pk])
    assert (
        "The ideas are merged. 2 supporters could not be carried over: their vote budget for "
        "this campaign is used up. They are told."
    ) in response.text


def test_merge_page_without_budget_trouble_says_the_plain_message(
    place, make_idea, client_for, django_capture_on_commit_callbacks
):
    target = make_idea(place["member"], community=place["community"], title="A")
    dup = make_idea(place["other"], community=place["community"], title="A auch")
    idea_support(idea=dup, user=place["owner"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(place["moderator"]).post(
            reverse("ideas:merge", args=[dup.pk]), {"into": target.pk}, follow=True
        )
    assert "The ideas are merged; the supporters moved over." in response.text
    assert "could not be carried over" not in response.text
    assert not Notification.objects.filter(type=NOT_CARRIED).exists()


# Merge API with a vote budget at play: what the answer says (counts, message), and that a
# refused merge moves and tells nothing. Who may merge, for every actor and kind of community
# (and unknown and invisible alike), is in test_permission_table.py (test_merge).
MERGE_API = {"member": 400, "moderator": 200, "owner": 200}


@pytest.mark.parametrize("actor", list(MERGE_API))
def test_merge_api(actor, budgeted, client_for, django_capture_on_commit_callbacks):
    """The API's answer carries the counts and the same message; refused: nothing moved."""
    person = budgeted[actor]
    dup, target = budgeted["dup"], budgeted["target"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(person).post(
            f"/api/v1/ideas/{dup.pk}/merge",
            {"into": target.pk},
            content_type="application/json",
        )
    assert response.status_code == MERGE_API[actor], response.content
    if MERGE_API[actor] != 200:
        assert response.json()["code"] == "merge_refused"
        assert IdeaSupport.objects.filter(idea=dup).count() == 3
        assert not Notification.objects.filter(type=NOT_CARRIED).exists()
        return
    body = response.json()
    assert body["idea"]["id"] == target.pk
    assert (body["carried"], body["not_carried"]) == (1, 2)
    assert body["message"].startswith("The ideas are merged. 2 supporters could not be carried")


def test_those_not_carried_are_told(budgeted, django_capture_on_commit_callbacks):
    """Exactly the people whose budget was spent hear why their support did not move, with a
    link to the idea it joined; the carried supporter and the reviewer hear nothing."""
    with django_capture_on_commit_callbacks(execute=True):
        result = idea_merge(
            duplicate=budgeted["dup"], into=budgeted["target"], by=budgeted["moderator"]
        )
    full_ids = sorted(p.pk for p in budgeted["full"])
    assert sorted(result.not_carried) == full_ids
    notes = Notification.objects.filter(type=NOT_CARRIED)
    assert sorted(n.recipient_id for n in notes) == full_ids
    rendered = get_type(NOT_CARRIED).render(notes[0])
    assert rendered.title == (
        "“Weniger drucken” was merged into “Papier sparen”; your support was not carried over"
    )
    assert "Your supports for this campaign are used up" in rendered.body
    assert rendered.url == reverse("ideas:idea", args=[budgeted["target"].pk])
    with translation.override("de"):
        german = get_type(NOT_CARRIED).render(notes[0])
    assert "deine Unterstützung ist nicht mitgewandert" in german.title
    # Told once, also when the task runs again.
    again = tasks.notify_supports_not_carried.call(
        budgeted["dup"].pk, budgeted["target"].pk, result.not_carried
    )
    assert again == 0
    assert notes.count() == 2
