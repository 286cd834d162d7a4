"""The demo organisation: a fictional regional savings bank, generated reproducibly from a seed.

One module per domain adds its part in a phase (``org``, ``people``, ``communities`` ...);
a later domain appends its phase to ``PHASES``. Each phase draws from a random source of its
own (``ctx.rng(name)``), so adding one never changes what the others produce.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from hanse.demo import (
    chat,
    circles,
    communities,
    documents,
    events,
    notifications,
    onboarding,
    org,
    participation,
    people,
    posts,
)
from hanse.demo.analytics import create_analytics
from hanse.demo.context import SIZES, DemoContext, ProgressFactory, SizeSpec, no_progress
from hanse.demo.data import DEMO_USERNAMES, MAIL_DOMAIN
from hanse.demo.ideas import create_ideas
from hanse.demo.knowledge import create_knowledge
from hanse.demo.townhalls import create_townhalls

__all__ = [
    "DEFAULT_PASSWORD",
    "DEMO_USERNAMES",
    "MAIL_DOMAIN",
    "PHASES",
    "SIZES",
    "DemoContext",
    "SizeSpec",
    "demo_password",
    "generate",
]

DEFAULT_PASSWORD = "hanse-demo"  # noqa: S105 - the documented password of the demo

Phase = Callable[[DemoContext], None]
PHASES: list[tuple[str, Phase]] = [
    ("org", org.create_org),
    ("people", people.create_people),
    ("follows", people.create_follows),
    ("communities", communities.create_communities),
    ("posts", posts.create_posts),
    ("events", events.create_events),
    ("documents", documents.create_documents),
    ("participation", participation.create_participation),
    ("chat", chat.create_chat),
    # A poll in a chat message (issue 16): after the channels exist.
    ("chat polls", participation.create_chat_polls),
    ("knowledge", create_knowledge),
    ("circles", circles.create_circles),
    ("notifications", notifications.create_notifications),
    ("new starter", onboarding.create_new_starter),
    # Town halls (issue 16): one past with answers, one upcoming with questions.
    ("townhalls", create_townhalls),
    # Ideas, experiments and consent decisions of the Connectoren (issue 17).
    ("ideas", create_ideas),
    # Network analytics (issue 19): on, with edges from the content above and the last
    # weeks and months computed, so the dashboard is not empty on the first day. Last: it
    # reads what the phases before wrote.
    ("analytics", create_analytics),
]


def demo_password(password: str | None = None) -> str:
    """The password of every demo account: given, else DEMO_PASSWORD, else "hanse-demo"."""
    return password or os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD


def generate(
    *,
    size: str,
    seed: int,
    password: str | None = None,
    progress: ProgressFactory = no_progress,
) -> DemoContext:
    """Create the demo organisation of the given size in one transaction."""
    spec = SIZES[size]
    ctx = DemoContext(
        spec=spec,
        seed=seed,
        # Hashed once: hashing 10,000 passwords one by one would take minutes.
        password_hash=make_password(demo_password(password)),
        now=timezone.now(),
        progress=progress,
    )
    with transaction.atomic():
        for _name, phase in PHASES:
            phase(ctx)
    return ctx
