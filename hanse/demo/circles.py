"""WOL circles and Connectoren: a finished round with three circles, a running circle in
week 5 that includes the demo account anna.schmidt, an open round with sign-ups, and
Connectoren in most branches (two branches have none, so the coverage view has work).

Rounds, sign-ups and check-ins are written directly (no notifications to 700 people for a
demo); circles go through ``circle_create`` so each gets its weekly meeting and chat like a
confirmed round's circles.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import Permission
from django.db.models import Max
from django.utils import timezone

from hanse.circles.models import (
    CheckIn,
    Circle,
    CircleMember,
    CircleRound,
    ConnectorStory,
    Multiplier,
    OnboardingItem,
    OnboardingTick,
    Programme,
    Relationship,
    SignUp,
)
from hanse.circles.models.circles import SLOTS
from hanse.circles.services.rounds import circle_create
from hanse.communities.models import Community, Membership
from hanse.demo.context import DemoContext
from hanse.people.models import Location, User
from hanse.posts.models import Post
from hanse.posts.services.posts import post_create

TOPICS = (
    "Teams und Chat",
    "Working Out Loud",
    "Online-Meetings",
    "Hanse-Communities",
    "Digitale Kundenberatung",
    "Agiles Arbeiten",
    "Wissen teilen",
    "Moderation",
)
GOALS = (
    "Ich möchte in der Baufinanzierung ein Netzwerk über meine Filiale hinaus aufbauen.",
    "Ich will lernen, Präsentationen sicherer zu halten.",
    "Ich möchte unsere Filiale für digitale Beratung sichtbarer machen.",
    "Ich will herausfinden, welche Weiterbildung zu mir passt.",
)
CHECKINS = (
    ("Beziehungsliste angelegt, zwölf Namen.", "Drei Menschen einen kleinen Beitrag geben."),
    ("Zwei Kolleginnen einen Artikel geschickt.", "Mein Profil um Themen ergänzen."),
    ("Profil ergänzt, erste Frage in einer Community.", "Jemanden aus der Zentrale anschreiben."),
    ("Dankes-Nachricht an die Filialleitung geschrieben.", "Einen Zwischenstand teilen."),
)


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def create_circles(ctx: DemoContext) -> None:
    rng = ctx.rng("circles")
    today = timezone.localdate()
    clara = User.objects.get(username="clara.fischer")
    anna = User.objects.get(username="anna.schmidt")
    clara.user_permissions.add(Permission.objects.get(codename="coordinate_circles"))

    demo = {p.username for p in ctx.accounts.values()}
    pool = [p.user for p in ctx.people if p.user is not None and p.username not in demo]
    rng.shuffle(pool)
    taken: set[int] = set()

    def people(n: int) -> list[User]:
        chosen = [u for u in pool if u.pk not in taken][:n]
        taken.update(u.pk for u in chosen)
        return chosen

    # A finished round: three circles that met for twelve weeks.
    start = _monday(today - dt.timedelta(weeks=20))
    finished = CircleRound.objects.create(
        name="Frühjahr 2026",
        signup_closes=start - dt.timedelta(days=10),
        starts_on=start,
        status=CircleRound.Status.FINISHED,
        created_by=clara,
        confirmed_at=ctx.now - dt.timedelta(weeks=21),
    )
    for i, name in enumerate(("Elbe", "Weser", "Trave")):
        members = people(5 if i == 0 else 4)
        slot = SLOTS[(i * 7) % len(SLOTS)]
        _signups(finished, members, slot)
        circle = circle_create(
            members=members,
            name=name,
            starts_on=start,
            weeks=12,
            slot=slot,
            location=None,
            round_=finished,
        )
        Circle.objects.filter(pk=circle.pk).update(status=Circle.Status.FINISHED)

    # The running round, in week 5; Anna's circle is one of them.
    start = today - dt.timedelta(weeks=4)
    running = CircleRound.objects.create(
        name="Herbst 2026",
        signup_closes=start - dt.timedelta(days=10),
        starts_on=start,
        status=CircleRound.Status.CONFIRMED,
        created_by=clara,
        confirmed_at=ctx.now - dt.timedelta(weeks=5),
    )
    members = [anna, *people(3)]
    slot = 212
    _signups(running, members, slot)
    circle = circle_create(
        members=members,
        name="Alster",
        starts_on=start,
        weeks=12,
        slot=slot,
        location=None,
        round_=running,
        goals={anna.pk: GOALS[0]},
    )
    me = CircleMember.objects.get(circle=circle, user=anna)
    me.show_on_profile = True
    me.save(update_fields=["show_on_profile"])
    for name, notes in (
        ("Jonas aus der Baufinanzierung der Zentrale", "Artikel zu KfW-Förderung geschickt."),
        ("Filialleitung Mölln", "Für die Unterstützung beim Kundenabend bedankt."),
        ("Netzwerk junge Baufinanzierer (extern)", ""),
    ):
        Relationship.objects.create(member=me, name=name, notes=notes)
    for week, (did, will_try) in enumerate(CHECKINS, start=1):
        CheckIn.objects.create(member=me, week=week, attended=week != 3, did=did, will_try=will_try)

    # The next round, open for sign-up.
    start = _monday(today + dt.timedelta(weeks=3))
    upcoming = CircleRound.objects.create(
        name="Winter 2027",
        signup_closes=start - dt.timedelta(days=7),
        starts_on=start,
        created_by=clara,
    )
    for user in people(min(30, len(pool) // 3)):
        slots = sorted(rng.sample(SLOTS, rng.randint(3, 7)))
        SignUp.objects.create(round=upcoming, user=user, slots=slots, language="de")

    _multipliers(ctx, clara, anna)
    _programme(ctx, anna)
    ctx.counts["circles"] = Circle.objects.count()


def _signups(round_: CircleRound, members: list[User], slot: int) -> None:
    SignUp.objects.bulk_create(
        [SignUp(round=round_, user=u, slots=[slot], language="de") for u in members]
    )


def _multipliers(ctx: DemoContext, clara: User, anna: User) -> None:
    """One Connector in every branch but the last two, a few in the head office, and one
    application waiting for Clara."""
    rng = ctx.rng("multipliers")
    demo = {p.username for p in ctx.accounts.values()}
    by_location: dict[int, list[User]] = {}
    for p in ctx.people:
        if p.user is not None and p.username not in demo and p.user.location_id:
            by_location.setdefault(p.user.location_id, []).append(p.user)
    branches = list(Location.objects.filter(kind=Location.Kind.BRANCH).order_by("name"))
    # Two branches (not Anna's) stay without a Connector.
    uncovered = [b.pk for b in branches if b.pk != anna.location_id][-2:]
    chosen: list[User] = [anna]
    chosen += [
        rng.choice(by_location[b.pk])
        for b in branches
        if b.pk not in uncovered and b.pk != anna.location_id and by_location.get(b.pk)
    ]
    head = Location.objects.filter(kind=Location.Kind.HEAD_OFFICE).first()
    if head is not None and by_location.get(head.pk):
        chosen += rng.sample(by_location[head.pk], min(4, len(by_location[head.pk])))
    decided = ctx.now - dt.timedelta(days=60)
    Multiplier.objects.bulk_create(
        [
            Multiplier(
                user=u,
                topics=", ".join(rng.sample(TOPICS, 2))
                if u != anna
                else "Working Out Loud, Baufinanzierung, Hanse-Communities",
                status=Multiplier.Status.APPROVED,
                decided_by=clara,
                decided_at=decided,
                created_at=decided,
            )
            for u in dict.fromkeys(chosen)
        ]
    )
    waiting = [
        u
        for us in by_location.values()
        for u in us
        if not Multiplier.objects.filter(user=u).exists()
    ]
    if waiting:
        Multiplier.objects.create(
            user=waiting[0],
            topics="Online-Meetings, Wissen teilen",
            note="Ich helfe in meiner Filiale schon oft bei Teams-Fragen.",
        )


STORIES = (
    (
        "helped",
        "Frau Lange aus der Filiale hat sich nicht getraut, ihre erste Teams-Besprechung "
        "mit Kundinnen zu leiten. Wir haben zwanzig Minuten geübt: Bildschirm teilen, "
        "Warteraum, Aufnahme aus. Gestern lief ihr erstes Online-Beratungsgespräch. "
        "Kleine Hilfe, große Wirkung.",
    ),
    (
        "experiment",
        "Experiment: eine Woche lang haben wir in der Filiale die Übergabe morgens über "
        "einen Community-Beitrag gemacht statt per E-Mail. Ergebnis: weniger Rückfragen, "
        "aber die Kolleginnen in Teilzeit haben ihn oft erst mittags gelesen. Nächster "
        "Versuch: Beitrag plus fünf Minuten Stand-up.",
    ),
    (
        "helped",
        "Zwei Kollegen aus der Baufinanzierung suchten dieselbe Vorlage: einer in der "
        "Zentrale, einer in der Filiale. Ich habe die beiden verbunden, jetzt pflegen sie "
        "die Vorlage gemeinsam im Wiki ihrer Community.",
    ),
    (
        "experiment",
        "Gescheitertes Experiment, trotzdem lehrreich: unsere offene Sprechstunde für "
        "Hanse-Fragen am Freitagnachmittag kam nicht an. Niemand hatte Zeit. Wir probieren "
        "es jetzt dienstags nach dem Mittag.",
    ),
)


def _programme(ctx: DemoContext, anna: User) -> None:
    """The programme around the role: the Connectoren community is linked and every approved
    Connector is in it; the checklist is partly ticked (Anna's is done); four stories."""
    rng = ctx.rng("connectoren-programme")
    approved = list(
        Multiplier.objects.filter(status=Multiplier.Status.APPROVED)
        .select_related("user")
        .order_by("user_id")
    )
    community = Community.objects.filter(name="Connectoren").first()
    if community is not None:
        Programme.objects.update_or_create(pk=1, defaults={"community": community})
        inside = set(
            Membership.objects.filter(community=community).values_list("user_id", flat=True)
        )
        joining = [m.user for m in approved if m.user_id not in inside]
        # Written in bulk like the demo's other memberships, the count kept equal.
        Membership.objects.bulk_create(
            [Membership(community=community, user=u, role=Membership.Role.MEMBER) for u in joining]
        )
        Community.objects.filter(pk=community.pk).update(
            member_count=Membership.objects.filter(community=community).count()
        )
    steps = list(OnboardingItem.objects.all())
    ticks = []
    for m in approved:
        done = len(steps) if m.user_id == anna.pk else rng.randint(0, len(steps))
        ticks += [OnboardingTick(item=item, user=m.user) for item in steps[:done]]
    OnboardingTick.objects.bulk_create(ticks, ignore_conflicts=True)
    tellers = [anna] + [m.user for m in rng.sample(approved, min(3, len(approved)))]
    tellers = list(dict.fromkeys(u for u in tellers))
    # Oldest first, and never before a post written earlier: in the demo, as in life, post ids
    # rise with time (the stream and its cursors rely on it).
    latest = Post.objects.aggregate(latest=Max("created_at"))["latest"]
    for i, (kind, body) in reversed(list(enumerate(STORIES))):
        author = tellers[i % len(tellers)]
        post = post_create(author=author, body=f"{body}\n\n#Connectoren", scope=Post.Scope.COMPANY)
        when = ctx.now - dt.timedelta(days=3 + 9 * i, hours=rng.randint(0, 8))
        if latest is not None and when <= latest:
            when = latest + dt.timedelta(microseconds=1)
        latest = when
        Post.objects.filter(pk=post.pk).update(created_at=when)
        ConnectorStory.objects.create(post=post, author=author, kind=kind, created_at=when)
