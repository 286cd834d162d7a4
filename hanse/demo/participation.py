"""Participation: named and anonymous polls, open and closed, company-wide and in communities.

Few polls, so they are written through the services (the same validation and the same
anonymity as a person's vote); closed polls are closed by moving their end into the past.
"""

from __future__ import annotations

from datetime import timedelta

from hanse.chat.models import Channel, ChannelMember
from hanse.communities.models import Membership
from hanse.demo.context import DemoContext
from hanse.participation.models import Poll, PraiseValue
from hanse.participation.praise import praise_create
from hanse.participation.questions import answer_accept, answer_upvote, question_create
from hanse.participation.services import chat_poll_create, poll_create, poll_vote
from hanse.people.models import User
from hanse.posts.services.comments import comment_create

POLLS = (
    # (author, community index or None, question, options, settings, voters, closed)
    (
        "anna.schmidt",
        None,
        "Welches Thema soll der nächste Connectoren-Stammtisch haben?",
        ["Kundenberatung mit KI", "Filialen voneinander lernen", "Gesund arbeiten", "Ehrenamt"],
        {"results": "always"},
        30,
        False,
    ),
    (
        "ben.weber",
        None,
        "Wie gut fühlst du dich über die Veränderungen in der Sparkasse informiert?",
        ["Sehr gut", "Eher gut", "Eher schlecht", "Schlecht"],
        {"anonymous": True, "results": "after_close"},
        40,
        False,
    ),
    (
        "clara.fischer",
        0,
        "Welche Termine passen dir für den Working-Out-Loud-Kick-off?",
        ["Dienstagabend", "Mittwochmittag", "Donnerstagmorgen"],
        {"kind": "multiple", "max_choices": 2, "allow_other": True},
        12,
        True,
    ),
    (
        "anna.schmidt",
        1,
        "Sollen Filialteams ihre Öffnungszeiten am Nachmittag selbst planen dürfen?",
        ["Ja", "Nein", "Weiß nicht"],
        {"anonymous": True, "results": "after_close"},
        15,
        True,
    ),
)


QUESTIONS: tuple[tuple[str, list[str], bool], ...] = (
    # (question, answers; the first answer is accepted when the flag says so)
    (
        "Wie beantrage ich Bildungsurlaub, und zählt ein Online-Kurs dazu?",
        [
            "Im Personalportal unter „Abwesenheiten“. Online-Kurse zählen, "
            "wenn sie anerkannt sind.",
            "Frag am besten vorher bei der Personalabteilung nach der Anerkennung.",
        ],
        True,
    ),
    (
        "Hat jemand Erfahrung mit Videoberatung für ältere Kundinnen und Kunden?",
        ["Ja, in der Filiale Mölln klappt das gut, wenn wir den ersten Termin vor Ort machen."],
        False,
    ),
    (
        "Wo finde ich die aktuelle Vorlage für Kreditentscheidungen?",
        [],
        False,
    ),
    (
        "Welche Tools nutzt ihr, um Working-Out-Loud-Ziele festzuhalten?",
        ["Ein einfaches Dokument im Circle-Bereich reicht völlig.", "Ich nutze eine Checkliste."],
        True,
    ),
    (
        "Gibt es in der Hauptstelle einen ruhigen Raum für Telefonate?",
        [],
        False,
    ),
)

VALUES = (
    ("Mut", "Etwas Neues wagen, auch wenn es scheitern kann."),
    ("Neugier", "Fragen stellen und von anderen lernen."),
    ("Offenheit", "Wissen teilen und andere einbeziehen."),
)

PRAISE = (
    "Danke, dass du im Team-Meeting das schwierige Thema angesprochen hast!",
    "Deine Frage nach dem Warum hat uns auf eine viel bessere Lösung gebracht.",
    "Danke, dass du deine Notizen zum Pilotprojekt mit allen geteilt hast.",
    "Super, wie du die neue Kollegin in der Filiale eingearbeitet hast.",
    "Danke für den Mut, das Experiment mit den Öffnungszeiten vorzuschlagen.",
    "Dein Vortrag beim Stammtisch hat mich neugierig gemacht, danke!",
)


def _members(community_id: int) -> list[int]:
    return list(
        Membership.objects.filter(community_id=community_id)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )


