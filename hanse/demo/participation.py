"""Participation: named and anonymous polls, open and closed, company-wide and in communities.

Few polls, so they are written through the services (the same validation and the same
anonymity as a person's vote); closed polls are closed by moving their end into the past.
"""

from __future__ import annotations

from datetime import timedelta

from hanse.communities.models import Membership
from hanse.demo.context import DemoContext
from hanse.participation.models import Poll
from hanse.participation.services import poll_create, poll_vote
from hanse.people.models import User

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


def create_participation(ctx: DemoContext) -> None:
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
