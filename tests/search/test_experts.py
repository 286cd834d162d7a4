""" "Wer weiß was?": people ranked by declared skills and by what they wrote, with reasons,
counted only from what the asking person may read; the opt-out."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from hanse.people.models import Skill, User
from hanse.people.services import expert_preference_set
from hanse.posts.models import Post
from hanse.posts.services.reactions import reaction_add
from hanse.search.experts import find_experts
from tests.posts.conftest import Cast

pytestmark = pytest.mark.django_db


def skill(name: str) -> Skill:
    from django.utils.text import slugify

    return Skill.objects.get_or_create(slug=slugify(name), defaults={"name": name})[0]


@pytest.fixture
def experts_cast(
    cast: Cast, make_post: Callable[..., Post], committed: Any, make_user: Callable[..., User]
) -> dict[str, Any]:
    """Olga declares Baufinanzierung; Moritz wrote about it (open and secret); Mia asks-me-about."""
    cast.owner.skills.add(skill("Baufinanzierung"))
    cast.member.ask_me_about.add(skill("Baufinanzierung"))
    with committed():
        open_posts = [
            make_post(cast.moderator, f"Baufinanzierung: Tipp {n}", community=cast.open)
            for n in range(3)
        ]
        secret = make_post(cast.moderator, "Baufinanzierung vertraulich", community=cast.secret)
    for post in open_posts[:2]:
        reaction_add(post=post, user=cast.member, kind="like")
        reaction_add(post=post, user=cast.outsider, kind="like")
    reaction_add(post=secret, user=cast.member, kind="like")
    return {"open_posts": open_posts, "secret": secret}


def by_name(experts: list[Any]) -> dict[str, Any]:
    return {e.person.username: e for e in experts}


def test_declared_and_written_with_reasons(cast: Cast, experts_cast: dict[str, Any]) -> None:
    """The skill, the ask-me-about topic and the writing all count, each with its reason."""
    found = by_name(find_experts(user=cast.outsider, topic="Baufinanzierung"))
    assert found["olga"].reasons == ["Skill Baufinanzierung"]
    assert found["mia"].reasons == ["Ask me about Baufinanzierung"]
    assert found["moritz"].reasons == ["3 posts about it", "4 reactions"]


def test_counts_only_from_what_the_asker_may_read(cast: Cast, experts_cast: dict[str, Any]) -> None:
    """A member of the secret community sees one post and one reaction more than an outsider."""
    outsider_view = by_name(find_experts(user=cast.outsider, topic="Baufinanzierung"))
    member_view = by_name(find_experts(user=cast.member, topic="Baufinanzierung"))
    assert (outsider_view["moritz"].posts, outsider_view["moritz"].reactions) == (3, 4)
    assert (member_view["moritz"].posts, member_view["moritz"].reactions) == (4, 5)


def test_the_asker_is_left_out(cast: Cast, experts_cast: dict[str, Any]) -> None:
    assert "olga" not in by_name(find_experts(user=cast.owner, topic="Baufinanzierung"))


def test_word_forms_and_compounds_find_skills(cast: Cast, experts_cast: dict[str, Any]) -> None:
    """ "baufinanzierung", "Finanzierung" and "#Baufinanzierung" find the declared skill."""
    for topic in ("baufinanzierung", "Finanzierung", "#Baufinanzierung"):
        assert "olga" in by_name(find_experts(user=cast.outsider, topic=topic)), topic


def test_opt_out_keeps_declared_skills_only(cast: Cast, experts_cast: dict[str, Any]) -> None:
    """After opting out, Moritz's posts no longer count; Mia (who opts out) keeps her topic."""
    expert_preference_set(user=cast.moderator, from_activity=False)
    expert_preference_set(user=cast.member, from_activity=False)
    found = by_name(find_experts(user=cast.outsider, topic="Baufinanzierung"))
    assert "moritz" not in found
    assert found["mia"].reasons == ["Ask me about Baufinanzierung"]


def test_ranking_declared_and_active(cast: Cast, experts_cast: dict[str, Any]) -> None:
    """Writing plus reactions outrank a single declaration; an unknown topic finds nobody."""
    ranked = [e.person.username for e in find_experts(user=cast.outsider, topic="Baufinanzierung")]
    assert ranked[0] == "moritz"
    assert find_experts(user=cast.outsider, topic="Quantenkryptographie") == []


def test_experts_page(
    client_for: Callable[[User], Client], cast: Cast, experts_cast: dict[str, Any]
) -> None:
    """The page lists the people with their reasons, in German with the ·-separated list."""
    client = client_for(cast.outsider)
    html = client.get("/search/experts/?topic=Baufinanzierung").content.decode()
    assert "Moritz Moderator" in html
    assert "3 posts about it · 4 reactions" in html
    assert "Olga Owner" in html
    client.post("/i18n/setlang/", {"language": "de"})
    html = client.get(
        "/search/experts/?topic=Baufinanzierung", HTTP_ACCEPT_LANGUAGE="de"
    ).content.decode()
    assert "Fähigkeit Baufinanzierung" in html


def test_experts_page_without_topic_and_with_nonsense(
    client_for: Callable[[User], Client], cast: Cast
) -> None:
    client = client_for(cast.member)
    assert client.get("/search/experts/").status_code == 200
    for topic in ("x" * 5000, '"', "🏦", "-", "from:@"):
        assert client.get("/search/experts/", {"topic": topic}).status_code == 200


def test_opt_out_setting_on_the_profile_page(
    client_for: Callable[[User], Client], cast: Cast
) -> None:
    """The profile's one form has the switch; saving without the box turns it off, and the
    rest of the profile is kept."""
    client = client_for(cast.member)
    html = client.get("/people/me/edit/").content.decode()
    assert 'name="expert_from_activity"' in html
    assert "checked" in html.split('name="expert_from_activity"')[1].split(">")[0] or (
        'checked name="expert_from_activity"' in html
    )
    form = {"first_name": "Maria", "last_name": "Mitglied", "about": "Hallo"}
    response = client.post("/people/me/edit/", form)
    assert response.status_code == 302
    cast.member.refresh_from_db()
    assert cast.member.expert_from_activity is False
    assert cast.member.about == "Hallo"
    client.post("/people/me/edit/", {**form, "expert_from_activity": "on"})
    cast.member.refresh_from_db()
    assert cast.member.expert_from_activity is True


def test_profile_skills_link_to_the_finder(
    client_for: Callable[[User], Client], cast: Cast
) -> None:
    cast.owner.skills.add(skill("Wertpapiere"))
    html = client_for(cast.member).get(f"/people/{cast.owner.username}/").content.decode()
    assert 'href="/search/experts/?topic=Wertpapiere"' in html
    assert 'href="/search/experts/"' in client_for(cast.member).get("/people/").content.decode()
