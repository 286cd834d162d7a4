# ruff: noqa: RUF001 - German typography uses the en dash
"""Events: the Connectoren's meetups (a recurring hybrid Stammtisch, a Working Out Loud
kick-off), open days in branches and online talks, with answers and full waiting lists.

There are few events (a dozen to a few dozen), so they are written through the event services:
the same validation, recurrence alignment and rendered description as events people create.
Answers are written in bulk with the places rule applied (going up to the capacity, then the
waiting list in order), because the services refuse answers for dates that are over.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Q

from hanse.communities.models import Community, Membership
from hanse.core.rules import platform_admins_q
from hanse.demo.context import DemoContext, bulk_create
from hanse.events.models import Event, Rsvp
from hanse.events.recurrence import occurrences
from hanse.events.services import events as event_services
from hanse.people.models import Location, User

BERLIN = ZoneInfo("Europe/Berlin")

STAMMTISCH = """Alle zwei Wochen – jeden zweiten Dienstag – treffen wir uns zum \
Connectoren-Stammtisch. Wer in Lübeck ist, kommt in die Hauptstelle; alle anderen sind online \
dabei.

- kurze Runde: Woran arbeitest du gerade?
- ein Thema aus den Filialen, das uns alle betrifft
- Verabredungen für die nächsten zwei Wochen

Keine Anmeldung nötig, aber sag kurz zu, damit wir genug Kaffee haben."""

WOL_KICKOFF = """Working Out Loud heißt: in kleinen Circles von vier bis fünf Leuten zwölf \
Wochen lang an einem eigenen Ziel arbeiten und sich dabei gegenseitig helfen.

Beim Kick-off erklären wir, wie die Circles laufen, und bilden die ersten Gruppen. \
**Die Plätze sind begrenzt**, wer keinen mehr bekommt, landet auf der Warteliste und rückt \
automatisch nach."""

OPEN_DAY = """Unsere Filiale öffnet ihre Türen: Kundinnen, Kunden und Kolleginnen und Kollegen \
aus anderen Häusern sind eingeladen, hinter die Kulissen zu schauen.

Es gibt Kaffee und Kuchen, eine Führung durch den Tresorraum und einen Stand der \
Auszubildenden. Helfende Hände sind willkommen – sag Bescheid, wenn du eine Stunde übernehmen \
kannst."""

TALKS = (
    (
        "Online-Talk: KI in der Kundenberatung",
        """Was kann generative KI in der Beratung heute schon – und was (noch) nicht? \
Unser Team Digitalisierung zeigt Beispiele aus dem Pilotprojekt und beantwortet Fragen.

Dauer: 45 Minuten, danach offene Fragerunde.""",
    ),
    (
        "Online-Talk: Nachhaltige Geldanlage verständlich erklärt",
        """Wie erklären wir nachhaltige Fonds so, dass Kundinnen und Kunden sie verstehen? \
Ein Erfahrungsaustausch mit Beispielen aus drei Filialen.""",
    ),
    (
        "Online-Talk: Barrierefreie Dokumente in 30 Minuten",
        """Wie Word- und PDF-Dokumente für alle lesbar werden: Überschriften, Alternativtexte, \
