"""Two people with content in every app that stores something about a person: Anna, whose
data is exported, and Zoe, whose content sits in the same places and must never appear in
Anna's export."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from hanse.communities.models import Community
from hanse.people.models import User

# What is Zoe's: none of it may appear anywhere in Anna's archive.
ZOE = {
    "username": "zfremdling",
    "first_name": "Zoraida",
    "last_name": "Fremdlinger",
    "email": "zoraida.fremdlinger@elsewhere.example",
}
ZOE_TEXTS = (
    "FREMD-POST-7c1",
    "FREMD-KOMMENTAR-7c2",
    "FREMD-NACHRICHT-7c3",
    "FREMD-DIREKT-7c4",
    "FREMD-ANDERES-7c5",
    "FREMD-LOB-7c6",
    "FREMD-IDEE-7c7",
    "FREMD-EINWAND-7c8",
    "FREMD-ZIEL-7c9",
    "FREMD-SEITE-7ca",
    "FREMD-MELDUNG-7cb",
    "FREMD-DATEI-7cc",
    "FREMD-FRAGE-7cd",
)
# What is Anna's: each must be in her archive.
ANNA_TEXTS = (
    "MEIN-POST-a01",
    "MEIN-KOMMENTAR-a02",
    "MEINE-NACHRICHT-a03",
    "MEINE-DIREKTE-a04",
    "MEIN-EVENT-a05",
    "MEINE-IDEE-a06",
    "MEIN-VORSCHLAG-a07",
    "MEIN-EINWAND-a08",
    "MEIN-ZIEL-a09",
    "MEINE-SEITE-a0a",
    "MEINE-MELDUNG-a0b",
    "MEINE-FRAGE-a0c",
    "MEIN-ANDERES-a0d",
)
ANNA_FILE = b"MEINE-DATEI-INHALT-a0e"
ANNA_LIBRARY_FILE = b"MEINE-BIBLIOTHEK-a0f"
# Anna's choice in an anonymous poll: unlinkable by design, so never in her export.
ANONYMOUS_CHOICE = "GEHEIME-WAHL-a10"
TOTP_SECRET = "TOTPSECRETJBSWY3DPEHPK3PXP"
# Anna's id: a number no other row holds by chance, so the erasure test can look for it in
# every integer column.
ANNA_ID = 987_654


@dataclass
class World:
    anna: User
    zoe: User
    community: Community


def read_zip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def _text_file(name: str, body: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, body, content_type="text/plain")


@pytest.fixture
def world(
    make_user: Callable[..., User],
    make_community: Callable[..., Community],
    org: dict[str, Any],
    django_capture_on_commit_callbacks: Any,
) -> World:
    from allauth.mfa.models import Authenticator

    from hanse.audit.services import record
    from hanse.chat.services.channels import community_channel_ensure, dm_open
    from hanse.chat.services.messages import message_post
    from hanse.circles.models import CircleRound, SignUp, SignUpWish
    from hanse.decisions.models import Response
    from hanse.decisions.services import proposal_create, proposal_respond
    from hanse.events.models import Rsvp
    from hanse.events.services.events import event_create
    from hanse.files.services import files_upload
    from hanse.ideas.models import IdeaSupport
    from hanse.ideas.services import idea_create
    from hanse.moderation.services import report_create
    from hanse.participation.models import PraiseValue, TownHall, TownHallQuestion
    from hanse.participation.praise import praise_create
    from hanse.participation.services import poll_create, poll_vote
    from hanse.people.models import Skill
    from hanse.posts.models import Reaction
    from hanse.posts.services.comments import comment_create
    from hanse.posts.services.posts import post_create
    from hanse.wiki.models import WikiSettings
    from hanse.wiki.services import page_create

    anna = make_user(
        "annab",
        id=ANNA_ID,
        first_name="Anna",
        last_name="Becker",
        email="anna.becker@sparkasse.example",
        org_unit=org["it_ops"],
        location=org["head_office"],
        about="Ich mag Kredite",
    )
    anna.skills.add(Skill.objects.create(name="Baufinanzierung"))
    zoe = make_user(**ZOE)
    community = make_community(Community.Kind.OPEN, owner=anna, name="Kreditrunde", members=(zoe,))
    soon = timezone.now() + timedelta(days=3)

    with django_capture_on_commit_callbacks(execute=True):
        # posts, comments, reactions, a file
        mine = post_create(
            author=anna,
            body=ANNA_TEXTS[0],
            community=community,
            files=[_text_file("notiz.txt", ANNA_FILE)],
        )
        theirs = post_create(author=zoe, body=ZOE_TEXTS[0], community=community)
        comment_create(post=theirs, author=anna, body=ANNA_TEXTS[1])
        comment_create(post=mine, author=zoe, body=ZOE_TEXTS[1])
        Reaction.objects.create(user=anna, post=theirs, kind="like")
        Reaction.objects.create(user=zoe, post=mine, kind="celebrate")
        # chat: the same channel, and a direct conversation
        channel = community_channel_ensure(community=community, user=anna)
        community_channel_ensure(community=community, user=zoe)
        message_post(channel=channel, author=anna, body=ANNA_TEXTS[2])
        message_post(channel=channel, author=zoe, body=ZOE_TEXTS[2])
        dm, _new = dm_open(by=zoe, people=[anna])
        message_post(channel=dm, author=zoe, body=ZOE_TEXTS[3])
        message_post(channel=dm, author=anna, body=ANNA_TEXTS[3])
        # events
        event = event_create(
            by=anna,
            title=ANNA_TEXTS[4],
            description="Treffen",
            start=soon,
            end=soon + timedelta(hours=1),
        )
        Rsvp.objects.create(event=event, occurrence=event.start, user=zoe, status="going")
        Rsvp.objects.create(event=event, occurrence=event.start, user=anna, status="going")
    with django_capture_on_commit_callbacks(execute=True):
        # polls: a named one and an anonymous one, both people vote in both
        named = poll_create(
            author=zoe,
            question="Mittag?",
            options=["Ja", "Nein"],
            allow_other=True,
            community=community,
        )
        poll_vote(poll=named, voter=anna, option_ids=[], other_text=ANNA_TEXTS[12])
        poll_vote(poll=named, voter=zoe, option_ids=[], other_text=ZOE_TEXTS[4])
        secret = poll_create(
            author=zoe,
            question="Geheim?",
            options=[ANONYMOUS_CHOICE, "Anderes"],
            anonymous=True,
            community=community,
        )
        secret_options = list(secret.options.order_by("position"))
        poll_vote(poll=secret, voter=anna, option_ids=[secret_options[0].pk])
        poll_vote(poll=secret, voter=zoe, option_ids=[secret_options[1].pk])
        # praise both ways
        value = PraiseValue.objects.create(name="Mut-Test")
        praise_create(author=zoe, recipient=anna, value=value, message=ZOE_TEXTS[5])
        praise_create(author=anna, recipient=zoe, value=value, message="Danke dir")
        # town hall questions
        hall = TownHall.objects.create(
            title="Fragestunde", starts_at=soon, ends_at=soon + timedelta(hours=1), created_by=zoe
        )
        TownHallQuestion.objects.create(townhall=hall, body=ANNA_TEXTS[11], author=anna)
        TownHallQuestion.objects.create(townhall=hall, body=ZOE_TEXTS[12], author=zoe)
        # ideas
        idea_create(author=anna, title=ANNA_TEXTS[5], description="x", community=community)
        other_idea = idea_create(
            author=zoe, title=ZOE_TEXTS[6], description="y", community=community
        )
        IdeaSupport.objects.create(idea=other_idea, user=anna)
        # decisions: Anna proposes, both respond
        proposal = proposal_create(
            proposer=anna,
            community=community,
            title=ANNA_TEXTS[6],
            text="Wir probieren es aus",
            deadline=soon,
        )
        proposal_respond(
            proposal=proposal, user=anna, kind=Response.Kind.CONCERN, reason=ANNA_TEXTS[7]
        )
        proposal_respond(
            proposal=proposal, user=zoe, kind=Response.Kind.OBJECTION, reason=ZOE_TEXTS[7]
        )
        # circles: both sign up; Zoe would rather not be with Anna (her private word)
        round_ = CircleRound.objects.create(
            name="Frühjahr",
            signup_closes=timezone.localdate() + timedelta(days=7),
            starts_on=timezone.localdate() + timedelta(days=14),
        )
        SignUp.objects.create(round=round_, user=anna, goal=ANNA_TEXTS[8], slots=[1])
        zoe_signup = SignUp.objects.create(round=round_, user=zoe, goal=ZOE_TEXTS[8], slots=[1])
        SignUpWish.objects.create(signup=zoe_signup, other=anna, kind="without")
        # wiki
        WikiSettings.objects.update_or_create(
            community=community, defaults={"edit_policy": WikiSettings.EditPolicy.MEMBERS}
        )
        page_create(by=anna, community=community, title=ANNA_TEXTS[9], body="Inhalt")
        page_create(by=zoe, community=community, title=ZOE_TEXTS[9], body="Inhalt")
        # file library
        files_upload(
            by=anna, community=community, files=[_text_file("mein.txt", ANNA_LIBRARY_FILE)]
        )
        files_upload(
            by=zoe, community=community, files=[_text_file("fremd.txt", ZOE_TEXTS[11].encode())]
        )
        # moderation: each reports the other's post
        report_create(
            reporter=anna, kind="post", object_id=theirs.pk, category="other", text=ANNA_TEXTS[10]
        )
        report_create(
            reporter=zoe, kind="post", object_id=mine.pk, category="other", text=ZOE_TEXTS[10]
        )
    # guest invitations: one to Anna's address (from Zoe), one Anna sent to a partner
    from hanse.guests.models import GuestInvitation

    later = timezone.now() + timedelta(days=14)
    GuestInvitation.objects.create(
        email=anna.email,
        organisation="Sparkasse Nachbarstadt",
        community=community,
        invited_by=zoe,
        token_hash="a" * 64,
        expires_at=later,
        access_until=later,
    )
    GuestInvitation.objects.create(
        email="partner@nachbar.example",
        organisation="Sparkasse Nachbarstadt",
        community=community,
        invited_by=anna,
        token_hash="b" * 64,
        expires_at=later,
        access_until=later,
    )
    # identity and audit
    Authenticator.objects.create(user=anna, type="totp", data={"secret": TOTP_SECRET})
    record("auth.login", actor=anna)
    record("auth.login", actor=zoe)
    return World(anna=anna, zoe=zoe, community=community)
