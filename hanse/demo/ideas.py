"""Ideas, experiments and consent decisions for the demo: the Connectoren run an idea
campaign with ideas in every status, three closed experiments (one refuted, with honest
lessons), one running, and two decisions with objections and amendments in the log.

Written through the services (the same rules as a person's clicks); dates are moved into the
past afterwards so the log reads like months of work.
"""

from __future__ import annotations

from datetime import timedelta

from hanse.communities.models import Community, Membership
from hanse.decisions.models import Proposal
from hanse.decisions.services import (
    proposal_amend,
    proposal_create,
    proposal_decide,
    proposal_respond,
)
from hanse.demo.context import DemoContext
from hanse.ideas import services
from hanse.ideas.models import Experiment, Idea
from hanse.people.models import User

IDEAS = (
    # (title, description, status, reason)
    (
        "Kontoauszüge nur noch digital anbieten",
        "Wer das Online-Banking nutzt, bekommt Auszüge standardmäßig ins Postfach. Papier nur "
        "noch auf Wunsch.",
        "experiment",
        "Wir testen das drei Monate in zwei Filialen.",
    ),
    (
        "Beidseitig drucken als Voreinstellung",
        "Alle Drucker drucken standardmäßig doppelseitig und schwarz-weiß.",
        "adopted",
        "Die IT hat die Voreinstellung auf allen Geräten umgestellt. Danke für die Idee!",
    ),
    (
        "Flyer durch QR-Codes am Schalter ersetzen",
        "Statt Prospekten liegt ein Aufsteller mit QR-Code aus.",
        "not_adopted",
        "Das Experiment hat gezeigt: Unsere Kundschaft will etwas in der Hand halten. Wir "
        "drucken aber nur noch die Hälfte.",
    ),
    (
        "Unterschriften am Tablet statt auf Papier",
        "Verträge am Tablet unterschreiben lassen, das Dokument kommt per Mail.",
        "under_review",
        "Die Rechtsabteilung prüft, welche Verträge das zulassen.",
    ),
    (
        "Papierloses Team-Meeting",
        "Agenda und Protokoll nur noch im Wiki, keine Ausdrucke mehr.",
        "parked",
        "Gute Idee, aber erst nach der Umstellung auf das neue Wiki im Herbst.",
    ),
    (
        "Recyclingpapier für alle internen Ausdrucke",
        "Intern reicht Recyclingpapier völlig aus.",
        "new",
        "",
    ),
    (
        "Kundenpost bündeln: ein Brief statt drei",
        "Mitteilungen an dieselbe Kundin in einem Umschlag pro Woche bündeln.",
        "new",
        "",
    ),
)

EXPERIMENTS = (
    # (title, hypothesis, result, lessons, next step, days ago started, days ago closed)
    (
        "QR-Codes statt Flyer in Mölln und Ratzeburg",
        "Wenn wir Flyer durch QR-Codes ersetzen, drucken wir 50 % weniger, ohne dass die "
        "Beratungsgespräche weniger werden.",
        "refuted",
        "Die Kundschaft hat die QR-Codes kaum genutzt (12 Scans in sechs Wochen), und in der "
        "Beratung fehlten die Flyer als Gesprächseinstieg. Wir lagen falsch mit der Annahme, "
        "dass Papier nur Gewohnheit ist. Gelernt: erst fragen, wofür Papier genutzt wird, dann "
        "ersetzen.",
        "stop",
        150,
        100,
    ),
    (
        "Beidseitiger Druck in der Hauptstelle",
        "Wenn doppelseitig voreingestellt ist, sinkt der Papierverbrauch um 30 %.",
        "confirmed",
        "Minus 38 % Papier in acht Wochen, kaum Beschwerden. Wichtig war die Vorwarnung im "
        "Intranet.",
        "adopt",
        200,
        140,
    ),
    (
        "Stehungen statt Sitzungen im Firmenkundenteam",
        "Wenn wir Abstimmungen im Stehen machen, sind sie 20 % kürzer.",
        "inconclusive",
        "Die Meetings wurden im Schnitt nur 5 % kürzer, aber das Team fand sie lebhafter. "
        "Zu wenige Termine für eine klare Aussage.",
        "another",
        90,
        40,
    ),
)


