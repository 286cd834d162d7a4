"""Searches ignore letter case beyond ASCII (Ö/ö, É/é) on SQLite as on PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.urls import reverse

from hanse.chat import selectors as chat_selectors
from hanse.chat import services as chat_services
from hanse.core.sqlite import like
from hanse.people.models import User
from hanse.people.selectors import people_directory

sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the LIKE replacement is registered on SQLite only"
)


@pytest.fixture
def colleagues(make_user: Callable[..., User]) -> dict[str, User]:
    return {
        "oezdemir": make_user("oezdemir", first_name="Ömer", last_name="Özdemir"),
        "jaeger": make_user("jaeger", first_name="Élodie", last_name="Jäger"),
        "strauss": make_user("strauss", first_name="Jörg", last_name="Straße"),
        "weber": make_user("weber", first_name="Lena", last_name="Weber"),
    }


def _usernames(qs: Any) -> list[str]:
    return sorted(u.username for u in qs)


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("özdemir", ["oezdemir"]),
        ("ÖZDEMIR", ["oezdemir"]),
        ("Özdemir", ["oezdemir"]),
        ("ömer", ["oezdemir"]),
        ("élodie", ["jaeger"]),
        ("JÄGER", ["jaeger"]),
        ("jäg", ["jaeger"]),
        ("straße", ["strauss"]),
        ("STRASSE", []),  # ß is one letter, SS two: not folded on either database
        ("weber", ["weber"]),
        ("%", []),  # the wildcard is a literal in a search
        ("_", []),
    ],
)
def test_directory_search_ignores_case_of_umlauts(colleagues, q, expected):
    """The directory finds people whatever the case of their accented letters."""
    assert _usernames(people_directory(viewer=colleagues["weber"], q=q)) == expected


def test_directory_page_finds_oezdemir_by_lower_case(colleagues, client_for):
    """Typing "özdemir" into the directory shows Ömer Özdemir."""
    response = client_for(colleagues["weber"]).get(reverse("people:directory"), {"q": "özdemir"})
    assert response.status_code == 200
    assert "Özdemir" in response.content.decode()
    assert "Weber" not in response.content.decode().split("<main", 1)[-1]


@pytest.fixture
def channel_with_messages(colleagues: dict[str, User], django_capture_on_commit_callbacks: Any):
    channel = chat_services.channel_create(
        by=colleagues["weber"], name="Küche", kind="public", members=[]
    )
    bodies = ["Übermorgen Grillen", "ÄRGER mit dem Drucker", "Straße gesperrt", "nichts"]
    for body in bodies:
        with django_capture_on_commit_callbacks(execute=True):
            chat_services.message_post(channel=channel, author=colleagues["weber"], body=body)
    return channel


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("übermorgen", ["Übermorgen Grillen"]),
        ("ÜBERMORGEN", ["Übermorgen Grillen"]),
        ("ärger", ["ÄRGER mit dem Drucker"]),
        ("STRAßE", ["Straße gesperrt"]),
        ("strasse", []),
        ("100%", []),
    ],
)
def test_chat_search_ignores_case_of_umlauts(colleagues, channel_with_messages, q, expected):
    """Chat search finds "Übermorgen" for "übermorgen"."""
    found = chat_selectors.search(channel=channel_with_messages, viewer=colleagues["weber"], q=q)
    assert [m.body for m in found] == expected


def test_chat_search_page_shows_umlaut_match(colleagues, channel_with_messages, client_for):
    """The search page of a channel lists the message found with other-case umlauts."""
    url = reverse("chat:search", args=[channel_with_messages.pk])
    response = client_for(colleagues["weber"]).get(url, {"q": "ärger"})
    assert response.status_code == 200
    assert "Drucker" in response.content.decode()


@sqlite_only
@pytest.mark.django_db
def test_sqlite_like_is_registered_on_the_connection():
    """Plain SQL on the connection folds Ö like O: the function is in place."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 'Özdemir' LIKE 'özdemir', 'abc' LIKE 'ABC', 'ß' LIKE 'SS'")
        assert cursor.fetchone() == (1, 1, 0)


@pytest.mark.parametrize(
    ("pattern", "text", "escape", "expected"),
    [
        ("%öz%", "Özdemir", "\\", 1),
        ("öz%", "Özdemir", "\\", 1),
        ("öz", "Özdemir", "\\", 0),
        ("%mir", "ÖZDEMIR", "\\", 1),
        ("_zdemir", "Özdemir", "\\", 1),
        ("__demir", "Özdemir", "\\", 1),
        ("%", "", "\\", 1),
        ("", "", "\\", 1),
        ("", "x", "\\", 0),
        ("50\\%", "50%", "\\", 1),
        ("50\\%", "500", "\\", 0),
        ("a\\_b", "a_b", "\\", 1),
        ("a\\_b", "axb", "\\", 0),
        ("a\\\\b", "a\\b", "\\", 1),
        ("%.*%", "abc", "\\", 0),  # regex characters are literals
        ("%.*%", "a.*c", "\\", 1),
        ("a%b%c", "A-x-B-y-C", "\\", 1),
        ("line%", "LINE\nbreak", "\\", 1),
        ("%ö%", None, "\\", None),
        ("%ö%", 42, "\\", 0),
        ("4%", 42, None, 1),
        ("%Ω%", "ω", None, 1),
    ],
)
def test_like_function(pattern, text, escape, expected):
    """The LIKE replacement keeps LIKE's wildcards and Django's backslash escapes."""
    args = (pattern, text) if escape is None else (pattern, text, escape)
    assert like(*args) == expected


def test_like_refuses_a_long_escape():
    with pytest.raises(ValueError, match="single character"):
        like("a", "a", "ab")
