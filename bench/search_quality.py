"""Quality of search results: labelled German queries over the "bank" demo, written the way
employees type (umlauts as ae/oe/ue or left out, plurals, compounds, a first name only, a
branch town), with the results a person would expect. Prints precision@5, recall@10 and MRR.

    .venv/bin/python -m bench.search_quality --database-url sqlite:////tmp/hanse-quality.db
    .venv/bin/python -m bench.search_quality \
        --database-url postgres://postgres@127.0.0.1:5432/hanse_quality

The demo is seeded (seed 1) and indexed when the database is empty. The expected results are
not ids: each query names, per searchable type, what makes an object relevant (a Django
filter on the live rows: "people whose location is Filiale Mölln", "posts that mention
Wärmepumpe"), resolved at run time and cut down to what the viewer may see.

Measures, per query, averaged over the queries:
- precision@5: relevant results among the first five, divided by five (a query with one
  relevant object scores at most 0.2; it is printed for comparison between engines);
- recall@10: relevant results among the first ten, divided by the number of relevant objects
  or ten, whichever is smaller (a query with 300 matching posts is answered fully by ten of
  them);
- MRR: the mean of 1 / rank of the first relevant result (0 when none is in the first ten).
Targets: recall@10 >= 0.9 and MRR >= 0.7.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field
from typing import Any

from bench.feed import configure, ensure_data

TARGETS = {"recall@10": 0.9, "mrr": 0.7}
VIEWER = "anna.schmidt"
TOP = 10

Expect = tuple[str, dict[str, Any]]  # (searchable type, filter on its model)


@dataclass(frozen=True)
class Case:
    text: str
    expect: tuple[Expect, ...]
    why: str = ""
    options: dict[str, Any] = field(default_factory=dict)


def person(**f: Any) -> Expect:
    return ("person", f)


def post(**f: Any) -> Expect:
    return ("post", f)


def community(name: str) -> Expect:
    return ("community", {"name": name})


def tag(name: str) -> Expect:
    return ("hashtag", {"name": name})


def skill(name: str) -> tuple[Expect, ...]:
    """People who name it as a skill or an "ask me about" topic."""
    return (person(skills__name=name), person(ask_me_about__name=name))


def town(name: str, *words: str) -> tuple[Expect, ...]:
    """A branch town: the people of its branch, and posts, comments and events naming it."""
    said = words or (name,)
    out: list[Expect] = [person(location__name=f"Filiale {name}")]
    for word in said:
        out += [
            post(body__contains=word),
            ("comment", {"body__contains": word}),
            event(title__contains=word),
        ]
    return tuple(out)


def photo(name: str) -> Expect:
    """Files (the demo's pictures) whose name says what they show."""
    return ("file", {"attachment__original_name__icontains": name})


def announcement(**f: Any) -> Expect:
    return ("announcement", f)


def event(**f: Any) -> Expect:
    return ("event", f)


CASES: tuple[Case, ...] = (
    # --- Colleagues, by name, as typed ---------------------------------------------------
    Case("Werner Jaekel", (person(username="werner.jaekel"),), "ä typed as ae"),
    Case("jakel", (person(last_name="Jäkel"),), "umlaut left out, lower case"),
    Case("Kuehnert", (person(last_name="Kühnert"),), "ü as ue"),
    Case("Fröhlich", (person(last_name="Fröhlich"),), "as written"),
    Case("Klingelhofer", (person(last_name="Klingelhöfer"),), "ö left out"),
    Case("Preiss", (person(last_name="Preiß"),), "ß as ss"),
    Case("Doerte", (person(first_name="Dörte"),), "first name only, ö as oe"),
    Case("Achim", (person(first_name="Achim"),), "first name only"),
    Case("Amelie", (person(first_name="Amelie"),), "first name only"),
    Case("Klaus-Juergen", (person(first_name="Klaus-Jürgen"),), "double first name, ü as ue"),
    Case("Anna Schmidt", (person(username="anna.schmidt"),), "full name"),
    Case("clara fischer", (person(username="clara.fischer"),), "lower case"),
    Case("Ben Weber", (person(username="ben.weber"),), "full name"),
    Case(
        "Hoerle Vorstand",
        (person(username="gottfried.hoerle"),),
        "name and a word of the job title",
    ),
    # --- Job titles, plurals, female forms ---------------------------------------------------
    Case("Kreditanalysten", (person(job_title__startswith="Kreditanalyst"),), "plural"),
    Case(
        "Systemadministratorin",
        (person(job_title__startswith="Systemadministrator"),),
        "female form finds both",
    ),
    Case("Private Banker", (person(job_title__startswith="Private Banker"),), "two words"),
    Case("UX Designer", (person(job_title__startswith="UX-Designer"),), "hyphen left out"),
    Case(
        "Agrarkundenberaterin",
        (person(job_title__startswith="Agrarkundenberater"),),
        "compound title, female form",
    ),
    Case(
        "Auszubildende Bankkaufmann",
        (person(job_title__icontains="Bankkauf"),),
        "trainees",
    ),
    Case("Kundenservicemitarbeiter", (person(job_title__startswith="Kundenservice"),), ""),
    # --- Branch towns ----------------------------------------------------------------------
    Case(
        "Mölln",
        town("Mölln"),
        "branch town: its people, its open day and what is written about it",
    ),
    Case(
        "Moelln",
        town("Mölln"),
        "ö as oe",
    ),
    Case(
        "Ploen",
        town("Plön"),
        "ö as oe",
    ),
    Case("Filiale Eckernfoerde", town("Eckernförde"), "ö as oe"),
    Case("Glueckstadt", town("Glückstadt"), "ü as ue"),
    Case(
        "Bad Schwartau",
        town("Bad Schwartau"),
        "two-word town",
    ),
    Case("Kiel Gaarden", town("Kiel-Gaarden"), "hyphen left out"),
    Case("Travemuende", town("Lübeck-Travemünde", "Travemünde"), "ü as ue"),
    Case("Hauptstelle Luebeck", (person(location__name="Hauptstelle Lübeck"),), "ü as ue"),
    # --- Skills and topics -----------------------------------------------------------------
    Case(
        "Baufinanzierung",
        (
            community("Baufinanzierung Praxisaustausch"),
            tag("baufinanzierung"),
            *skill("Baufinanzierung"),
            post(body__icontains="Baufinanzierung"),
        ),
        "a topic: community, tag, people, posts",
    ),
    Case(
        "Geldwaescheprävention",
        (
            announcement(title__contains="Geldwäscheprävention"),
            *skill("Geldwäscheprävention"),
        ),
        "ä as ae inside a compound",
    ),
    Case(
        "KfW Foerderung",
        (*skill("KfW-Förderung"), post(body__contains="KfW")),
        "skill with a hyphen, and posts about it",
    ),
    Case("Python", skill("Python"), "skill"),
    Case(
        "Power BI",
        (community("Excel & Power BI"), *skill("Power BI")),
        "community and skill",
    ),
    Case(
        "Plattdeutsch",
        (community("Plattdüütsch Klönschnack"), *skill("Plattdeutsch")),
        "the community is named in Low German",
    ),
    Case("Immobilienbewertung", skill("Immobilienbewertung"), "skill"),
    Case("Scrum", (*skill("Scrum"), community("Agile Sparkasse")), ""),
    # --- Communities -----------------------------------------------------------------------
    Case(
        "working out loud",
        (
            community("Working Out Loud"),
            tag("workingoutloud"),
            event(title__contains="Working Out Loud"),
            post(body__icontains="Working-Out-Loud"),
            post(body__icontains="Working Out Loud"),
        ),
        "lower case",
    ),
    Case("agile sparkasse", (community("Agile Sparkasse"),), ""),
    Case("Frauen Fuehrung", (community("Frauen in Führung"),), "words left out, ü as ue"),
    Case(
        "Segeln",
        (
            community("Segeln & Wassersport"),
            tag("segeln"),
            *skill("Segeln"),
            post(tags__name="segeln"),
        ),
        "",
    ),
    Case("Datenschutz Sprechstunde", (community("Datenschutz-Sprechstunde"),), "hyphen"),
    Case("Personalrat", (community("Personalrat"),), ""),
    Case(
        "Digitalisierung Firmenkunden",
        (community("Digitalisierung im Firmenkundengeschäft"),),
        "part of a compound",
    ),
    Case("Eltern", (community("Eltern in der Sparkasse"),), ""),
    Case("Azubis", (community("Azubis & Duale Studierende"),), "plural"),
    # --- Compounds and word forms in posts ------------------------------------------------------
    Case("Finanzierung", (post(body__icontains="finanzierung"),), "part of a compound"),
    Case("Pivot Tabelle", (post(body__contains="Pivot-Tabelle"),), "hyphen left out"),
    Case("Pivot-Tabellen", (post(body__contains="Pivot-Tabelle"),), "plural"),
    Case(
        "Kanban Kreditsachbearbeitung",
        (post(body__contains="Kanban in der Kreditsachbearbeitung"),),
        "two words",
    ),
    Case("Wärmepumpe", (post(body__contains="Wärmepumpe"),), ""),
    Case("Waermepumpen", (post(body__contains="Wärmepumpe"),), "plural, ä as ae"),
    Case("Gesundheitstage Anmeldung", (post(body__contains="Gesundheitstage"),), ""),
    Case(
        "Dienstvereinbarung mobiles Arbeiten",
        (post(body__contains="Dienstvereinbarung zum mobilen Arbeiten"),),
        "adjective in another form",
    ),
    Case("Lauftreff", (post(body__contains="Lauftreff"), photo("lauftreff")), "posts, photos"),
    Case(
        "Sonnenaufgang Kueste",
        (post(body__contains="Sonnenaufgang an der Küste"), photo("sonnenaufgang")),
        "ü as ue; the posts and their photos",
    ),
    Case("Fondsinformationen", (post(body__contains="Fondsinformationen"),), ""),
    Case("Risikoklasse", (post(body__contains="Risikoklassen"),), "singular of a plural"),
    # --- Hashtags -------------------------------------------------------------------------
    Case("#kanban", (tag("kanban"), post(tags__name="kanban")), "hashtag"),
    Case("#Laufgruppe", (tag("laufgruppe"), post(tags__name="laufgruppe")), "hashtag"),
    Case("#jobrad", (tag("jobrad"), post(tags__name="jobrad")), "hashtag"),
    # --- Announcements ---------------------------------------------------------------------
    Case("Hanse gestartet", (announcement(title__contains="Hanse ist gestartet"),), ""),
    Case(
        "Richtlinie Geldwaesche",
        (announcement(title__contains="Geldwäscheprävention"),),
        "part of a compound, ä as ae",
    ),
    Case(
        "Oeffnungszeiten Filialen",
        (announcement(title__contains="Öffnungszeiten"),),
        "Ö as Oe",
    ),
    Case("Betriebsversammlung", (announcement(title__contains="Betriebsversammlung"),), ""),
    Case(
        "Öffnungszeit Regionaldirektion",
        (announcement(title__contains="Öffnungszeiten"),),
        "singular of a plural",
    ),
    # --- Events ----------------------------------------------------------------------------
    Case(
        "Sommerfest",
        (
            event(title__contains="Sommerfest"),
            photo("sommerfest"),
        ),
        "the event and its photos",
    ),
    Case("Tag der offenen Tuer Moelln", (event(title="Tag der offenen Tür Filiale Mölln"),), ""),
    Case("KI Kundenberatung", (event(title__contains="KI in der Kundenberatung"),), ""),
    Case("Stammtisch", (event(title__contains="Stammtisch"),), "part of a compound"),
    Case("barrierefreie Dokumente", (event(title__contains="Barrierefreie Dokumente"),), ""),
)


@dataclass
class Scored:
    case: Case
    relevant: int
    precision5: float
    recall10: float
    rr: float
    first: list[str]


def relevant_keys(case: Case, viewer: Any) -> set[tuple[str, int]]:
    from hanse.core import searchable

    keys: set[tuple[str, int]] = set()
    for type_key, filters in case.expect:
        stype = searchable.get(type_key)
        if stype is None:
            raise SystemExit(f"Unknown searchable type {type_key!r} in {case.text!r}")
        rows = stype.model._default_manager.filter(**filters)
        visible = stype.visible_to(viewer).filter(pk__in=rows.values("pk"))
        keys.update((type_key, pk) for pk in visible.values_list("pk", flat=True))
    return keys


def score(case: Case, viewer: Any) -> Scored:
    from hanse.search.selectors import SearchQuery, search

    relevant = relevant_keys(case, viewer)
    if not relevant:
        raise SystemExit(f"The demo has nothing the query {case.text!r} expects.")
    found = search(user=viewer, query=SearchQuery(text=case.text, per_page=TOP, **case.options))
    ranked = [(hit.type, hit.object_id) for hit in found.hits[:TOP]]
    hits = [key in relevant for key in ranked]
    first = next((i for i, ok in enumerate(hits) if ok), None)
    return Scored(
        case=case,
        relevant=len(relevant),
        precision5=sum(hits[:5]) / 5,
        recall10=sum(hits) / min(len(relevant), TOP),
        rr=0.0 if first is None else 1 / (first + 1),
        first=[f"{t}:{h.title[:30]}" for (t, _i), h in zip(ranked[:3], found.hits, strict=False)],
    )


def run(database_url: str, *, verbose: bool, reindex: bool = False) -> dict[str, float]:
    configure(database_url)
    ensure_data("bank", 1, skip_seed=False)
    from django.core.management import call_command
    from django.db import connection

    from hanse.people.models import User
    from hanse.search.files import extract_missing
    from hanse.search.models import SearchDocument

    extracted = 0
    while (done := extract_missing.call()) > 0:  # the demo's files, as the schedule would
        extracted += done
    if reindex or not SearchDocument.objects.exists():
        call_command("search_reindex", no_progress=True)
    elif extracted:
        # Without a worker the file documents queued by the extraction are written here.
        call_command("search_reindex", type_key="file", no_progress=True)
    viewer = User.objects.get(username=VIEWER)
    engine = connection.vendor
    print(f"\n{engine}: {len(CASES)} queries as {VIEWER}")
    started = time.monotonic()
    results = [score(case, viewer) for case in CASES]
    elapsed = time.monotonic() - started
    figures = {
        "precision@5": sum(r.precision5 for r in results) / len(results),
        "recall@10": sum(r.recall10 for r in results) / len(results),
        "mrr": sum(r.rr for r in results) / len(results),
    }
    for r in results:
        if verbose or r.recall10 < 1 or r.rr < 1:
            print(
                f"  {r.case.text!r:38} relevant={r.relevant:<4} P@5={r.precision5:.2f} "
                f"R@10={r.recall10:.2f} RR={r.rr:.2f}  first: {'; '.join(r.first)}"
            )
    print(
        f"{engine}: precision@5 {figures['precision@5']:.3f}  recall@10 "
        f"{figures['recall@10']:.3f} (target >= {TARGETS['recall@10']})  MRR "
        f"{figures['mrr']:.3f} (target >= {TARGETS['mrr']})  [{elapsed:.1f} s]"
    )
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--database-url", default="sqlite:////tmp/hanse-quality.db")
    parser.add_argument("--verbose", action="store_true", help="every query, not just misses")
    parser.add_argument(
        "--reindex", action="store_true", help="rebuild the index first (after a change to it)"
    )
    args = parser.parse_args(argv)
    figures = run(args.database_url, verbose=args.verbose, reindex=args.reindex)
    ok = figures["recall@10"] >= TARGETS["recall@10"] and figures["mrr"] >= TARGETS["mrr"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