def _members(community: Community) -> list[User]:
    ids = Membership.objects.filter(community=community).values("user_id")
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("pk"))


def _role(community: Community, role: str) -> User | None:
    found = Membership.objects.filter(community=community, role=role).order_by("pk").first()
    return found.user if found else None


def create_ideas(ctx: DemoContext) -> None:
    community = Community.objects.filter(name="Connectoren").first()
    if community is None:
        return
    rng = ctx.rng("ideas")
    owner = _role(community, Membership.Role.OWNER)
    moderator = _role(community, Membership.Role.MODERATOR) or owner
    members = _members(community)
    if owner is None or moderator is None or len(members) < 4:
        return
    campaign = services.campaign_create(
        by=moderator,
        community=community,
        question="Wie können unsere Filialen Papier sparen?",
        description="Jede Idee zählt, auch die kleine. Die Moderation schaut jede Woche auf "
        "das Board und schreibt zu jeder Entscheidung, warum.",
        starts_on=ctx.now.date() - timedelta(days=210),
        categories="Filiale, Zentrale, Kundenkontakt",
    )
    ideas: list[Idea] = []
    for i, (title, description, status, reason) in enumerate(IDEAS):
        author = members[(i * 3 + 1) % len(members)]
        # The first idea is written by two colleagues together.
        coauthor = members[(i * 3 + 2) % len(members)]
        coauthors = [coauthor] if i == 0 and coauthor.pk != author.pk else []
        idea = services.idea_create(
            author=author,
            campaign=campaign,
            title=title,
            description=description,
            coauthors=coauthors,
        )
        for person in coauthors:  # the invited colleague said yes
            services.idea_coauthor_respond(idea=idea, user=person, accept=True)
        for person in rng.sample(members, min(len(members), rng.randint(2, 12))):
            if person.pk != author.pk and person not in coauthors:
                services.idea_support(idea=idea, user=person)
        commenter = members[(i * 5 + 2) % len(members)]
        services.idea_comment(
            idea=idea, author=commenter, body="Gute Idee! In unserer Filiale würde das helfen."
        )
        if status == "not_adopted":
            services.idea_status_change(
                idea=idea, by=moderator, to_status="under_review", reason="Wir schauen es uns an."
            )
        if status != "new":
            services.idea_status_change(
                idea=idea,
                by=moderator,
                to_status=status,
                reason=reason,
                hypothesis="Wenn wir Auszüge digital schicken, sinken Porto und Papier um 20 %."
                if status == "experiment"
                else "",
            )
        Idea.objects.filter(pk=idea.pk).update(
            created_at=ctx.now - timedelta(days=200 - i * 20),
            status_changed_at=ctx.now - timedelta(days=max(1, 150 - i * 20)),
        )
        ideas.append(idea)
    running = Experiment.objects.filter(idea=ideas[0]).first()
    if running is not None:
        services.experiment_update_post(
            experiment=running,
            author=moderator,
            body="Erste Zahlen aus Mölln: 61 % der Online-Kundschaft hat nicht widersprochen.",
        )
        Experiment.objects.filter(pk=running.pk).update(
            starts_on=ctx.now.date() - timedelta(days=30),
            ends_on=ctx.now.date() + timedelta(days=60),
        )
    for i, (title, hypothesis, result, lessons, step, started, closed) in enumerate(EXPERIMENTS):
        experiment = services.experiment_create(
            owner=members[(i * 7 + 3) % len(members)] if i else moderator,
            community=community,
            title=title,
            hypothesis=hypothesis,
            plan="Sechs bis acht Wochen, wöchentliche Zahlen im Update-Stream.",
            starts_on=ctx.now.date() - timedelta(days=started),
            ends_on=ctx.now.date() - timedelta(days=closed),
        )
        experiment.idea = ideas[2] if i == 0 else ideas[1] if i == 1 else None
        experiment.save(update_fields=["idea"])
        services.experiment_update_post(
            experiment=experiment, author=experiment.owner, body="Zwischenstand nach Woche 2."
        )
        closed_by = experiment.owner
        services.experiment_close(
            experiment=experiment, by=closed_by, result=result, lessons=lessons, next_step=step
        )
        Experiment.objects.filter(pk=experiment.pk).update(
            closed_at=ctx.now - timedelta(days=closed)
        )
        if result == "refuted":
            # What did not work is shared as proudly as what did: a story in the stream.
            services.experiment_share(
                experiment=experiment,
                by=closed_by,
                note="Nicht geklappt, aber viel gelernt. Hier unsere ehrliche Bilanz.",
            )
    ctx.counts["ideas"] = len(ideas)
    ctx.counts["experiments"] = len(EXPERIMENTS) + (1 if running else 0)
    _decisions(ctx, community, owner, members)


