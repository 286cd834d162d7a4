"""The permission table of ideas and experiments: every page, action and search result, for
every actor and every kind of community, against an explicit expected outcome. Unknown and
invisible answer the same 404."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from django.urls import reverse

from hanse.communities import services as community_services
from hanse.communities.models import Community, Membership
from hanse.ideas.models import Experiment, Idea, IdeaComment, IdeaSupport, StatusChange
from hanse.ideas.services import experiment_create, idea_create, idea_support
from hanse.moderation.services import content_hide
from hanse.people.models import User
from hanse.search.index import index_objects
from hanse.search.selectors import SearchQuery, search
from tests.conftest import PASSWORD

ACTORS = ["anonymous", "outsider", "member", "moderator", "owner", "admin"]
KINDS = ["open", "private", "secret"]
IDEA_MARKER = "Ideenmarker{kind}"
EXPERIMENT_MARKER = "Versuchsmarker{kind}"

# y: sees the idea/experiment (page 200, listed, found); n: 404 / not listed / not found.
SEES = {
    "anonymous": "nnn",
    "outsider": "ynn",
    "member": "yyy",
    "moderator": "yyy",
    "owner": "yyy",
    "admin": "yyy",
}
# Comment and post: members (an outsider of an open community reads but is refused). An
# administrator who is not a member does not take part either, as with posts (may_post_in).
TAKES_PART = {
    "anonymous": "nnn",
    "outsider": "nnn",
    "member": "yyy",
    "moderator": "yyy",
    "owner": "yyy",
    "admin": "nnn",
}
# Review (status, board) and close an experiment: moderators, owners, administrators.
REVIEWS = {
    "anonymous": "nnn",
    "outsider": "nnn",
    "member": "nnn",
    "moderator": "yyy",
    "owner": "yyy",
    "admin": "yyy",
}
# The review board of the community: 200, 403 (knows the community, not a reviewer) or 404.
BOARD = {
    "anonymous": ["login"] * 3,
    "outsider": [403, 403, 404],
    "member": [403, 403, 403],
    "moderator": [200, 200, 200],
    "owner": [200, 200, 200],
    "admin": [200, 200, 200],
}


def expect(table: dict[str, Any], actor: str, kind: str) -> Any:
    value = table[actor][KINDS.index(kind)]
    return value == "y" if isinstance(table[actor], str) else value


@dataclass
class World:
    kind: str
    community: Community
    people: dict[str, User | None]
    author: User  # a plain member who posted the idea
    idea: Idea
    experiment: Experiment


def _person(username: str, **fields: Any) -> User:
    fields.setdefault("email", f"{username}@example.org")
    return User.objects.create_user(username=username, password=PASSWORD, **fields)


def _build(kind: str, admin: User) -> World:
    owner = _person(f"iowner_{kind}")
    moderator = _person(f"imoderator_{kind}")
    member = _person(f"imember_{kind}")
    author = _person(f"iauthor_{kind}")
    community = community_services.community_create(
        by=owner, name=f"Ideenclub {kind}", kind=kind, description="Test"
    )
    community_services.membership_add(
        community=community, user=moderator, role=Membership.Role.MODERATOR
    )
    for person in (member, author):
        community_services.membership_add(community=community, user=person)
    idea = idea_create(
        author=author,
        community=community,
        title=IDEA_MARKER.format(kind=kind),
        description="Beschreibung",
    )
    experiment = experiment_create(
        owner=author,
        community=community,
        title=EXPERIMENT_MARKER.format(kind=kind),
        hypothesis="Wenn wir …, dann …",
    )
    return World(
        kind=kind,
        community=community,
        people={
            "anonymous": None,
            "outsider": _person(f"ioutsider_{kind}"),
            "member": member,
            "moderator": moderator,
            "owner": owner,
            "admin": admin,
        },
        author=author,
        idea=idea,
        experiment=experiment,
    )


@pytest.fixture(scope="module")
def worlds(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, World]]:
    """Built once for the module in an outer transaction; each case runs in a savepoint."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            admin = _person("iadmin", is_staff=True, is_superuser=True)
            yield {kind: _build(kind, admin) for kind in KINDS}
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def world(request: Any, worlds: dict[str, World], db: None) -> World:
    built = worlds[request.param]
    return World(
        kind=built.kind,
        community=Community.objects.get(pk=built.community.pk),
        people={
            a: None if p is None else User.objects.get(pk=p.pk) for a, p in built.people.items()
        },
        author=User.objects.get(pk=built.author.pk),
        idea=Idea.objects.get(pk=built.idea.pk),
        experiment=Experiment.objects.get(pk=built.experiment.pk),
    )


