"""Fixtures for notification tests. Posts, comments, reactions and mentions are written
through the ORM: these tests are about who is told what, not about writing posts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from hanse.communities.models import Community
from hanse.people.models import User
from hanse.posts.models import Comment, Mention, Post, Reaction


@pytest.fixture
def make_post(db: None) -> Callable[..., Post]:
    def make(
        author: User,
        body: str = "Hallo zusammen",
        community: Community | None = None,
        mentions: tuple[User, ...] = (),
    ) -> Post:
        post = Post.objects.create(
            author=author,
            body=body,
            scope=Post.Scope.COMMUNITY if community else Post.Scope.COMPANY,
            community=community,
        )
        for person in mentions:
            Mention.objects.create(post=post, user=person)
        return post

    return make


@pytest.fixture
def make_comment(db: None) -> Callable[..., Comment]:
    def make(
        post: Post,
        author: User,
        body: str = "Gute Idee",
        parent: Comment | None = None,
        mentions: tuple[User, ...] = (),
    ) -> Comment:
        comment = Comment.objects.create(post=post, author=author, body=body, parent=parent)
        for person in mentions:
            Mention.objects.create(post=post, comment=comment, user=person)
        return comment

    return make


@pytest.fixture
def react(db: None) -> Callable[..., Reaction]:
    def make(
        user: User, post: Post | None = None, comment: Comment | None = None, kind: str = "like"
    ) -> Reaction:
        return Reaction.objects.create(user=user, post=post, comment=comment, kind=kind)

    return make


@pytest.fixture
def people(make_user: Callable[..., User]) -> dict[str, Any]:
    return {
        "anna": make_user("anna_s", first_name="Anna", last_name="Schmidt"),
        "ben": make_user("ben", first_name="Ben", last_name="Meyer"),
        "cem": make_user("cem", first_name="Cem", last_name="Yilmaz"),
        "dora": make_user("dora", first_name="Dora", last_name="Klein"),
    }