def _decisions(ctx: DemoContext, community: Community, owner: User, members: list[User]) -> None:
    """Two decided proposals with an objection, an amendment and a second round each."""
    plans = (
        (
            "Connectoren-Café auf Donnerstag verlegen",
            "Das monatliche Connectoren-Café findet ab dem nächsten Quartal donnerstags um 8:30 "
            "statt dienstags um 16 Uhr statt.",
            "Das Café findet donnerstags um 12:30 als Mittagsrunde statt.",
            "Uhrzeit auf die Mittagspause gelegt",
            "Um 8:30 sind die Filialteams in der Vorbereitung; wir würden die Filialen verlieren.",
            "adopted_with_changes",
            "Ab April donnerstags 12:30 als Mittagsrunde. Wir schauen nach drei Terminen, ob mehr "
            "Filialen dabei sind.",
        ),
        (
            "Protokolle der Connectoren öffentlich im Wiki",
            "Alle Protokolle unserer Treffen stehen für das ganze Haus lesbar im Wiki.",
            "Alle Protokolle stehen im Wiki; Namen von Kundinnen und Kunden oder persönliche "
            "Themen werden vorher entfernt.",
            "Regel für persönliche Themen ergänzt",
            "Manche erzählen im Café von persönlichen Themen; das darf nicht für alle lesbar sein.",
            "adopted",
            "Protokolle sind ab sofort im Wiki, bereinigt um persönliche Themen.",
        ),
    )
    for i, (title, text, amended, note, objection, outcome, statement) in enumerate(plans):
        # A named group: the owner and a few members (the small demo has five members).
        deciders = [owner, *members[i + 1 : i + 5]]
        deciders = list({p.pk: p for p in deciders}.values())
        proposal = proposal_create(
            proposer=owner,
            community=community,
            title=title,
            text=text,
            background="Aus dem Feedback der letzten Treffen.",
            deadline=ctx.now + timedelta(days=14),
            deciders=deciders,
        )
        objector = deciders[1]
        proposal_respond(proposal=proposal, user=objector, kind="objection", reason=objection)
        for person in deciders[2:]:
            proposal_respond(proposal=proposal, user=person, kind="consent")
        proposal = proposal_amend(proposal=proposal, by=owner, text=amended, note=note)
        proposal_respond(
            proposal=proposal,
            user=objector,
            kind="concern",
            reason="So passt es. Bitte nach ein paar Terminen nachfragen.",
        )
        for person in [owner, *deciders[2:]]:
            proposal_respond(proposal=proposal, user=person, kind="consent")
        proposal_decide(
            proposal=proposal,
            by=owner,
            outcome=outcome,
            statement=statement,
            review_on=ctx.now.date() + timedelta(days=60 + 30 * i),
        )
        Proposal.objects.filter(pk=proposal.pk).update(
            created_at=ctx.now - timedelta(days=40 - i * 10),
            decided_at=ctx.now - timedelta(days=20 - i * 10),
            deadline=ctx.now - timedelta(days=26 - i * 10),
        )
    ctx.counts["decisions"] = len(plans)