def create_questions(ctx: DemoContext) -> None:
    """Answered and unanswered questions in several communities, one accepted answer each
    for some, with upvotes."""
    rng = ctx.rng("participation.questions")
    made = 0
    for i, (text, replies, accept) in enumerate(QUESTIONS):
        if not ctx.communities:
            break
        community = ctx.communities[i % len(ctx.communities)]
        members = _members(community.pk)
        if len(members) < 3:
            continue
        people = list(User.objects.filter(pk__in=rng.sample(members, min(len(members), 6))))
        asker, others = people[0], people[1:]
        question = question_create(author=asker, community=community, body=text)
        answers = [
            comment_create(post=question.post, author=others[j % len(others)], body=reply)
            for j, reply in enumerate(replies)
        ]
        for answer in answers:
            for person in others:
                if person.pk != answer.author_id and rng.random() < 0.5:
                    answer_upvote(answer=answer, by=person)
        if accept and answers:
            answer_accept(question=question, answer=answers[0], by=asker)
        made += 1
    ctx.counts["questions"] = made


def create_praise(ctx: DemoContext) -> None:
    """The bank's values and praise between colleagues, company-wide and in communities."""
    rng = ctx.rng("participation.praise")
    values = [
        PraiseValue.objects.get_or_create(name=name, defaults={"description": d, "position": i})[0]
        for i, (name, d) in enumerate(VALUES)
    ]
    everyone = list(User.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True))
    named = [p.user for p in ctx.accounts.values() if p.user is not None]
    made = 0
    for i, message in enumerate(PRAISE):
        if len(everyone) < 2:
            break
        # The demo accounts receive some, so a visitor sees praise on their profile.
        recipient = named[i % len(named)] if named and i % 2 == 0 else None
        author_id, other_id = rng.sample(everyone, 2)
        author = User.objects.get(pk=author_id)
        if recipient is None or recipient.pk == author.pk:
            recipient = User.objects.get(pk=other_id)
        praise_create(author=author, recipient=recipient, value=values[i % 3], message=message)
        made += 1
    ctx.counts["praise"] = made


def create_participation(ctx: DemoContext) -> None:
    create_polls(ctx)
    create_questions(ctx)
    create_praise(ctx)


def create_polls(ctx: DemoContext) -> None:
    rng = ctx.rng("participation")
    everyone = list(User.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True))
    made = 0
    for username, where, question, options, settings, voters, closed in POLLS:
        plan = ctx.accounts.get(username)
        if plan is None or plan.user is None:
            continue
        author = plan.user
        community = None
        pool = everyone
        if where is not None:
            if where >= len(ctx.communities):
                continue
            community = ctx.communities[where]
            pool = list(
                Membership.objects.filter(community=community)
                .order_by("user_id")
                .values_list("user_id", flat=True)
            )
            if not pool:
                continue
            if author.pk not in pool:
                # Only members ask in a community: then one of them asks.
                author = User.objects.get(pk=pool[0])
        poll = poll_create(
            author=author,
            question=question,
            options=options,
            community=community,
            closes_at=ctx.now + timedelta(days=rng.randint(3, 10)),
            **settings,
        )
        ids = list(poll.options.values_list("pk", flat=True))
        chosen_people = User.objects.filter(pk__in=rng.sample(pool, min(voters, len(pool))))
        for person in chosen_people:
            if poll.kind == Poll.Kind.MULTIPLE:
                picks = rng.sample(ids, rng.randint(1, poll.max_choices))
            else:
                # A little skew, so the bars differ.
                picks = [ids[min(int(rng.expovariate(0.9)), len(ids) - 1)]]
            poll_vote(poll=poll, voter=person, option_ids=picks)
        if closed:
            Poll.objects.filter(pk=poll.pk).update(closes_at=ctx.now - timedelta(days=2))
        made += 1
    ctx.counts["polls"] = made


def create_chat_polls(ctx: DemoContext) -> None:
    """A named poll in the chat channel "Allgemein" (after the chat phase): its members
    vote, as in a post."""
    rng = ctx.rng("participation.chat")
    channel = Channel.objects.filter(name="Allgemein").order_by("pk").first()
    if channel is None:
        return
    members = list(
        ChannelMember.objects.filter(channel=channel)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )
    if len(members) < 2:
        return
    author = User.objects.get(pk=members[0])
    poll = chat_poll_create(
        author=author,
        channel=channel,
        question="Sommerfest: Welcher Freitag im Juni passt euch am besten?",
        options=["6. Juni", "13. Juni", "20. Juni"],
        closes_at=ctx.now + timedelta(days=5),
    )
    ids = list(poll.options.values_list("pk", flat=True))
    for person in User.objects.filter(pk__in=rng.sample(members, min(8, len(members)))):
        poll_vote(poll=poll, voter=person, option_ids=[rng.choice(ids)])
    ctx.counts["chat polls"] = 1
