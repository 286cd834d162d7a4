"""The results page, the header box and its suggestions: what a person sees, every filter in
the URL, and no input that makes an error page."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from hanse.people.models import OrgUnit, Skill, User
from hanse.posts.models import Post
from hanse.search import selectors
from hanse.search.index import index_objects
from tests.posts.conftest import Cast
from tests.search import documents

pytestmark = pytest.mark.django_db


def index_cast(cast: Cast) -> None:
    """The cast was written before the test's commit hooks ran: index its people and
    communities (as the reindex command would)."""
    people = [cast.owner, cast.moderator, cast.member, cast.outsider, cast.admin]
    index_objects("person", [p.pk for p in people])
    index_objects("community", [cast.open.pk, cast.private.pk, cast.secret.pk])


@pytest.fixture
def seen(cast: Cast, make_post: Callable[..., Post], committed: Any) -> dict[str, Post]:
    """Posts in each kind of community and company-wide, indexed after their commit."""
    index_cast(cast)
    with committed():
        posts = {
            "open": make_post(
                cast.member, "Neue Konditionen für die Baufinanzierung", community=cast.open
            ),
            "private": make_post(
                cast.member, "Baufinanzierung: interne Zahlen", community=cast.private
            ),
            "secret": make_post(
                cast.member, "Baufinanzierung im Geheimprojekt", community=cast.secret
            ),
            "company": make_post(cast.owner, "Sommerfest am Hafen in Husum"),
        }
    return posts


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def tab_count(html: str, label: str) -> int:
    match = re.search(rf">{label}<span class=\"count\">(\d+)</span>", html)
    assert match, f"no tab {label}"
    return int(match.group(1))


def test_header_box_on_every_page(client_for: Callable[[User], Client], cast: Cast) -> None:
    """The start page, a profile and the directory carry the combobox and its listbox."""
    client = client_for(cast.member)
    for url in ("/", f"/people/{cast.owner.username}/", "/communities/"):
        html = page(client, url)
        assert 'role="combobox"' in html
        assert 'aria-controls="header-q-listbox"' in html
        assert 'id="header-q-listbox" role="listbox"' in html
        assert 'action="/search/"' in html


def test_results_show_what_the_member_may_read(
    client_for: Callable[[User], Client], cast: Cast, seen: dict[str, Post]
) -> None:
    """A member of all three communities finds all three posts, words marked."""
    html = page(client_for(cast.member), "/search/?q=Baufinanzierung")
    assert "Neue Konditionen für die <mark>Baufinanzierung</mark>" in html
    assert "interne Zahlen" in html
    assert "Geheimprojekt" in html
    assert tab_count(html, "Posts") == 3
    assert "3 results" in html


def test_outsider_never_sees_private_or_secret(
    client_for: Callable[[User], Client], cast: Cast, seen: dict[str, Post]
) -> None:
    """An outsider finds the open post only, and the counts say 1."""
    html = page(client_for(cast.outsider), "/search/?q=Baufinanzierung")
    assert "Neue Konditionen" in html
    assert "interne Zahlen" not in html
    assert "Geheimprojekt" not in html
    assert "Geheime Runde" not in html
    assert tab_count(html, "Posts") == 1
    assert "1 result" in html


def test_one_type_at_a_time(
    client_for: Callable[[User], Client], cast: Cast, seen: dict[str, Post]
) -> None:
    """type=person shows people only; the tab is marked current and the counts stay."""
    html = page(client_for(cast.member), "/search/?q=Baufinanzierung&type=person")
    assert "Neue Konditionen" not in html
    assert re.search(r'aria-current="page">People<span class="count">0</span>', html)
    assert tab_count(html, "Posts") == 3


def test_filters_live_in_the_url(
    client_for: Callable[[User], Client], cast: Cast, seen: dict[str, Post]
) -> None:
    """community, author and sort come from the URL, are shown, and can be removed."""
    client = client_for(cast.member)
    html = page(client, f"/search/?q=Baufinanzierung&community={cast.private.slug}&sort=newest")
    assert "interne Zahlen" in html
    assert "Neue Konditionen" not in html
    assert f'<option value="{cast.private.slug}" selected>' in html
    assert 'href="/search/?q=Baufinanzierung&amp;sort=newest"' in html  # remove the community
    html = page(client, f"/search/?q=Sommerfest&author={cast.owner.username}")
    assert "<mark>Sommerfest</mark> am Hafen" in html
    html = page(client, f"/search/?q=Sommerfest&author={cast.member.username}")
    assert "am Hafen" not in html


def test_sort_oldest_and_newest(
    client_for: Callable[[User], Client], cast: Cast, seen: dict[str, Post]
) -> None:
    client = client_for(cast.member)
    newest = page(client, "/search/?q=Baufinanzierung&sort=newest")
    oldest = page(client, "/search/?q=Baufinanzierung&sort=oldest")
    assert newest.index("Geheimprojekt") < newest.index("Neue Konditionen")
    assert oldest.index("Neue Konditionen") < oldest.index("Geheimprojekt")


def test_unit_filter(
    client_for: Callable[[User], Client],
    cast: Cast,
    make_post: Callable[..., Post],
    committed: Any,
) -> None:
    """unit= keeps what people of that unit (and the units below it) wrote."""
    branch = OrgUnit.objects.create(name="Filiale Husum", slug="filiale-husum", path="0009.")
    cast.owner.org_unit = branch
    cast.owner.save(update_fields=["org_unit"])
    with committed():
        make_post(cast.owner, "Kreditwoche in der Filiale")
        make_post(cast.member, "Kreditwoche im Haus")
    html = page(client_for(cast.member), f"/search/?q=Kreditwoche&unit={branch.pk}")
    assert "in der Filiale" in html
    assert "im Haus" not in html


def test_paging(
    client_for: Callable[[User], Client],
    cast: Cast,
    make_post: Callable[..., Post],
    committed: Any,
) -> None:
    """Pages of 20 with Next and Previous links that keep the words and filters."""
    with committed():
        for n in range(23):
            make_post(cast.member, f"Zinsrunde Nummer {n}")
    client = client_for(cast.member)
    first = page(client, "/search/?q=Zinsrunde&sort=oldest")
    assert first.count('class="search-hit"') == 20
    assert 'rel="next" href="/search/?q=Zinsrunde&amp;sort=oldest&amp;page=2"' in first
    second = page(client, "/search/?q=Zinsrunde&sort=oldest&page=2")
    assert second.count('class="search-hit"') == 3
    assert 'rel="prev" href="/search/?q=Zinsrunde&amp;sort=oldest"' in second


@pytest.mark.parametrize(
    "query",
    [
        "date_from=32.13.2026",
        "unit=abc",
        "unit=99999999999999999999",
        "type=nonsense",
        "page=-4",
        "page=abc",
        "sort=sideways",
        "file_type=exe",
        "community=%01%02",
        "date_from=2026-05-01&date_to=2026-01-01",
    ],
)
def test_bad_parameters_are_explained_not_fatal(
    client_for: Callable[[User], Client], cast: Cast, seen: dict[str, Post], query: str
) -> None:
    """Every bad filter answers 200 with the rest applied."""
    html = page(client_for(cast.member), f"/search/?q=Baufinanzierung&{query}")
    assert "Baufinanzierung" in html


def test_nul_is_refused_politely(client_for: Callable[[User], Client], cast: Cast) -> None:
    """A NUL in the query string is refused for the whole site (400, in words), never a 500."""
    response = client_for(cast.member).get("/search/", {"q": "Kredit\x00"})
    assert response.status_code == 400
    assert "The text contains a character that is not allowed." in response.content.decode()


def test_bad_date_is_named(client_for: Callable[[User], Client], cast: Cast) -> None:
    html = page(client_for(cast.member), "/search/?q=Kredit&date_from=gestern")
    assert "could not be used and were left out" in html
    assert "From: Enter a valid date." in html


@pytest.mark.parametrize(
    "text",
    [
        'Baufinanzierung "unbalanced',
        "x" * 10_000,
        "AND OR NOT NEAR(",
        "'; DROP TABLE posts_post; --",
        "\x01\x1b[31m\x7f",
        "🏦💶",
        "*",
        "-",
        "from:@ in: #",
    ],
)
def test_hostile_text_never_breaks_the_page(
    client_for: Callable[[User], Client], cast: Cast, seen: dict[str, Post], text: str
) -> None:
    client = client_for(cast.member)
    assert client.get("/search/", {"q": text}).status_code == 200
    assert client.get("/search/suggest/", {"q": text}).status_code == 200


def test_empty_state_suggests_what_to_try(
    client_for: Callable[[User], Client], cast: Cast, seen: dict[str, Post]
) -> None:
    html = page(client_for(cast.member), "/search/?q=Xylophonunterricht&type=event")
    assert "Nothing found for “Xylophonunterricht”." in html
    assert "all kinds of results instead of one" in html
    assert 'href="/search/experts/?topic=Xylophonunterricht"' in html


def test_landing_without_words(client_for: Callable[[User], Client], cast: Cast) -> None:
    html = page(client_for(cast.member), "/search/")
    assert "What are you looking for?" in html


def test_anonymous_is_sent_to_log_in(client: Client) -> None:
    response = client.get("/search/?q=Kredit")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_results_page_queries_are_bounded(
    client_for: Callable[[User], Client],
    cast: Cast,
    make_post: Callable[..., Post],
    committed: Any,
    django_assert_max_num_queries: Any,
) -> None:
    """A full page of 20 hits costs a fixed number of queries, not one per hit."""
    with committed():
        for n in range(25):
            make_post(cast.member, f"Depotwechsel Fall {n}", community=cast.open)
    client = client_for(cast.member)
    with django_assert_max_num_queries(45):
        page(client, "/search/?q=Depotwechsel")


# --- Suggestions --------------------------------------------------------------------------


def test_suggestions_after_two_letters(
    client_for: Callable[[User], Client], cast: Cast, seen: dict[str, Post]
) -> None:
    """ "O" gives nothing; "Ol" gives Olga Owner with role=option, and "all results"."""
    client = client_for(cast.member)
    assert 'role="option"' not in page(client, "/search/suggest/?q=O")
    html = page(client, "/search/suggest/?q=Ol")
    assert "Olga Owner" in html
    assert re.search(r'role="option" id="header-q-opt-person-1" aria-selected="false"', html)
    assert 'data-href="/people/olga/"' in html
    assert 'id="header-q-opt-all"' in html
    assert 'data-href="/search/?q=Ol"' in html


def test_suggestions_group_communities_and_content(
    client_for: Callable[[User], Client], cast: Cast, seen: dict[str, Post]
) -> None:
    client = client_for(cast.outsider)
    html = page(client, "/search/suggest/?q=Baufinanz")
    assert "Neue Konditionen" in html
    assert "interne Zahlen" not in html
    assert "Geheimprojekt" not in html
    html = page(client, "/search/suggest/?q=Geheime")
    assert "Geheime Runde" not in html  # a secret community is not suggested to outsiders
    assert "Offene Runde" in page(client, "/search/suggest/?q=Offene")


def test_suggested_content_says_when_in_words(
    client_for: Callable[[User], Client], cast: Cast, seen: dict[str, Post]
) -> None:
    """A date in the list reads like the stream's ("just now", "2 days ago"), not 05.12.26."""
    html = page(client_for(cast.member), "/search/suggest/?q=Baufinanz")
    assert "just now" in html
    assert not re.search(r"\d{1,2}[./]\d{1,2}[./]\d{2,4}", html)


