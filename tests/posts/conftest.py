"""Shared fixtures of the stream tests: a cast of people around three communities (open,
private, secret) and factories that write through the services."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hanse.communities.models import Community
from hanse.people.models import Follow, User
from hanse.posts.models import Post


@dataclass
class Cast:
    """Everyone a permission table needs."""

    owner: User
    moderator: User
    member: User
    outsider: User
    admin: User
    open: Community
    private: Community
    secret: Community

    def community(self, kind: str) -> Community:
        return {"open": self.open, "private": self.private, "secret": self.secret}[kind]

    def viewer(self, name: str) -> User | None:
        return None if name == "anonymous" else getattr(self, name)


@pytest.fixture
def cast(make_user: Callable[..., User], make_community: Callable[..., Community]) -> Cast:
    owner = make_user("olga", first_name="Olga", last_name="Owner")
    moderator = make_user("moritz", first_name="Moritz", last_name="Moderator")
    member = make_user("mia", first_name="Mia", last_name="Member")
    outsider = make_user("otto", first_name="Otto", last_name="Outsider")
    admin = make_user("adele", first_name="Adele", last_name="Admin", is_superuser=True)

    def community(kind: str, name: str) -> Community:
        return make_community(
            kind, owner=owner, name=name, moderators=(moderator,), members=(member,)
        )

    return Cast(
        owner=owner,
        moderator=moderator,
        member=member,
        outsider=outsider,
        admin=admin,
        open=community(Community.Kind.OPEN, "Offene Runde"),
        private=community(Community.Kind.PRIVATE, "Vertrauliche Runde"),
        secret=community(Community.Kind.SECRET, "Geheime Runde"),
    )


@pytest.fixture
def make_post() -> Callable[..., Post]:
    """A post written through post_create (company-wide unless a community is given)."""

    def make(author: User, body: str = "Moin zusammen!", **kwargs: Any) -> Post:
        from hanse.posts.services.posts import post_create

        return post_create(author=author, body=body, **kwargs)

    return make


@pytest.fixture
def follow() -> Callable[[User, User], Follow]:
    def make(follower: User, followee: User) -> Follow:
        return Follow.objects.create(follower=follower, followee=followee)

    return make


def png_bytes(size: tuple[int, int] = (8, 8), color: str = "red") -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def png_upload() -> Callable[..., SimpleUploadedFile]:
    def make(name: str = "bild.png") -> SimpleUploadedFile:
        return SimpleUploadedFile(name, png_bytes(), content_type="image/png")

    return make


@pytest.fixture
def no_previews(settings: Any) -> None:
    """No network in tests that do not ask for it."""
    settings.LINK_PREVIEWS_ENABLED = False
