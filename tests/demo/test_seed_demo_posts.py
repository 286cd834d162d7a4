"""Demo stream content: its texts render like the real ones, the bank size's compliance notice,
and the same seed gives the same stream. The tests that read the small bank are in
small_bank/test_stream.py."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Q

from hanse.core.text import render_markdown
from hanse.demo.posts import compile_fragment
from hanse.demo.posts_data import COMPLIANCE_TITLE, TOPICS
from hanse.people.models import User
from hanse.posts.models import Announcement, AnnouncementRead, Comment, Post, Reaction

pytestmark = pytest.mark.django_db


def seed(size: str = "small", seed_value: int = 1) -> None:
    call_command("seed_demo", size=size, seed=seed_value, stdout=io.StringIO(),
                 stderr=io.StringIO())  # fmt: skip


def test_every_paragraph_renders_like_the_whole():
    """Each demo paragraph compiles; filled, it renders exactly as render_markdown would."""
    values = {"town": "Bad Oldesloe", "first": "Jörg", "weekday": "Montag", "date": "3. Mai",
              "time": "16:30", "n": "7", "room": "Raum Trave", "m0": "anna.schmidt",
              "d0": "Anna Schmidt", "m1": "ben.weber", "d1": "Ben Weber"}  # fmt: skip
    people = {"anna.schmidt": "Anna Schmidt", "ben.weber": "Ben Weber"}
    for topic in TOPICS.values():
        paragraphs = [p for group in topic.groups for p in group if p]
        for text in [*paragraphs, *topic.tag_lines, *topic.comments]:
            source, html = compile_fragment(text).fill(values)
            assert html == render_markdown(source, mentions=people), text


@pytest.mark.heavy
def test_compliance_notice_is_confirmed_by_about_sixty_percent():
    """The must-read compliance notice is confirmed by ~60 %, not yet by the demo accounts."""
    seed("bank")
    notice = Announcement.objects.get(title=COMPLIANCE_TITLE)
    assert notice.must_read and notice.compliance_list_allowed and not notice.is_draft
    confirmed = AnnouncementRead.objects.filter(announcement=notice).exclude(confirmed_at=None)
    share = confirmed.count() / User.objects.count()
    assert 0.5 <= share <= 0.7
    assert not confirmed.filter(user__username="anna.schmidt").exists()
    assert Announcement.objects.filter(~Q(audience_units=None)).exists()
    author = notice.author
    assert author.has_perm("posts.publish_announcement")
    assert 5_000 <= Post.objects.count() <= 7_000
    assert 17_000 <= Comment.objects.count() <= 23_000
    assert 34_000 <= Reaction.objects.count() <= 46_000


def fingerprint() -> list[Any]:
    # Links to other objects carry their ids, which PostgreSQL's sequences do not give back
    # when a run is rolled back; the rest of the text must be the same.
    return [
        (author, community, re.sub(r"/\d+/", "/N/", body), comments, reactions)
        for author, community, body, comments, reactions in Post.objects.order_by("id").values_list(
            "author__username", "community__slug", "body", "comment_count", "reaction_count"
        )
    ]


def test_same_seed_same_stream():
    """One seed gives the same posts; another gives different ones."""
    runs = []
    for value in (3, 3, 4):
        with transaction.atomic():
            seed("small", value)
            runs.append(fingerprint())
            transaction.set_rollback(True)
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]