def test_kinds_with_nothing_found_have_no_tab(
    client_for: Callable[[User], Client], cast: Cast, seen: dict[str, Post]
) -> None:
    """Tabs of kinds with results (and the one being looked at) only; "All" always."""
    client = client_for(cast.member)
    html = page(client, "/search/?q=Baufinanzierung")
    assert tab_count(html, "Posts") == 3
    assert 'Events<span class="count">' not in html and 'Files<span class="count">' not in html
    assert re.search(r">All<span class=\"count\">3</span>", html)
    chosen = page(client, "/search/?q=Baufinanzierung&type=event")
    assert re.search(r'aria-current="page">Events<span class="count">0</span>', chosen)


def test_counts_beyond_the_checked_ones_are_labelled(
    client_for: Callable[[User], Client],
    cast: Cast,
    seen: dict[str, Post],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Above the number checked one by one, the page says "more than", never a bare figure."""
    monkeypatch.setattr(selectors, "COUNT_CHECKED", 1)
    html = page(client_for(cast.member), "/search/?q=Baufinanzierung")
    assert "More than 1 result" in html
    assert '<span aria-hidden="true">1+</span><span class="visually-hidden">more than 1</span>' in (
        html
    )
    api = client_for(cast.member).get("/api/v1/search/?q=Baufinanzierung").json()
    assert api["counts"]["post"] == 1 and api["more"] == ["post"]


def test_a_person_card_names_their_unit_once(
    client_for: Callable[[User], Client],
    cast: Cast,
    make_user: Callable[..., User],
    org: dict[str, Any],
) -> None:
    """A branch that is both the unit and the place is said once; the snippet shows what
    they know, not the card's line again."""
    jens = make_user(
        "jens",
        first_name="Jens",
        last_name="Kruse",
        job_title="Berater",
        org_unit=org["moelln"],
        location=org["moelln_location"],
    )
    jens.skills.add(Skill.objects.create(name="Baufinanzierung", slug="baufinanzierung"))
    index_objects("person", [jens.pk])
    html = page(client_for(cast.member), "/search/?q=Mölln&type=person")
    html = html.split('<ol class="search-hits', 1)[1].split("</ol>", 1)[0]
    assert html.count("Filiale Mölln") == 1
    assert "Berater · Filiale Mölln" in html
    assert 'search-hit__snippet">Baufinanzierung</p>' in html


# --- Files ----------------------------------------------------------------------------------


def test_text_inside_a_pdf_is_found(
    client_for: Callable[[User], Client],
    cast: Cast,
    make_post: Callable[..., Post],
    committed: Any,
) -> None:
    """A word only inside a PDF finds the file, under Files, with the file-type filter."""
    data = documents.pdf("Merkblatt zur Vorfälligkeitsentschädigung")
    with committed():
        make_post(
            cast.member,
            "Anbei das Merkblatt",
            community=cast.private,
            files=[SimpleUploadedFile("merkblatt.pdf", data)],
        )
    client = client_for(cast.member)
    html = page(client, "/search/?q=Vorfälligkeitsentschädigung")
    assert "merkblatt.pdf" in html
    assert tab_count(html, "Files") == 1
    assert "merkblatt.pdf" in page(
        client, "/search/?q=Vorfälligkeitsentschädigung&type=file&file_type=pdf"
    )
    assert "merkblatt.pdf" not in page(
        client, "/search/?q=Vorfälligkeitsentschädigung&type=file&file_type=docx"
    )
    outsider = page(client_for(cast.outsider), "/search/?q=Vorfälligkeitsentschädigung")
    assert "merkblatt.pdf" not in outsider
    assert 'Files<span class="count">' not in outsider  # no tab: nothing of the kind
