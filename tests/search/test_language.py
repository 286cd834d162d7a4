"""German done right, on the engine in use (run once on SQLite and once on PostgreSQL):
stems, umlauts, ß, compounds, phrases, prefixes, exclusions, operators, ranking, sorting."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from hanse.communities.models import Community
from hanse.events.services.events import event_create
from hanse.people.models import Skill, User
from hanse.posts.models import Post
from hanse.posts.services.posts import post_create
from hanse.search.index import index_objects
from hanse.search.normalize import stem
from tests.search.conftest import ids

pytestmark = pytest.mark.django_db


@pytest.fixture
def write(user: User, committed: Any) -> Callable[..., Post]:
    """A post by ``author`` (default: anna), ``days_ago`` old, indexed as after its commit."""

    def make(body: str, *, author: User | None = None, days_ago: float = 0, **kw: Any) -> Post:
        with committed():
            post = post_create(author=author or user, body=body, **kw)
        if days_ago:
            Post.objects.filter(pk=post.pk).update(
                created_at=timezone.now() - timedelta(days=days_ago)
            )
            index_objects("post", [post.pk])
        return post

    return make


def test_plural_finds_singular_and_back(user: User, write: Any, find: Any) -> None:
    kredit = write("Der Kredit ist genehmigt")
    filialen = write("Alle Filialen öffnen später")
    assert ids(find(user, "Kredite ")) == [kredit.pk]
    assert ids(find(user, "Filiale ")) == [filialen.pk]


@pytest.mark.parametrize("typed", ["Müller", "Mueller", "muller", "MÜLLER"])
def test_umlauts_fold_every_way(user: User, write: Any, find: Any, typed: str) -> None:
    with_umlaut = write("Frau Müller berät heute")
    spelled_out = write("Herr Mueller berät morgen")
    assert set(ids(find(user, typed + " "))) == {with_umlaut.pk, spelled_out.pk}


@pytest.mark.parametrize("typed", ["Straße", "Strasse", "strasse"])
def test_sharp_s(user: User, write: Any, find: Any, typed: str) -> None:
    post = write("Die Filiale in der Hauptstraße zieht um")
    other = write("Baustelle in der Bahnhofstrasse")
    # A street name is a compound: the part finds both.
    assert set(ids(find(user, typed + " "))) == {post.pk, other.pk}
    assert set(ids(find(user, "Hauptstrasse "))) == {post.pk}
    assert set(ids(find(user, "Bahnhofstraße "))) == {other.pk}


def test_compound_part_found_and_ranked_below_the_word(user: User, write: Any, find: Any) -> None:
    compound = write("Neue Konditionen für die Baufinanzierung", days_ago=0)
    word = write("Die Finanzierung steht", days_ago=30)
    results = find(user, "Finanzierung ")
    # The compound is newer, the word still ranks first.
    assert ids(results) == [word.pk, compound.pk]
    assert "<mark>Baufinanzierung</mark>" in results.hits[1].snippet


def test_exact_word_ranks_above_its_stem(user: User, write: Any, find: Any) -> None:
    stem_only = write("Viele Kredite vergeben")
    exact = write("Ein Kredit vergeben")
    assert ids(find(user, "Kredit "))[:2] == [exact.pk, stem_only.pk]
    assert ids(find(user, "Kredite "))[:2] == [stem_only.pk, exact.pk]


def test_phrase_keeps_word_order(user: User, write: Any, find: Any) -> None:
    together = write("Wir eröffnen eine neue Filiale in Mölln")
    apart = write("Die Filiale ist neu gestrichen, eine neue Farbe")
    assert ids(find(user, '"neue Filiale"')) == [together.pk]
    assert set(ids(find(user, "neue Filiale "))) == {together.pk, apart.pk}


def test_unbalanced_quote_runs_to_the_end(user: User, write: Any, find: Any) -> None:
    together = write("Wir eröffnen eine neue Filiale in Mölln")
    assert ids(find(user, '"neue Filiale')) == [together.pk]


def test_last_word_is_a_prefix_while_typing(user: User, write: Any, find: Any) -> None:
    post = write("Kreditkarten werden getauscht")
    other = write("Karten für das Sommerfest")
    assert ids(find(user, "Kreditk")) == [post.pk]
    assert ids(find(user, "Sommerf")) == [other.pk]


def test_minus_excludes_a_word(user: User, write: Any, find: Any) -> None:
    car = write("Kredit für das Auto")
    house = write("Kredit für das Haus")
    assert ids(find(user, "Kredit -Auto")) == [house.pk]
    assert set(ids(find(user, "Kredit -Garten"))) == {car.pk, house.pk}
    assert ids(find(user, 'Kredit -"das Haus"')) == [car.pk]


def test_only_minus_says_what_to_do(user: User, write: Any, find: Any) -> None:
    write("Kredit für das Auto")
    results = find(user, "-Auto")
    assert results.hits == []
    assert results.message == "Add a word to search for: a minus sign only leaves words out."


def test_from_in_hashtag_and_type(
    user: User, make_user: Any, make_community: Any, write: Any, find: Any, committed: Any
) -> None:
    ben = make_user("ben")
    with committed():
        club = make_community(owner=user, name="Kreditwerkstatt", members=(ben,))
    mine = write("Kredit im Team #Baufinanzierung")
    bens = write("Kredit von Ben", author=ben)
    in_club = write("Kredit im Club", community=club, scope=Post.Scope.COMMUNITY)
    assert ids(find(user, "Kredit from:@ben")) == [bens.pk]
    assert ids(find(user, "from:ben Kredit")) == [bens.pk]
    assert ids(find(user, f"Kredit in:{club.slug}")) == [in_club.pk]
    assert ids(find(user, "Kredit #baufinanzierung")) == [mine.pk]
    assert ids(find(user, "#Baufinanzierung")) == [mine.pk]
    assert {h.type for h in find(user, "Kreditwerkstatt type:community").hits} == {"community"}
    assert ids(find(user, "Kredit from:@nobody")) == []


def test_a_secret_community_slug_finds_nothing_for_an_outsider(
    user: User, make_user: Any, make_community: Any, find: Any, committed: Any
) -> None:
    owner = make_user("olga")
    with committed():
        secret = make_community(Community.Kind.SECRET, owner=owner, name="Verschlusssache")
        post_create(author=owner, body="Kredit intern", community=secret, scope="community")
    assert find(user, f"Kredit in:{secret.slug}").hits == []
    assert find(user, "Kredit").counts["post"] == 0
    assert len(find(owner, f"Kredit in:{secret.slug}").hits) == 1


def test_title_ranks_above_body(user: User, committed: Any, find: Any) -> None:
    start = timezone.now() + timedelta(days=3)
    with committed():
        in_body = event_create(
            by=user,
            title="Teamtreffen",
            description="Thema: Kreditrunde",
            start=start,
            end=start + timedelta(hours=1),
        )
        in_title = event_create(
            by=user,
            title="Kreditrunde",
            description="Alle sind eingeladen",
            start=start,
            end=start + timedelta(hours=1),
        )
    assert ids(find(user, "Kreditrunde ", types=("event",)), "event") == [in_title.pk, in_body.pk]


def test_sort_by_date(user: User, write: Any, find: Any) -> None:
    old = write("Kredit alt", days_ago=40)
    new = write("Kredit neu", days_ago=1)
    middle = write("Kredite mittel", days_ago=10)
    assert ids(find(user, "Kredit", sort="newest")) == [new.pk, middle.pk, old.pk]
    assert ids(find(user, "Kredit", sort="oldest")) == [old.pk, middle.pk, new.pk]


def test_recency_breaks_even_relevance(user: User, write: Any, find: Any) -> None:
    old = write("Kredit", days_ago=300)
    new = write("Kredit", days_ago=1)
    assert ids(find(user, "Kredit ")) == [new.pk, old.pk]


def test_people_by_name_job_skill_unit_and_branch(
    user: User, make_user: Any, org: Any, committed: Any, find: Any
) -> None:
    with committed():
        jens = make_user(
            "jens",
            first_name="Jens",
            last_name="Müller",
            job_title="Firmenkundenberater",
            org_unit=org["moelln"],
            location=org["moelln_location"],
        )
        jens.skills.add(Skill.objects.create(name="Baufinanzierung", slug="baufinanzierung"))
    for typed in ["Jens", "Mueller", "Firmenkundenberater", "Baufinanzierung", "Mölln", "jens"]:
        people = [h.object_id for h in find(user, typed + " ", types=("person",)).hits]
        assert people == [jens.pk], typed


def test_a_name_ranks_above_fresh_comments_that_mention_it(
    user: User, make_user: Any, write: Any, find: Any
) -> None:
    """A colleague's name (title of their document) above short posts that @mention them,
    though those are fresh and short: the name is who was asked for."""
    werner = make_user("werner.jaekel", first_name="Werner", last_name="Jäkel")
    with_mention = [write(f"@werner.jaekel {text}") for text in ("Danke dir!", "Gern!", "Ja.")]
    index_objects("person", [werner.pk])
    for typed in ("Werner Jaekel", "jakel", "Jäkel ", "werner"):
        found = find(user, typed)
        assert (found.hits[0].type, found.hits[0].object_id) == ("person", werner.pk), typed
        assert {h.object_id for h in found.hits if h.type == "post"} == {p.pk for p in with_mention}


def test_a_community_name_ranks_above_posts_naming_it(
    user: User, make_community: Any, write: Any, find: Any, committed: Any
) -> None:
    with committed():
        club = make_community(owner=user, name="Agile Sparkasse")
    write("Die Vorlage liegt in der Community Agile Sparkasse, schau mal rein.")
    found = find(user, "agile sparkasse")
    assert [(h.type, h.object_id) for h in found.hits][:2] == [
        ("community", club.pk),
        ("post", found.hits[1].object_id),
    ]


@pytest.mark.parametrize(
    ("typed", "title"),
    [
        ("Systemadministratorin", "Systemadministrator"),
        ("Systemadministrator", "Systemadministratorin"),
        ("Kundenberaterinnen", "Kundenberater"),
        ("Referent", "Referentin Compliance"),
    ],
)
def test_a_female_job_title_finds_the_male_one_and_back(
    user: User, make_user: Any, committed: Any, find: Any, typed: str, title: str
) -> None:
    with committed():
        person = make_user("kim", first_name="Kim", last_name="Ohm", job_title=title)
    people = [h.object_id for h in find(user, typed + " ", types=("person",)).hits]
    assert people == [person.pk]


def test_termin_keeps_its_in() -> None:
    """Only person nouns lose the female ending: a Termin is not a Term."""
    assert stem("Termin") != stem("Term")
    assert stem("Magazin") == "magazin"
    assert stem("Beraterin") == stem("Berater") == stem("Beraterinnen")
