"""Browser: respond to a proposal with an objection (its reason required), see it named;
the proposal, the logs and the form in German at four widths, axe-core on each."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from hanse.communities.models import Community
from hanse.decisions.models import Response
from hanse.decisions.services import (
    proposal_amend,
    proposal_create,
    proposal_decide,
    proposal_respond,
)
from hanse.people.models import User
from tests.browser.widths import look_at_widths

pytestmark = pytest.mark.django_db(transaction=True)

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover - the fixtures skip without Playwright
    expect = None  # type: ignore[assignment]


def test_objection_needs_reason_then_shows_named(
    new_page: Callable[..., Any],
    login: Callable[..., None],
    make_user: Callable[..., User],
    make_community: Callable[..., Community],
    axe_check: Callable[..., Any],
) -> None:
    anna, ben = make_user("anna"), make_user("ben")
    community = make_community("private", owner=anna, members=(ben,))
    proposal = proposal_create(
        proposer=anna,
        community=community,
        title="Teamtag im Mai",
        text="Wir machen am 12. Mai einen Teamtag.",
        deadline=timezone.now() + timedelta(days=3),
    )
    page = new_page(name="ben")
    login(page, ben)
    page.goto(f"/decisions/{proposal.pk}/")
    page.get_by_label("Objection").check()
    page.get_by_role("button", name="Send response").click()
    expect(page.locator(".errorlist").get_by_text("An objection needs a reason")).to_be_visible()
    assert not Response.objects.exists()
    page.get_by_label("Objection").check()
    page.get_by_label("Reason or note").fill("Am 12. Mai ist Quartalsabschluss.")
    page.get_by_role("button", name="Send response").click()
    expect(page.get_by_text("Your response is recorded.")).to_be_visible()
    expect(
        page.locator("#responses").get_by_text("Am 12. Mai ist Quartalsabschluss.")
    ).to_be_visible()
    expect(page.locator("#responses").get_by_text("Objection", exact=True)).to_be_visible()
    expect(page.get_by_text("Objection: 1")).to_be_visible()
    axe_check(page)


@pytest.mark.heavy
def test_screenshots(
    make_user: Callable[..., User],
    make_community: Callable[..., Community],
    axe_check: Callable[..., Any],
    german_page: Callable[..., Any],
) -> None:
    anna = make_user("anna", first_name="Anna", last_name="Schmidt", ui_language="de")
    people = [make_user(f"p{i}", first_name=n, last_name="Tester") for i, n in
              enumerate(["Jan", "Lea", "Tim"])]  # fmt: skip
    community = make_community("open", owner=anna, members=tuple(people), name="Connectoren")
    deadline = timezone.now() + timedelta(days=5)
    decided = proposal_create(
        proposer=anna, community=community, title="Connectoren-Café auf Donnerstag",
        text="Das Café findet donnerstags um 8:30 statt.", deadline=deadline,
        deciders=[anna, *people],
    )  # fmt: skip
    proposal_respond(proposal=decided, user=people[0], kind="objection",
                     reason="Um 8:30 sind die Filialen in der Vorbereitung.")  # fmt: skip
    proposal_respond(proposal=decided, user=people[1], kind="consent")
    proposal_amend(proposal=decided, by=anna, text="Donnerstags um 12:30.", note="Mittags")
    for person, kind in ((people[0], "concern"), (people[1], "consent"), (people[2], "consent"),
                         (anna, "consent")):  # fmt: skip
        proposal_respond(proposal=decided, user=person, kind=kind, reason="Passt so.")
    proposal_decide(proposal=decided, by=anna, outcome="adopted_with_changes",
                    statement="Ab April donnerstags 12:30.",
                    review_on=timezone.localdate() + timedelta(days=60))  # fmt: skip
    running = proposal_create(
        proposer=anna, community=community, title="Protokolle öffentlich im Wiki",
        text="Alle Protokolle stehen im Wiki.", background="Aus dem Feedback.", deadline=deadline,
        files=[SimpleUploadedFile("Protokoll-Vorlage mit langem Dateinamen 2026.pdf",
                                  b"%PDF-1.4\n%%EOF\n", "application/pdf")],
    )  # fmt: skip
    proposal_respond(proposal=running, user=people[0], kind="objection",
                     reason="Persönliche Themen gehören nicht ins Wiki.")  # fmt: skip
    proposal_respond(proposal=running, user=people[1], kind="abstain")
    proposal_amend(proposal=running, by=anna, text="Protokolle ohne persönliche Themen.",
                   note="Regel ergänzt")  # fmt: skip
    pages = (
        ("decision-log", "/decisions/"),
        ("decision-community-log", f"/decisions/c/{community.slug}/"),
        ("proposal-open", f"/decisions/{running.pk}/"),
        ("proposal-decided", f"/decisions/{decided.pk}/"),
        ("proposal-new", f"/decisions/new/?community={community.slug}"),
    )
    # One sign-in; each page is loaded once and then resized through the widths.
    page = german_page(anna)
    for name, url in pages:
        page.goto(url)
        look_at_widths(page, name, axe=axe_check)
    page.context.close()
