"""Whatever is typed into the box (FTS5 and tsquery operators, unbalanced quotes, 10,000
characters, control characters, emoji, SQL), search answers with results or a friendly
message, never an error, on the engine in use."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hanse.people.models import User
from hanse.posts.services.posts import post_create
from hanse.search.query import MAX_QUERY_CHARS, parse
from hanse.search.selectors import SearchQuery, search, suggest

pytestmark = pytest.mark.django_db

HOSTILE = [
    '"',
    '""',
    '"""',
    '"Kredit',
    "Kredit\"'",
    "*",
    "Kredit*",
    "^Kredit",
    "NEAR(Kredit Filiale)",
    "Kredit AND OR NOT",
    "AND",
    "OR OR",
    "NOT Kredit",
    "{title_stem}: Kredit",
    "title_stem:Kredit",
    "Kredit:*",
    "'Kredit' & 'Filiale' | !x <-> y",
    "!!!",
    "(((",
    ")",
    "-",
    "--",
    "- -Kredit",
    "from:",
    "from:@",
    "in:",
    "#",
    "##",
    "type:",
    "type:nonsense Kredit",
    "'; DROP TABLE search_searchdocument; --",
    "Kredit' OR 1=1 --",
    "%",
    "_",
    "%Kredit%",
    "\\",
    "\x00Kredit\x00",
    "Kre\u200bdit",
    "\u202eKredit",
    "\ud800",
    "💶💶 Kredit 🏦",
    "🏦",
    "\uff2b\uff52\uff45\uff44\uff49\uff54",  # Kredit in full-width letters
    "\ufb01liale",  # the fi ligature
    "a" * 10_000,
    "Kredit " * 2_000,
    "x" * 10_000 + '"',
    "\n\t\r",
    "     ",
    "",
    "Kredit -",
    "a b c d e f g h i j k l m n o p",
]


@pytest.fixture
def indexed(user: User, committed: Any) -> None:
    with committed():
        post_create(author=user, body="Der Kredit für die Filiale in Mölln")


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_answers(user: User, indexed: None, text: str) -> None:
    results = search(user=user, query=SearchQuery(text=text))
    assert results.hits == [] or results.hits[0].type == "post"
    if not results.hits and not results.total:
        # An empty answer either says why or is an honest "nothing found".
        assert results.message is None or isinstance(results.message, str)
    suggest(user=user, text=text)


def test_full_width_letters_and_ligatures_fold(user: User, indexed: None) -> None:
    assert (
        len(search(user=user, query=SearchQuery(text="\uff2b\uff52\uff45\uff44\uff49\uff54")).hits)
        == 1
    )
    assert len(search(user=user, query=SearchQuery(text="\ufb01liale ")).hits) == 1


def test_long_text_is_cut_and_said(user: User, indexed: None) -> None:
    results = search(user=user, query=SearchQuery(text="Kredit " + "x" * 10_000))
    assert f"first {MAX_QUERY_CHARS} characters" in (results.message or "")


def test_operators_are_words_not_syntax(user: User, indexed: None) -> None:
    """FTS5's NOT and tsquery's ! are plain text: "NOT Kredit" does not exclude Kredit."""
    assert len(search(user=user, query=SearchQuery(text="Kredit NOT")).hits) == 0
    assert len(search(user=user, query=SearchQuery(text="Kredit*")).hits) == 1
    assert len(search(user=user, query=SearchQuery(text="'Kredit'")).hits) == 1


def test_parsed_tokens_hold_only_letters_and_digits() -> None:
    parsed = parse('"a\'b" NEAR(x) {y}: -"z*" ^w from:@a;b')
    for term in parsed.all_terms() + tuple(t for p in parsed.excluded for t in p):
        assert term.exact.isalnum() and term.stem.isalnum()


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.text(max_size=400))
def test_any_text_never_raises(user: User, indexed: None, text: str) -> None:
    results = search(user=user, query=SearchQuery(text=text))
    assert isinstance(results.total, int)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.lists(
        st.sampled_from(
            [
                '"',
                "-",
                "*",
                "(",
                ")",
                ":",
                "^",
                "#",
                "@",
                "from:",
                "in:",
                "type:",
                "AND",
                "OR",
                "NOT",
                "NEAR",
                "Kredit",
                "Filiale",
                "'",
                "&",
                "|",
                "!",
                "<->",
                " ",
                "ä",
                "ß",
                "💶",
                "\x00",
                "%",
                "_",
            ]
        ),
        max_size=30,
    ).map("".join)
)
def test_operator_soup_never_raises(user: User, indexed: None, text: str) -> None:
    search(user=user, query=SearchQuery(text=text))
    suggest(user=user, text=text)