def _client(client_for: Any, person: User | None) -> Any:
    return client_for(person)


def _is_login(response: Any) -> bool:
    return response.status_code == 302 and "/accounts/login/" in response["Location"]


pytestmark = pytest.mark.parametrize("world", KINDS, indirect=True)


@pytest.mark.parametrize("actor", ACTORS)
def test_pages(actor, world, client_for):
    """The idea page, the experiment page, the lists and the log."""
    client = client_for(world.people[actor])
    pages = [
        reverse("ideas:idea", args=[world.idea.pk]),
        reverse("ideas:experiment", args=[world.experiment.pk]),
    ]
    sees = expect(SEES, actor, world.kind)
    for url in pages:
        response = client.get(url)
        if actor == "anonymous":
            assert _is_login(response), url
        else:
            assert response.status_code == (200 if sees else 404), url
    for url, marker in [
        (reverse("ideas:index"), IDEA_MARKER),
        (reverse("ideas:log"), EXPERIMENT_MARKER),
    ]:
        response = client.get(url)
        if actor == "anonymous":
            assert _is_login(response)
            continue
        assert response.status_code == 200
        assert (marker.format(kind=world.kind) in response.content.decode()) == sees


@pytest.mark.parametrize("actor", ACTORS)
def test_support_and_comment(actor, world, client_for):
    client = client_for(world.people[actor])
    sees = expect(SEES, actor, world.kind)
    response = client.post(reverse("ideas:support", args=[world.idea.pk]))
    if actor == "anonymous":
        assert _is_login(response)
    else:
        assert response.status_code == (302 if sees else 404)
    assert IdeaSupport.objects.filter(idea=world.idea).exists() == sees

    response = client.post(reverse("ideas:comment", args=[world.idea.pk]), {"body": "Ja"})
    takes_part = expect(TAKES_PART, actor, world.kind)
    if actor != "anonymous":
        assert response.status_code == (302 if sees else 404)
    assert IdeaComment.objects.filter(idea=world.idea).exists() == takes_part


@pytest.mark.parametrize("actor", ACTORS)
def test_review(actor, world, client_for):
    """Status changes, the board, closing an experiment: reviewers only."""
    client = client_for(world.people[actor])
    sees = expect(SEES, actor, world.kind)
    reviews = expect(REVIEWS, actor, world.kind)
    response = client.post(
        reverse("ideas:status", args=[world.idea.pk]),
        {"to_status": "under_review", "reason": "Wir schauen es uns an."},
    )
    if actor != "anonymous":
        assert response.status_code == (302 if sees else 404)
    assert StatusChange.objects.filter(idea=world.idea).exists() == reviews

    response = client.get(reverse("ideas:board") + f"?community={world.community.slug}")
    board = expect(BOARD, actor, world.kind)
    if board == "login":
        assert _is_login(response)
    else:
        assert response.status_code == board
        if board == 200:
            assert IDEA_MARKER.format(kind=world.kind) in response.content.decode()

    response = client.post(
        reverse("ideas:close", args=[world.experiment.pk]),
        {"result": "refuted", "lessons": "Gelernt."},
    )
    if actor != "anonymous":
        assert response.status_code == (302 if sees else 404)
    closed = Experiment.objects.get(pk=world.experiment.pk).status == "closed"
    assert closed == reviews


@pytest.mark.parametrize("actor", ACTORS)
def test_search(actor, world):
    """Search finds the idea and the experiment exactly for those who see them."""
    index_objects("idea", [world.idea.pk])
    index_objects("experiment", [world.experiment.pk])
    person = world.people[actor]
    sees = expect(SEES, actor, world.kind)
    for marker, key in [(IDEA_MARKER, "idea"), (EXPERIMENT_MARKER, "experiment")]:
        results = search(user=person, query=SearchQuery(text=marker.format(kind=world.kind)))
        assert [h.type for h in results.hits if h.type == key] == ([key] if sees else [])
        assert results.counts.get(key, 0) == (1 if sees else 0)