Kontraste. Mit Checkliste zum Mitnehmen.""",
    ),
)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=BERLIN)


def _address(location: Location) -> str:
    town = f"{location.postal_code} {location.city}".strip()
    return ", ".join(part for part in (location.street, town) if part)


def _next_weekday(start: date, weekday: int) -> date:
    return start + timedelta(days=(weekday - start.weekday()) % 7)


def _members(community: Community) -> list[User]:
    ids = (
        Membership.objects.filter(community=community)
        .order_by("pk")
        .values_list("user_id", flat=True)
    )
    return list(User.objects.filter(pk__in=list(ids), is_active=True).order_by("pk"))


def _organisers(community: Community) -> list[User]:
    roles = (Membership.Role.OWNER, Membership.Role.MODERATOR)
    ids = Membership.objects.filter(community=community, role__in=roles).values_list(
        "user_id", flat=True
    )
    return list(User.objects.filter(pk__in=list(ids)).order_by("pk"))


class _Answers:
    """RSVP rows to write in bulk, with the places rule applied per occurrence."""

    def __init__(self, ctx: DemoContext, rng: random.Random) -> None:
        self.ctx = ctx
        self.rng = rng
        self.rows: list[Rsvp] = []

    def add(self, event: Event, recurrence_id: datetime, people: list[User], *,
            going_share: float = 0.7) -> None:  # fmt: skip
        going = 0
        base = min(self.ctx.now, recurrence_id) - timedelta(days=10)
        for index, person in enumerate(people):
            roll = self.rng.random()
            if roll < going_share:
                status = Rsvp.Status.GOING
                if event.capacity is not None and going >= event.capacity:
                    status = Rsvp.Status.WAITLIST
                else:
                    going += 1
            elif roll < going_share + 0.2:
                status = Rsvp.Status.MAYBE
            else:
                status = Rsvp.Status.NOT_GOING
            moment = base + timedelta(minutes=17 * index)
            self.rows.append(
                Rsvp(
                    event=event,
                    occurrence=recurrence_id,
                    user=person,
                    status=status,
                    created_at=moment,
                    updated_at=moment,
                )
            )


def create_events(ctx: DemoContext) -> None:
    rng = ctx.rng("events")
    today = ctx.now.astimezone(BERLIN).date()
    scale = {"small": 1, "bank": 3, "mid": 4, "large": 6}.get(ctx.spec.name, 1)
    bar = ctx.progress("Events and answers", 4 + 4 * scale)
    answers = _Answers(ctx, rng)
    created: list[Event] = []

    connectoren = Community.objects.filter(name="Connectoren").first()
    head_office = Location.objects.filter(kind=Location.Kind.HEAD_OFFICE).order_by("pk").first()
    everyone = list(User.objects.filter(is_active=True).exclude(platform_admins_q()).order_by("pk"))
    if not everyone:
        bar.close()
        return

    if connectoren is not None:
        members = _members(connectoren)
        hosts = _organisers(connectoren) or members[:1]
        if hosts:
            # Started two months ago, so the series has a past (with notes) and a future.
            first = _next_weekday(today - timedelta(days=56), 1)
            stammtisch = event_services.event_create(
                by=hosts[0],
                community=connectoren,
                title="Connectoren-Stammtisch",
                description=STAMMTISCH,
                start=_at(first, 17),
                end=_at(first, 18, 30),
                rrule="FREQ=WEEKLY;INTERVAL=2",
                location=head_office,
                room="Raum Trave, 4. OG",
                address="Breite Straße 1, 23552 Lübeck",
                online_url="https://meet.example.org/connectoren-stammtisch",
                capacity=max(8, len(members) // 3),
                co_organisers=hosts[1:3],
            )
            created.append(stammtisch)
            window = occurrences(
                stammtisch, start=stammtisch.start, end=ctx.now + timedelta(days=60)
            )
            for occurrence in window:
                size = min(len(members), rng.randint(6, 14) * scale)
                answers.add(stammtisch, occurrence.recurrence_id, rng.sample(members, size))
            # One date falls into the holidays: cancelled, which the calendar shows.
            future = [o for o in window if o.start > ctx.now]
            if len(future) >= 2:
                event_services.occurrence_cancel(
                    event=stammtisch, recurrence_id=future[1].recurrence_id, by=hosts[0]
                )
            bar.update(1)

            kickoff_day = _next_weekday(today + timedelta(days=9), 3)
            kickoff = event_services.event_create(
                by=hosts[-1],
                community=connectoren,
                title="Working Out Loud Kick-off",
                description=WOL_KICKOFF,
                start=_at(kickoff_day, 14),
                end=_at(kickoff_day, 16),
                online_url="https://meet.example.org/wol-kickoff",
                # Fewer places than interested people, so there is a waiting list at any size.
                capacity=max(2, min(10, len(members) // 2)),
            )
            created.append(kickoff)
            # Full, with a waiting list.
            size = min(len(members), 14 + 4 * scale)
            answers.add(kickoff, kickoff.start, rng.sample(members, size), going_share=0.95)
            bar.update(1)

    branches = list(Location.objects.filter(kind=Location.Kind.BRANCH).order_by("name"))
    moelln = next((b for b in branches if "Mölln" in b.name), None)
    chosen = ([moelln] if moelln else []) + [b for b in branches if b is not moelln]
    for index, branch in enumerate(chosen[: 1 + scale]):
        staff = [p for p in everyone if p.location_id == branch.pk] or everyone[:5]
        host = staff[0]
        day = _next_weekday(today + timedelta(days=12 + 9 * index), 5)
        open_day = event_services.event_create(
            by=host,
            title=f"Tag der offenen Tür {branch.name}",
            description=OPEN_DAY,
            start=_at(day, 10),
            end=_at(day, 15),
            location=branch,
            address=_address(branch),
        )
        created.append(open_day)
        helpers = rng.sample(everyone, min(len(everyone), 6 + 3 * scale))
        answers.add(open_day, open_day.start, helpers, going_share=0.5)
        bar.update(1)

    for index in range(len(TALKS) * scale):
        title, text = TALKS[index % len(TALKS)]
        if index >= len(TALKS):
            title = f"{title} (Wiederholung {index // len(TALKS)})"
        day = _next_weekday(today + timedelta(days=3 + 7 * index), 2 + index % 2)
        speaker = rng.choice(everyone)
        talk = event_services.event_create(
            by=speaker,
            title=title,
            description=text,
            start=_at(day, 12, 15),
            end=_at(day, 13),
            online_url=f"https://meet.example.org/talk-{index + 1}",
            capacity=None if index % 3 else 25 * scale,
        )
        created.append(talk)
        audience = rng.sample(everyone, min(len(everyone), rng.randint(8, 30) * scale))
        answers.add(talk, talk.start, audience)
        bar.update(1)

    # A company-wide all-day event.
    summer = _next_weekday(today + timedelta(days=30), 4)
    created.append(
        event_services.event_create(
            by=everyone[0],
            title="Sommerfest der Sparkasse",
            description="Für alle Kolleginnen und Kollegen mit Familie. Grillen, Musik, Spiele.",
            start=_at(summer, 0),
            end=_at(summer, 0),
            all_day=True,
            location=head_office,
        )
    )
    bar.update(1)

    # Organisers answer nothing; drop answers of people who may not see the event.
    visible_rows = []
    readable: dict[int, set[int]] = {}
    for row in answers.rows:
        event = row.event
        community = event.community if event.community_id is not None else None
        if community is not None and community.kind != Community.Kind.OPEN:
            if community.pk not in readable:
                readable[community.pk] = {u.pk for u in _members(community)}
            if row.user.pk not in readable[community.pk]:
                continue
        visible_rows.append(row)
    bulk_create(Rsvp, visible_rows)
    bar.close()
    ctx.counts["events"] = Event.objects.filter(
        Q(pk__in=[e.pk for e in created]) | Q(split_from__in=created)
    ).count()
    ctx.counts["event answers"] = len(visible_rows)
