"""Completing a circle: the retrospective (private unless shared with the circle), the story
published to the stream, "start another circle"; and who may do any of it (a table)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from hanse.circles.models import Circle, Retrospective
from hanse.circles.services import completion
from hanse.circles.services import rounds as round_services
from hanse.core.errors import PermissionRefused
from hanse.posts.models import Post
from tests.circles.conftest import SLOT, World

pytestmark = pytest.mark.django_db
RETRO = "Rückblickmarker"
STORY = "Geschichtenmarker"


def _finish(circle: Circle) -> None:
    Circle.objects.filter(pk=circle.pk).update(
        starts_on=timezone.localdate() - dt.timedelta(weeks=circle.weeks, days=1)
    )
    circle.refresh_from_db()


def test_retrospective_opens_after_the_last_week(world: World):
    with pytest.raises(PermissionRefused):
        completion.retrospective_save(
            by=world.members[0], circle=world.circle, gave_me="x", next_steps="", shared=False
        )
    assert not Retrospective.objects.exists()
    _finish(world.circle)
    completion.retrospective_save(
        by=world.members[0], circle=world.circle, gave_me="x", next_steps="", shared=False
    )
    assert Retrospective.objects.get().gave_me == "x"


def test_retrospective_private_unless_shared(world: World, client_for):
    _finish(world.circle)
    owner, peer = world.members[0], world.members[1]
    response = client_for(owner).post(
        reverse("circles:retrospective", args=[world.circle.pk]),
        {"gave_me": RETRO, "next_steps": "weiter"},
    )
    assert response.status_code == 302
    space = reverse("circles:space", args=[world.circle.pk])
    assert RETRO in client_for(owner).get(space).content.decode()
    assert RETRO not in client_for(peer).get(space).content.decode()
    client_for(owner).post(
        reverse("circles:retrospective", args=[world.circle.pk]),
        {"gave_me": RETRO, "next_steps": "weiter", "shared": "on"},
    )
    assert RETRO in client_for(peer).get(space).content.decode()
    other_space = reverse("circles:space", args=[world.other_circle.pk])
    assert client_for(world.other_members[0]).get(space).status_code == 404
    assert RETRO not in client_for(world.other_members[0]).get(other_space).content.decode()


def test_story_goes_to_the_stream_once(world: World, client_for):
    _finish(world.circle)
    owner = world.members[0]
    client = client_for(owner)
    client.post(
        reverse("circles:retrospective", args=[world.circle.pk]),
        {"gave_me": RETRO, "next_steps": ""},
    )
    response = client.post(reverse("circles:story", args=[world.circle.pk]), {"body": STORY})
    assert response.status_code == 302
    post = Post.objects.get()
    assert post.author == owner and post.scope == Post.Scope.COMPANY
    assert STORY in post.body and RETRO not in post.body
    assert Retrospective.objects.get().story_post == post
    client.post(reverse("circles:story", args=[world.circle.pk]), {"body": STORY + "2"})
    assert Post.objects.count() == 1
    empty = client.post(reverse("circles:story", args=[world.circle.pk]), {"body": " "})
    assert empty.status_code == 302 and Post.objects.count() == 1


def test_start_another_circle_prefills_the_next_round(world: World, client_for, coordinator):
    _finish(world.circle)
    owner = world.members[0]
    client = client_for(owner)
    response = client.get(reverse("circles:another", args=[world.circle.pk]))
    assert response["Location"] == reverse("circles:friends_new")  # no round open
    today = timezone.localdate()
    nxt = round_services.round_create(
        by=coordinator,
        name="Herbst",
        signup_closes=today + dt.timedelta(days=7),
        starts_on=today + dt.timedelta(days=14),
    )
    response = client.get(reverse("circles:another", args=[world.circle.pk]))
    assert response["Location"] == reverse("circles:signup", args=[nxt.pk]) + (
        f"?again={world.circle.pk}"
    )
    form = client.get(response["Location"]).content.decode()
    checked = re.findall(r'name="slots" value="(\d+)"[^>]*checked', form)
    assert checked == [str(SLOT)]


# Who may write a retrospective or publish a story: the circle's members, nobody else.
COMPLETION_TABLE: dict[str, str] = {
    "owner": "ok",
    "circle_peer": "ok",
    "round_peer": "404",
    "coordinator": "404",
    "admin": "404",
    "colleague": "404",
    "anonymous": "302",
}


@pytest.mark.parametrize("surface", ["retrospective", "story", "another"])
@pytest.mark.parametrize("actor", list(COMPLETION_TABLE))
def test_completion_table(surface, actor, world: World, admin_user, make_user, client_for):
    _finish(world.circle)
    person: Any = {
        "owner": world.members[0],
        "circle_peer": world.members[1],
        "round_peer": world.other_members[0],
        "coordinator": world.coordinator,
        "admin": admin_user,
        "colleague": make_user("kollege"),
        "anonymous": None,
    }[actor]
    client = client_for(person)
    url = reverse(f"circles:{surface}", args=[world.circle.pk])
    if surface == "another":
        response = client.get(url)
    else:
        response = client.post(url, {"gave_me": RETRO, "next_steps": "", "body": STORY})
    expected = COMPLETION_TABLE[actor]
    if expected == "ok":
        assert response.status_code == 302
        if surface == "retrospective":
            assert Retrospective.objects.filter(member__user=person, gave_me=RETRO).exists()
        if surface == "story":
            assert Post.objects.filter(author=person).exists()
        return
    assert response.status_code == int(expected)
    assert not Retrospective.objects.exists() and not Post.objects.exists()
    if expected == "404":
        assert world.circle.name not in response.content.decode()