# Changing a running experiment (its page): the owner (the author here), moderators,
# administrators; 403 for one who sees it, 404 for one who may not.
EDITS_EXPERIMENT = {
    "anonymous": ["login"] * 3,
    "outsider": [403, 404, 404],
    "member": [403, 403, 403],
    "moderator": [200, 200, 200],
    "owner": [200, 200, 200],
    "admin": [200, 200, 200],
}
# Sharing a closed experiment as a story: its owner, team and moderators who may post in the
# community; an administrator who is not a member does not post there.
SHARES = {
    "anonymous": "nnn",
    "outsider": "nnn",
    "member": "nnn",
    "moderator": "yyy",
    "owner": "yyy",
    "admin": "nnn",
}


def _pdf() -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("anlage.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")


@pytest.mark.parametrize("actor", ACTORS)
def test_files_edit_and_coauthors(actor, world, client_for):
    """An idea's file is downloaded by who sees the idea; editing and co-authors belong to
    its author (nobody in the table), until the author invites the person."""
    from hanse.ideas.models import IdeaAttachment
    from hanse.ideas.services import idea_coauthor_respond, idea_coauthors_set, idea_edit

    idea_edit(
        idea=world.idea, by=world.author, title=world.idea.title, description="D", files=[_pdf()]
    )
    attachment = IdeaAttachment.objects.get(idea=world.idea)
    person = world.people[actor]
    client = client_for(person)
    sees = expect(SEES, actor, world.kind)
    response = client.get(attachment.get_absolute_url())
    edit_url = reverse("ideas:edit", args=[world.idea.pk])
    if actor == "anonymous":
        assert _is_login(response)
        assert _is_login(client.get(edit_url))
        return
    assert response.status_code == (200 if sees else 404)
    assert client.get(edit_url).status_code == (403 if sees else 404)
    response = client.post(
        reverse("ideas:coauthors", args=[world.idea.pk]), {"coauthors": person.username}
    )
    assert response.status_code == (302 if sees else 404)
    assert not Idea.objects.get(pk=world.idea.pk).coauthors.exists()
    if sees:
        idea_coauthors_set(idea=world.idea, by=world.author, coauthors=[person])
        assert client.get(edit_url).status_code == 403  # invited, not accepted yet
        idea_coauthor_respond(idea=world.idea, user=person, accept=True)
        assert client.get(edit_url).status_code == 200
        response = client.post(edit_url, {"title": "Neu", "description": "Neu"})
        assert response.status_code == 302
        assert Idea.objects.get(pk=world.idea.pk).title == "Neu"


@pytest.mark.parametrize("actor", ACTORS)
def test_experiment_edit_and_share(actor, world, client_for):
    from hanse.ideas.services import experiment_close
    from hanse.posts.models import Post

    client = client_for(world.people[actor])
    url = reverse("ideas:experiment_edit", args=[world.experiment.pk])
    expected = expect(EDITS_EXPERIMENT, actor, world.kind)
    response = client.get(url)
    if expected == "login":
        assert _is_login(response)
    else:
        assert response.status_code == expected
    response = client.post(url, {"plan": "Neuer Plan", "team": ""})
    if expected == 200:
        assert response.status_code == 302
    plan = Experiment.objects.get(pk=world.experiment.pk).plan
    assert (plan == "Neuer Plan") == (expected == 200)

    experiment_close(experiment=world.experiment, by=world.author, result="refuted", lessons="L")
    response = client.post(reverse("ideas:share", args=[world.experiment.pk]), {"note": ""})
    sees = expect(SEES, actor, world.kind)
    if actor != "anonymous":
        assert response.status_code == (302 if sees else 404)
    shared = Experiment.objects.get(pk=world.experiment.pk).story_post_id is not None
    assert shared == expect(SHARES, actor, world.kind)
    assert Post.objects.filter(community=world.community).exists() == shared


