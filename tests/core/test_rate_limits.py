"""Rate limits (RATE_LIMITS, hanse/core/ratelimit.py): for each limited action the request
one past the limit gets 429 with Retry-After and a friendly page in the person's language
(the API's JSON error shape under /api/), and writes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from hanse.api.models import PersonalAccessToken
from hanse.api.services import token_create
from hanse.chat.models import Channel, Message
from hanse.chat.services import channel_create
from hanse.core import ratelimit
from hanse.people.models import User
from hanse.posts.models import Comment, Post
from hanse.posts.services.posts import post_create
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

GERMAN_PAGE = "Bitte warte einen Moment"
ENGLISH_PAGE = "Please wait a moment"


@pytest.fixture
def limits(settings: Any) -> Callable[..., None]:
    def set_limits(**rates: str) -> None:
        settings.RATE_LIMITS = {**settings.RATE_LIMITS, **rates}

    return set_limits


def german(person: User) -> User:
    person.ui_language = "de"
    person.save(update_fields=["ui_language"])
    return person


def assert_429_page(response: Any, text: str) -> None:
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    body = response.content.decode()
    assert text in body, body


# --- the helper -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "rate"),
    [
        ("10/m", ratelimit.Rate(10, 60)),
        ("30/5m", ratelimit.Rate(30, 300)),
        ("100/h", ratelimit.Rate(100, 3600)),
        ("20/10s", ratelimit.Rate(20, 10)),
        ("5/d", ratelimit.Rate(5, 86400)),
        ("0", None),
        ("", None),
    ],
)
def test_rates_are_read_from_their_short_form(text: str, rate: Any) -> None:
    assert ratelimit.parse_rate(text) == rate


def test_a_rate_that_cannot_be_read_says_how_to_write_it() -> None:
    with pytest.raises(ValueError, match="write it as 10/m"):
        ratelimit.parse_rate("ten per minute")


def test_one_past_the_limit_is_refused_with_the_time_to_wait(limits: Any) -> None:
    limits(post="2/m")
    ratelimit.require("post", 7)
    ratelimit.require("post", 7)
    with pytest.raises(ratelimit.RateLimited) as refused:
        ratelimit.require("post", 7)
    assert 1 <= refused.value.retry_after <= 60
    assert refused.value.status == 429
    ratelimit.require("post", 8)  # another person has their own allowance


def test_a_limit_set_to_zero_is_off(limits: Any) -> None:
    limits(post="0")
    for _ in range(50):
        ratelimit.require("post", 7)


# --- login (allauth's own limiting, our page) ------------------------------------------------


@pytest.mark.parametrize(("language", "text"), [("de", GERMAN_PAGE), ("en", ENGLISH_PAGE)])
def test_login_failures_past_the_limit_get_the_429_page(
    user: User, language: str, text: str
) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    url = reverse("account_login")
    for _ in range(5):
        response = client.post(url, {"login": "anna", "password": "wrong"})
        assert response.status_code == 200
    response = client.post(url, {"login": "anna", "password": PASSWORD})
    assert_429_page(response, text)
    assert int(response["Retry-After"]) == 300  # the "5/5m/key" window
    assert "_auth_user_id" not in client.session  # not signed in


# --- password reset (allauth's limit, our page) ----------------------------------------------


def test_password_reset_past_the_limit_gets_the_429_page(user: User, settings: Any) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="de")
    url = reverse("account_reset_password")
    for _ in range(5):
        assert client.post(url, {"email": user.email}).status_code == 302
    sent = len(mail.outbox)
    response = client.post(url, {"email": user.email})
    assert_429_page(response, GERMAN_PAGE)
    assert len(mail.outbox) == sent  # no e-mail for the refused request


# --- API tokens ------------------------------------------------------------------------------


def test_creating_tokens_past_the_limit_is_refused(
    user: User, client_for: Callable[..., Client], limits: Any
) -> None:
    limits(api_token_create="3/h")
    client = client_for(german(user))
    for n in range(3):
        assert client.post(reverse("api:tokens"), {"name": f"T{n}"}).status_code == 200
    response = client.post(reverse("api:tokens"), {"name": "one too many"})
    assert_429_page(response, GERMAN_PAGE)
    assert PersonalAccessToken.objects.filter(user=user).count() == 3


def test_failed_token_logins_past_the_limit_are_refused_in_the_api_shape(
    user: User, limits: Any
) -> None:
    limits(api_token_failed="3/m")
    good = token_create(user=user, name="Good").raw
    client = Client(HTTP_ACCEPT_LANGUAGE="de")
    for _ in range(3):
        response = client.get("/api/v1/people/me", HTTP_AUTHORIZATION="Bearer hanse_wrong")
        assert response.status_code == 401
    response = client.get("/api/v1/people/me", HTTP_AUTHORIZATION="Bearer hanse_wrong")
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert response.json()["code"] == "rate_limited"
    assert set(response.json()) == {"detail", "code"}
    # Even a good token from that address waits; another address is not affected.
    assert client.get("/api/v1/people/me", HTTP_AUTHORIZATION=f"Bearer {good}").status_code == 429
    other = Client(REMOTE_ADDR="198.51.100.9")
    assert other.get("/api/v1/people/me", HTTP_AUTHORIZATION=f"Bearer {good}").status_code == 200


# --- posting ---------------------------------------------------------------------------------


def test_posting_past_the_limit_gets_the_429_page(
    user: User, client_for: Callable[..., Client], limits: Any
) -> None:
    limits(post="2/10m")
    client = client_for(german(user))
    for n in range(2):
        response = client.post(
            reverse("posts:create"), {"body": f"Beitrag {n}", "where": "company"}
        )
        assert response.status_code in (200, 302)
    response = client.post(reverse("posts:create"), {"body": "zu viel", "where": "company"})
    assert_429_page(response, GERMAN_PAGE)
    assert Post.objects.filter(author=user).count() == 2
    assert not Post.objects.filter(body="zu viel").exists()


def test_posting_through_the_api_past_the_limit_gets_429_json(user: User, limits: Any) -> None:
    limits(post="2/10m")
    token = token_create(user=user, name="Bot").raw
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    for n in range(2):
        response = client.post(
            "/api/v1/posts", {"body": f"API {n}"}, content_type="application/json"
        )
        assert response.status_code == 201, response.content
    response = client.post("/api/v1/posts", {"body": "zu viel"}, content_type="application/json")
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert response.json()["code"] == "rate_limited"
    assert Post.objects.filter(author=user).count() == 2


def test_commenting_past_the_limit_gets_the_429_page(
    user: User, make_user: Callable[..., User], client_for: Callable[..., Client], limits: Any
) -> None:
    limits(comment="2/10m")
    post = post_create(author=make_user("ben"), body="Hallo")
    client = client_for(german(user))
    url = reverse("posts:comment_create", args=[post.pk])
    for n in range(2):
        assert client.post(url, {"body": f"Kommentar {n}"}).status_code in (200, 302)
    response = client.post(url, {"body": "zu viel"})
    assert_429_page(response, GERMAN_PAGE)
    assert Comment.objects.filter(post=post).count() == 2


def test_commenting_through_the_api_past_the_limit_gets_429_json(
    user: User, make_user: Callable[..., User], limits: Any
) -> None:
    limits(comment="1/10m")
    post = post_create(author=make_user("ben"), body="Hallo")
    token = token_create(user=user, name="Bot").raw
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    url = f"/api/v1/posts/{post.pk}/comments"
    assert client.post(url, {"body": "eins"}, content_type="application/json").status_code == 201
    response = client.post(url, {"body": "zwei"}, content_type="application/json")
    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited"
    assert int(response["Retry-After"]) >= 1
    assert Comment.objects.filter(post=post).count() == 1


# --- chat ------------------------------------------------------------------------------------


def test_chat_past_the_limit_gets_the_429_page(
    user: User, client_for: Callable[..., Client], limits: Any
) -> None:
    limits(chat="2/3600s")
    channel: Channel = channel_create(by=user, name="Schnell", kind="public")
    client = client_for(german(user))
    url = reverse("chat:post", args=[channel.pk])
    for n in range(2):
        assert client.post(url, {"body": f"Nr. {n}"}).status_code == 302
    response = client.post(url, {"body": "zu viel"})
    assert_429_page(response, "Du sendest")  # the chat's own words, in German
    assert Message.objects.filter(channel=channel).count() == 2
    htmx = client.post(url, {"body": "zu viel"}, HTTP_HX_REQUEST="true")
    assert htmx.status_code == 429
    assert int(htmx["Retry-After"]) >= 1


def test_the_429_page_of_the_english_interface(
    user: User, client_for: Callable[..., Client], limits: Any
) -> None:
    limits(post="1/10m")
    client = client_for(user)
    client.post(reverse("posts:create"), {"body": "eins", "where": "company"})
    response = client.post(reverse("posts:create"), {"body": "zwei", "where": "company"})
    assert_429_page(response, ENGLISH_PAGE)
    assert "You can try again in" in response.content.decode()
