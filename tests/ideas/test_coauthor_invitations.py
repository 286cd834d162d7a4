"""Co-authors say yes first: naming someone invites them; only an accepted co-author is
named, edits and hears "you said, we did". The permission table covers the invitation page
and API for every actor: author, invitee, other member, moderator, outsider, anonymous."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from hanse.communities.models import Community
from hanse.core.errors import PermissionRefused, ServiceError
from hanse.ideas import rules
from hanse.ideas.models import CoauthorInvitation, Idea, IdeaSupport
from hanse.ideas.services import (
    idea_coauthor_respond,
    idea_coauthors_set,
    idea_create,
    idea_edit,
    idea_status_change,
    idea_support,
)
from hanse.notifications.models import Notification

ACTORS = ["author", "invitee", "member", "moderator", "outsider", "anonymous"]


@pytest.fixture
def world(make_user, make_community, django_capture_on_commit_callbacks) -> dict[str, Any]:
    """A private community; the author named the invitee, who has not answered."""
    people = {
        "author": make_user("autorin"),
        "invitee": make_user("gast"),
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
            title="Digitale Sitzungsmappe",
            description="Unterlagen vorab im Wiki.",
            coauthors=[people["invitee"]],
        )
    return {"people": people, "idea": idea, "community": community}


def _is_login(response: Any) -> bool:
    return response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_naming_invites_and_tells_without_naming(world):
    """The invitee is told (with a link to accept) but is not a co-author yet."""
    idea, invitee = world["idea"], world["people"]["invitee"]
    assert not idea.coauthors.exists()
    invitation = CoauthorInvitation.objects.get(idea=idea)
    assert invitation.user == invitee and invitation.pending
    note = Notification.objects.get(type="idea_coauthor_added")
    assert note.recipient == invitee
    from hanse.notifications.registry import get as get_type

    rendered = get_type("idea_coauthor_added").render(note)
    assert rendered.url == reverse("ideas:invitation", args=[idea.pk])
    assert not rules.is_author(invitee, idea)
    assert rules.may_support(invitee, idea)


@pytest.mark.parametrize("actor", ACTORS)
def test_invitation_page_and_accept(actor, world, client_for):
    """Only the invitee sees the invitation page and answers it; everyone else: 404 (the
    same as an idea one cannot see), anonymous: the login page. Nothing is written."""
    person = world["people"][actor]
    idea = world["idea"]
    client = client_for(person)
    url = reverse("ideas:invitation", args=[idea.pk])
    page = client.get(url)
    accepted = client.post(url, {"action": "accept"})
    if actor == "anonymous":
        assert _is_login(page) and _is_login(accepted)
    elif actor == "invitee":
        assert page.status_code == 200
        assert "Digitale Sitzungsmappe" in page.content.decode()
        assert accepted.status_code == 302
        assert list(idea.coauthors.all()) == [person]
        assert not CoauthorInvitation.objects.exists()
        # Answered: the page is gone.
        assert client.get(url).status_code == 404
        return
    else:
        assert page.status_code == 404
        assert accepted.status_code == 404
    assert not idea.coauthors.exists()
    assert CoauthorInvitation.objects.get().pending


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("answer", ["accept", "decline"])
def test_invitation_api(actor, answer, world, client_for):
    person = world["people"][actor]
    idea = world["idea"]
    response = client_for(person).post(f"/api/v1/ideas/{idea.pk}/invitation/{answer}")
    if actor == "anonymous":
        assert response.status_code == 401
    elif actor == "invitee":
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["invitation_open"] is False
        names = [p["username"] for p in body["coauthors"]]
        assert names == (["gast"] if answer == "accept" else [])
        return
    else:
        assert response.status_code == 404
        assert response.json()["code"] == "no_invitation" if actor != "outsider" else True
    assert not idea.coauthors.exists()
    assert CoauthorInvitation.objects.get().pending


@pytest.mark.parametrize("actor", ACTORS)
def test_idea_page_names_only_accepted(actor, world, client_for):
    """Before accepting, the invitee's name is on the idea for nobody but the author (in
    their co-author panel, marked as not answered); after, for everyone who sees it."""
    person = world["people"][actor]
    idea = world["idea"]
    invitee = world["people"]["invitee"]
    client = client_for(person)
    url = reverse("ideas:idea", args=[idea.pk])
    name = invitee.display_name
    before = client.get(url)
    if actor == "anonymous":
        assert _is_login(before)
        return
    if actor == "outsider":
        assert before.status_code == 404
        return
    html = before.content.decode()
    assert (name in html) == (actor == "author")
    if actor == "author":
        assert "invited, not answered yet" in html
    if actor == "invitee":
        assert reverse("ideas:invitation", args=[idea.pk]) in html  # accept / decline here
    detail = client.get(f"/api/v1/ideas/{idea.pk}").json()
    assert detail["coauthors"] == []
    assert [p["username"] for p in detail["invited"]] == (["gast"] if actor == "author" else [])
    assert detail["invitation_open"] is (actor == "invitee")
    idea_coauthor_respond(idea=idea, user=invitee, accept=True)
    after = client.get(url).content.decode()
    assert f"with {name}" in after or f"mit {name}" in after
    detail = client.get(f"/api/v1/ideas/{idea.pk}").json()
    assert [p["username"] for p in detail["coauthors"]] == ["gast"]


@pytest.mark.parametrize("actor", ACTORS)
def test_edit_only_by_accepted_authors(actor, world, client_for):
    """Editing (page and API): the author, and the invitee only after accepting."""
    person = world["people"][actor]
    idea = world["idea"]
    client = client_for(person)
    url = reverse("ideas:edit", args=[idea.pk])
    api = f"/api/v1/ideas/{idea.pk}"
    payload = {"title": "Neu", "description": "Neu"}
    page = client.get(url)
    patched = client.patch(api, payload, content_type="application/json")
    expected_page = {"author": 200, "invitee": 403, "member": 403, "moderator": 403}
    if actor == "anonymous":
        assert _is_login(page) and patched.status_code == 401
        return
    if actor == "outsider":
        assert page.status_code == 404 and patched.status_code == 404
        return
    assert page.status_code == expected_page[actor]
    assert patched.status_code == (200 if actor == "author" else 403)
    if actor == "invitee":
        idea_coauthor_respond(idea=idea, user=person, accept=True)
        assert client.get(url).status_code == 200
        assert client.patch(api, payload, content_type="application/json").status_code == 200
        assert Idea.objects.get(pk=idea.pk).title == "Neu"


def test_status_notices_reach_only_accepted(world, django_capture_on_commit_callbacks):
    """ "You said, we did" goes to accepted co-authors, not to those merely named."""
    idea, people = world["idea"], world["people"]
    with django_capture_on_commit_callbacks(execute=True):
        idea_status_change(idea=idea, by=people["moderator"], to_status="under_review", reason="Ja")
    told = {n.recipient_id for n in Notification.objects.filter(type="idea_status_changed")}
    assert people["invitee"].pk not in told
    idea_coauthor_respond(idea=idea, user=people["invitee"], accept=True)
    with django_capture_on_commit_callbacks(execute=True):
        idea_status_change(idea=idea, by=people["moderator"], to_status="parked", reason="Später")
    told = {n.recipient_id for n in Notification.objects.filter(type="idea_status_changed")}
    assert people["invitee"].pk in told


def test_decline_then_ask_again(world, django_capture_on_commit_callbacks):
    """Declining keeps the person off the idea; the same list saved again does not ask again;
    taking the name off and putting it back asks (and tells) once more."""
    idea, people = world["idea"], world["people"]
    author, invitee = people["author"], people["invitee"]
    assert idea_coauthor_respond(idea=idea, user=invitee, accept=False) is False
    assert not idea.coauthors.exists()
    with pytest.raises(ServiceError) as again:
        idea_coauthor_respond(idea=idea, user=invitee, accept=True)
    assert again.value.code == "no_invitation" and again.value.status == 404
    with django_capture_on_commit_callbacks(execute=True):
        assert idea_coauthors_set(idea=idea, by=author, coauthors=[invitee]) == []
    assert Notification.objects.filter(type="idea_coauthor_added").count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        idea_coauthors_set(idea=idea, by=author, coauthors=[])
        assert idea_coauthors_set(idea=idea, by=author, coauthors=[invitee]) == [invitee.pk]
    assert Notification.objects.filter(type="idea_coauthor_added").count() == 2
    assert idea_coauthor_respond(idea=idea, user=invitee, accept=True) is True


def test_removing_works_as_before(world):
    """The author takes an accepted co-author off: no longer named, no longer editing."""
    idea, people = world["idea"], world["people"]
    idea_coauthor_respond(idea=idea, user=people["invitee"], accept=True)
    idea_coauthors_set(idea=idea, by=people["author"], coauthors=[])
    assert not idea.coauthors.exists()
    assert not CoauthorInvitation.objects.exists()
    with pytest.raises(PermissionRefused):
        idea_edit(idea=idea, by=people["invitee"], title="x", description="y")


def test_accepting_gives_back_a_support(world):
    """A supporter who accepts becomes an author, and authors do not support their idea."""
    idea, invitee = world["idea"], world["people"]["invitee"]
    idea_support(idea=idea, user=invitee)
    idea_coauthor_respond(idea=idea, user=invitee, accept=True)
    assert not IdeaSupport.objects.exists()
    assert Idea.objects.get(pk=idea.pk).support_count == 0


def test_coauthors_from_before_invitations_count_as_accepted(world):
    """Rows in Idea.coauthors that predate invitations (migration 0003 leaves them) are
    accepted co-authors: named, editing, no invitation pending."""
    idea, member = world["idea"], world["people"]["member"]
    idea.coauthors.add(member)  # as a row written before this change
    assert rules.is_author(member, idea)
    idea_edit(idea=idea, by=member, title="Alt", description="Alt")
    assert not CoauthorInvitation.objects.filter(user=member).exists()
