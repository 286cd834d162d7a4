# ruff: noqa: E501, RUF001 - German demo sentences, with German typography
"""Chat for the demo: public channels, the Connectoren community's channel, direct messages.

Written through the chat services (so unread counts, threads and read cursors are real), then
dated back over the last two days.
"""

from __future__ import annotations

from datetime import timedelta

from hanse.chat import services
from hanse.chat.models import Channel, ChannelMember, Message
from hanse.communities.models import Community
from hanse.demo.context import DemoContext
from hanse.people.models import User

# (channel key, author key, text, reply to index or None); authors: demo account names or
# "p<n>" for the n-th other member.
CONVERSATIONS: dict[str, list[tuple[str, str, int | None]]] = {
    "allgemein": [
        ("p1", "Moin zusammen! Hat jemand ein Ladekabel USB-C in der Hauptstelle übrig? 🙂", None),
        ("ben.weber", "Im IT-Service im 2. OG liegen welche, einfach vorbeikommen.", 0),
        ("p2", "Erinnerung: Morgen ist die Kantine wegen Umbau geschlossen.", None),
        ("clara.fischer", "Danke für den Hinweis! Gibt es eine Alternative?", 2),
        ("p2", "Der Bäcker gegenüber liefert für Gruppen ab 5 Personen.", 2),
        (
            "anna.schmidt",
            "Wer kommt am Dienstag zum Connectoren-Stammtisch? Wir sind in Lübeck und online.",
            None,
        ),
        ("p3", "Bin dabei – online aus der Filiale Eutin.", None),
    ],
    "it-hilfe": [
        (
            "p4",
            "Seit heute früh meldet der Kontoauszugsdrucker in Mölln »Papierstau«, obwohl keiner da ist.",
            None,
        ),
        (
            "ben.weber",
            "Kannst du einmal aus- und einschalten? Wenn das nicht hilft, mache ich ein Ticket auf.",
            0,
        ),
        ("p4", "Hat geholfen, danke!", 0),
        ("p5", "Ist das neue Beratungs-Tool schon freigeschaltet?", None),
        (
            "ben.weber",
            "Ab Montag für alle Filialen der Regionaldirektion Nord, die anderen folgen in zwei Wochen.",
            None,
        ),
    ],
    "connectoren": [
        (
            "anna.schmidt",
            "Ideen für das nächste Experiment? Ich hätte Lust auf »Working Out Loud« mit Filialteams.",
            None,
        ),
        ("clara.fischer", "Ja! Ich kann drei Circles aus der Personalentwicklung unterstützen.", 0),
        ("p6", "Wir könnten die Erfahrungen im März beim Stammtisch vorstellen.", 0),
        ("p7", "In Kiel gibt es schon zwei Interessierte aus dem Firmenkundengeschäft.", None),
        ("anna.schmidt", "Super – ich lege eine Umfrage an, wer mitmachen möchte.", None),
    ],
}
DIRECT = [
    (
        "anna.schmidt",
        "clara.fischer",
        [
            ("clara.fischer", "Hast du kurz Zeit, über den WOL-Kick-off zu sprechen?"),
            ("anna.schmidt", "Gern, passt dir 14 Uhr per Video?"),
            ("clara.fischer", "Perfekt, ich schicke dir die Einladung."),
        ],
    ),
    (
        "ben.weber",
        "anna.schmidt",
        [
            ("ben.weber", "Die Zugänge für die neuen Kolleginnen in Kiel sind eingerichtet."),
        ],
    ),
]


def create_chat(ctx: DemoContext) -> None:
    accounts = {name: plan.user for name, plan in ctx.accounts.items() if plan.user is not None}
    if not accounts:
        return
    rng = ctx.rng("chat")
    others = [p.user for p in ctx.people if p.user is not None and p.account == ""]
    rng.shuffle(others)
    cast = dict(accounts)
    for n in range(1, 9):
        cast[f"p{n}"] = others[n % len(others)]

    def who(key: str) -> User:
        return cast.get(key) or accounts["admin"]

    bar = ctx.progress("Chat", len(CONVERSATIONS) + len(DIRECT))
    admin = accounts.get("admin") or next(iter(accounts.values()))
    everyone = [u for u in cast.values() if u is not None]
    channels: dict[str, Channel] = {
        "allgemein": services.channel_create(
            by=admin,
            name="Allgemein",
            topic="Für alle: Fragen, Hinweise und kleine Dinge des Arbeitsalltags.",
            members=everyone,
        ),
        "it-hilfe": services.channel_create(
            by=who("ben.weber"),
            name="IT-Hilfe",
            topic="Schnelle Hilfe bei IT-Fragen. Für Störungen bitte weiter ein Ticket.",
            members=everyone,
        ),
    }
    connectoren = Community.objects.filter(slug="connectoren").first()
    if connectoren is not None:
        channels["connectoren"] = services.community_channel_ensure(
            community=connectoren, user=who("anna.schmidt")
        )
        for key in ("clara.fischer", "p6", "p7"):
            person = who(key)
            if connectoren.memberships.filter(user=person).exists():
                ChannelMember.objects.get_or_create(channel=channels["connectoren"], user=person)
    start = ctx.now - timedelta(hours=30)
    minute = 0
    for key, lines in CONVERSATIONS.items():
        channel = channels.get(key)
        if channel is None:
            continue
        posted: list[Message] = []
        for author_key, text, parent_index in lines:
            author = who(author_key)
            ChannelMember.objects.get_or_create(channel=channel, user=author)
            parent = posted[parent_index] if parent_index is not None else None
            message, _created = services.message_post(
                channel=channel, author=author, body=text, parent=parent
            )
            minute += rng.randint(7, 95)
            Message.objects.filter(pk=message.pk).update(
                created_at=start + timedelta(minutes=minute)
            )
            posted.append(message)
        bar.update(1)
    for first, second, dm_lines in DIRECT:
        channel, _created = services.dm_open(by=who(first), people=[who(second)])
        for dm_author, dm_text in dm_lines:
            message, _created = services.message_post(
                channel=channel, author=who(dm_author), body=dm_text
            )
            minute += rng.randint(3, 30)
            Message.objects.filter(pk=message.pk).update(
                created_at=start + timedelta(minutes=minute)
            )
        bar.update(1)
    bar.close()
    # The demo accounts have read everything but the newest messages of each conversation.
    for member in ChannelMember.objects.filter(user__in=accounts.values()).select_related(
        "channel"
    ):
        newest = list(
            Message.objects.filter(channel=member.channel, parent__isnull=True)
            .order_by("-id")
            .values_list("id", flat=True)[:3]
        )
        if len(newest) == 3:
            ChannelMember.objects.filter(pk=member.pk).update(last_read_id=newest[-1])
    ctx.counts["chat messages"] = Message.objects.count()
