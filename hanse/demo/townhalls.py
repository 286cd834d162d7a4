"""Town halls: one past with answered questions (the archive), one upcoming with questions
already asked, named and anonymous, and upvotes. Written through the services, so anonymous
questions are stored exactly as a person's would be (no author)."""

from __future__ import annotations

from datetime import timedelta

from hanse.demo.context import DemoContext
from hanse.participation.models import TownHall, TownHallQuestion
from hanse.participation.townhalls import (
    townhall_create,
    townhall_question_ask,
    townhall_question_moderate,
    townhall_upvote,
)
from hanse.people.models import User

PAST = (
    # (question, anonymous, answer)
    (
        "Wie geht es mit den Filialen auf dem Land weiter?",
        False,
        "Wir schließen keine Filiale ohne Gespräch mit der Gemeinde. Zwei Standorte werden "
        "zu Beratungszentren mit längeren Öffnungszeiten.",
    ),
    (
        "Warum erfahren wir Veränderungen oft erst aus der Zeitung?",
        True,
        "Das war nicht gut. Ab jetzt informieren wir hier und im Intranet zuerst, bevor eine "
        "Pressemitteilung herausgeht.",
    ),
    (
        "Wird es mehr Homeoffice-Tage geben?",
        False,
        "Ja: ab dem 1. März bis zu drei Tage pro Woche, wo die Arbeit es erlaubt.",
    ),
    ("Wie sollen wir die KI-Werkzeuge in der Beratung nutzen dürfen?", True, ""),
)
UPCOMING = (
    ("Welche Ziele hat der Vorstand für das nächste Jahr?", False),
    ("Wie wird die Gehaltsrunde in diesem Jahr ablaufen?", True),
    ("Können Auszubildende öfter zwischen den Abteilungen wechseln?", False),
    ("Was passiert mit dem Gebäude in der Königstraße?", True),
)


def create_townhalls(ctx: DemoContext) -> None:
    admin = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    everyone = list(User.objects.filter(is_active=True).order_by("pk"))
    if admin is None or len(everyone) < 6:
        return
    rng = ctx.rng("townhalls")
    named = [p.user for p in ctx.accounts.values() if p.user is not None and p.user != admin]
    hosts = [admin, *named[:1]]
    past_start = ctx.now - timedelta(days=14)
    past = townhall_create(
        by=admin,
        title="Fragestunde mit dem Vorstand: Herbst",
        description="Der Vorstand beantwortet eure Fragen zur Strategie 2027.",
        starts_at=past_start - timedelta(days=3),  # questions came in before the session
        ends_at=past_start + timedelta(hours=1),
        hosts=hosts,
    )
    # Asked while the session was open; moved into the past below.
    TownHall.objects.filter(pk=past.pk).update(ends_at=ctx.now + timedelta(hours=1))
    past.refresh_from_db()
    for text, anonymous, answer in PAST:
        asker = rng.choice(everyone[1:])
        q = townhall_question_ask(townhall=past, author=asker, body=text, anonymous=anonymous)
        for voter in rng.sample(everyone, min(len(everyone), rng.randint(3, 12))):
            if voter.pk != asker.pk or anonymous:
                townhall_upvote(question=q, user=voter)
        if answer:
            fresh = TownHallQuestion.objects.select_related("townhall").get(pk=q.pk)
            townhall_question_moderate(question=fresh, by=admin, action="answered", answer=answer)
    TownHall.objects.filter(pk=past.pk).update(ends_at=past_start + timedelta(hours=1))

    soon = ctx.now + timedelta(days=7)
    upcoming = townhall_create(
        by=admin,
        title="Fragestunde mit dem Vorstand: Jahresauftakt",
        description="Stellt eure Fragen schon jetzt, anonym oder mit Namen. "
        "Die meistgewählten beantwortet der Vorstand zuerst.",
        starts_at=soon,
        ends_at=soon + timedelta(hours=1),
        hosts=hosts,
        with_event=True,
    )
    for text, anonymous in UPCOMING:
        asker = rng.choice(everyone[1:])
        q = townhall_question_ask(townhall=upcoming, author=asker, body=text, anonymous=anonymous)
        for voter in rng.sample(everyone, min(len(everyone), rng.randint(1, 9))):
            if voter.pk != asker.pk or anonymous:
                townhall_upvote(question=q, user=voter)
    ctx.counts["town halls"] = 2