# Merging a duplicate into world.idea, on the page (ideas:merge) and through
# POST /api/v1/ideas/{id}/merge: reviewers of both ideas merge (200); one who sees both and
# may not merge is refused (400 merge_refused); one who may not see the duplicate or the idea
# it would join gets 404, the same answer as for an unknown id; anonymous gets 401.
MERGES = {
    "anonymous": [401] * 3,
    "outsider": [400, 404, 404],
    "member": [400] * 3,
    "moderator": [200] * 3,
    "owner": [200] * 3,
    "admin": [200] * 3,
}
# The duplicate became invisible: a moderator hid it (hanse/core/moderation.py). The
# outsider and the member no longer see it (404 as unknown; its author, not in the table,
# still would); the community's moderators, its owner and administrators still do, and may
# merge it.
MERGES_HIDDEN = {**MERGES, "outsider": [404] * 3, "member": [404] * 3}
# Into an idea of a secret community none of them belongs to: 404 as unknown, except for the
# administrator, who sees it and is refused (the ideas are not in the same place).
MERGES_ELSEWHERE = {
    "anonymous": [401] * 3,
    **{actor: [404] * 3 for actor in ("outsider", "member", "moderator", "owner")},
    "admin": [400] * 3,
}
MERGE_CASES = {"visible": MERGES, "hidden": MERGES_HIDDEN, "elsewhere": MERGES_ELSEWHERE}
UNKNOWN_IDEA = 987_654_321


def _merge(client: Any, surface: str, duplicate_id: int, into_id: int) -> Any:
    if surface == "api":
        return client.post(
            f"/api/v1/ideas/{duplicate_id}/merge",
            {"into": into_id},
            content_type="application/json",
        )
    return client.post(reverse("ideas:merge", args=[duplicate_id]), {"into": into_id})


@pytest.mark.parametrize("surface", ["api", "page"])
@pytest.mark.parametrize("case", list(MERGE_CASES))
@pytest.mark.parametrize("actor", ACTORS)
def test_merge(actor, case, surface, world, client_for):
    """Merging a duplicate, on the page and in the API; the duplicate made invisible and an
    idea elsewhere answer exactly as unknown ids do; a refused merge moves nothing."""
    duplicate = idea_create(
        author=world.author,
        community=world.community,
        title="Doppelte Idee",
        description="Noch einmal",
    )
    idea_support(idea=duplicate, user=world.people["owner"])
    into = world.idea
    if case == "hidden":
        content_hide(
            by=world.people["moderator"], kind="idea", object_id=duplicate.pk, reason="Doppelt"
        )
    elif case == "elsewhere":
        stranger = _person(f"istranger_{world.kind}")
        secret = community_services.community_create(
            by=stranger, name=f"Geheimclub {world.kind}", kind="secret", description="Test"
        )
        into = idea_create(author=stranger, community=secret, title="Fremd", description="D")
    client = client_for(world.people[actor])
    expected = expect(MERGE_CASES[case], actor, world.kind)

    response = _merge(client, surface, duplicate.pk, into.pk)
    if surface == "api":
        assert response.status_code == expected, response.content
        if expected == 400:
            assert response.json()["code"] == "merge_refused"
        if expected == 404:
            assert response.json()["code"] == "not_found"
    elif expected == 401:
        assert _is_login(response)
    elif expected == 404:
        assert response.status_code == 404
    else:
        # Merged or refused, the page goes back to an idea (refused: with the reason).
        assert response.status_code == 302
    merged = Idea.objects.get(pk=duplicate.pk).merged_into_id
    assert merged == (into.pk if expected == 200 else None)
    kept = IdeaSupport.objects.filter(idea=duplicate).exists()
    assert kept == (expected != 200)
    if expected in (401, 404):
        # Unknown and invisible answer the same: an unknown id in place of the one not seen
        # (the idea elsewhere; else the duplicate).
        if case == "elsewhere":
            other = _merge(client, surface, duplicate.pk, UNKNOWN_IDEA)
        else:
            other = _merge(client, surface, UNKNOWN_IDEA, into.pk)
        if surface == "page" and expected == 401:
            assert _is_login(other)  # the login page, to come back to the URL asked for
        else:
            assert (other.status_code, other.content) == (response.status_code, response.content)
