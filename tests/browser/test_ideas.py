"""Browser: post an idea, support it as another person, move it to an experiment, close the
experiment with lessons and find it in the log; pages at four widths, axe-core on each."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from hanse.communities.models import Community
from hanse.ideas.models import Experiment, Idea
from hanse.people.models import User
from tests.browser.widths import look_at_widths

pytestmark = pytest.mark.django_db(transaction=True)

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover - the fixtures skip without Playwright
    expect = None  # type: ignore[assignment]


def test_idea_to_experiment_to_log(
    new_page: Callable[..., Any],
    login: Callable[..., None],
    make_user: Callable[..., User],
    make_community: Callable[..., Community],
    axe_check: Callable[..., Any],
) -> None:
    anna, ben, mona = make_user("anna"), make_user("ben"), make_user("mona")
    community = make_community("open", owner=mona, members=(anna, ben), name="Connectoren")

    author = new_page(name="anna")
    login(author, anna)
    author.goto(f"/ideas/new/?community={community.slug}")
    author.get_by_label("Title").fill("Kontoauszüge nur noch digital")
    author.get_by_label("Description").fill("Papier sparen: Auszüge im Postfach statt per Post.")
    author.get_by_role("button", name="Post idea").click()
    expect(author.get_by_text("Your idea is posted.")).to_be_visible()
    axe_check(author)
    idea = Idea.objects.get()

    supporter = new_page(name="ben")
    login(supporter, ben)
    supporter.goto(f"/ideas/{idea.pk}/")
    supporter.get_by_role("button", name="Support this idea").click()
    expect(supporter.get_by_text("You support this idea.")).to_be_visible()
    expect(supporter.get_by_text("1 supporter", exact=True)).to_be_visible()
    assert Idea.objects.get().support_count == 1

    reviewer = new_page(name="mona")
    login(reviewer, mona)
    reviewer.goto(f"/ideas/{idea.pk}/")
    reviewer.get_by_label("New status").select_option("experiment")
    reviewer.get_by_label("Reason").fill("Wir probieren es drei Monate in Mölln aus.")
    reviewer.get_by_text("When it becomes an experiment").click()
    reviewer.get_by_label("Hypothesis (for an experiment)").fill(
        "Wenn wir Auszüge digital schicken, sinken die Portokosten um 20 %."
    )
    reviewer.get_by_role("button", name="Change status").click()
    expect(reviewer.get_by_role("heading", name="Close the experiment")).to_be_visible()
    axe_check(reviewer)
    experiment = Experiment.objects.get()
    reviewer.get_by_label("Refuted").check()
    reviewer.get_by_label("Lessons learned").fill(
        "Viele Ältere wollten weiter Papier; die Portokosten sanken nur um 4 %."
    )
    reviewer.get_by_label("Next step").select_option("another")
    reviewer.get_by_role("button", name="Close with these lessons").click()
    expect(reviewer.get_by_text("The experiment is closed.")).to_be_visible()
    assert Experiment.objects.get().result == "refuted"

    supporter.goto("/ideas/experiments/")
    row = supporter.locator(".experiment-row", has_text="Kontoauszüge nur noch digital")
    expect(row).to_be_visible()
    expect(row.get_by_text("Refuted")).to_be_visible()
    expect(row.get_by_text("Viele Ältere wollten weiter Papier")).to_be_visible()
    axe_check(supporter)
    supporter.goto("/notifications/")
    expect(supporter.get_by_text("You said, we did").first).to_be_visible()
    assert experiment.pk


@pytest.mark.heavy
def test_screenshots(
    make_user: Callable[..., User],
    make_community: Callable[..., Community],
    axe_check: Callable[..., Any],
    german_page: Callable[..., Any],
) -> None:
    """Every page of ideas and experiments in German at 390, 800, 1024 and 1280 px."""
    from hanse.ideas import services

    mona = make_user("mona", first_name="Mona", last_name="Petersen", ui_language="de")
    people = [make_user(f"p{i}", first_name=n, last_name="Tester") for i, n in
              enumerate(["Jan", "Lea", "Tim", "Ida"])]  # fmt: skip
    community = make_community("open", owner=mona, members=tuple(people), name="Connectoren")
    campaign = services.campaign_create(
        by=mona,
        community=community,
        question="Wie können unsere Filialen Papier sparen?",
        description="Jede Idee zählt, auch die kleine.",
        categories="Filiale, Zentrale",
        support_budget=5,
    )
    titles = ["Digitale Kontoauszüge", "Tablets am Schalter", "Doppelseitig drucken",
              "Papierlose Meetings", "Recyclingpapier", "QR-Codes statt Flyer"]  # fmt: skip
    ideas = [
        services.idea_create(
            author=people[i % 4], campaign=campaign, title=t, description=f"{t}: so geht es."
        )
        for i, t in enumerate(titles)
    ]
    for i, idea in enumerate(ideas):
        for person in people[: i % 4]:
            if person.pk != idea.author_id:
                services.idea_support(idea=idea, user=person)
    for idea, status in zip(ideas[1:], ["under_review", "adopted", "not_adopted", "parked"],
                            strict=False):  # fmt: skip
        services.idea_status_change(idea=idea, by=mona, to_status=status, reason="Begründung.")
    services.idea_comment(idea=ideas[0], author=people[1], body="Gute Idee, machen wir!")
    services.idea_status_change(
        idea=ideas[5], by=mona, to_status="experiment", reason="Testen.",
        hypothesis="Wenn wir QR-Codes nutzen, drucken wir 50 % weniger Flyer.",
    )  # fmt: skip
    running = Experiment.objects.get()
    services.experiment_update_post(experiment=running, author=mona, body="Woche 1: 30 % weniger")
    services.experiment_edit(
        experiment=running, by=mona, plan="Erst Mölln, dann Ratzeburg.", starts_on=None,
        ends_on=timezone.localdate() + timedelta(days=45), team=[people[0], people[1]],
    )  # fmt: skip
    own = services.idea_create(
        author=mona, campaign=campaign, title="Sitzungsunterlagen nur noch digital",
        description="Unterlagen vorab im Wiki statt ausgedruckt.", coauthors=people[1:3],
        files=[SimpleUploadedFile("Kostenschätzung Druck und Papier 2026.pdf",
                                  b"%PDF-1.4\n%%EOF\n", "application/pdf")],
    )  # fmt: skip
    # One colleague accepted, the other has not answered: the author sees both.
    services.idea_coauthor_respond(idea=own, user=people[1], accept=True)
    # Jan invited Mona to write his idea: she sees the invitation on it and on its own page.
    services.idea_coauthors_set(idea=ideas[0], by=people[0], coauthors=[mona])
    services.idea_support(idea=ideas[0], user=mona)
    closed = services.experiment_create(
        owner=mona, community=community, title="Stehungen statt Sitzungen",
        hypothesis="Wenn wir im Stehen tagen, sind Meetings 20 % kürzer.",
    )  # fmt: skip
    services.experiment_close(
        experiment=closed, by=mona, result="refuted",
        lessons="Die Meetings wurden nicht kürzer, aber lebhafter.", next_step="stop",
    )  # fmt: skip
    shared = services.experiment_create(
        owner=mona, community=community, title="Kurze Wege im Intranet",
        hypothesis="Wenn die Startseite Ideen zeigt, kommen mehr Ideen.",
    )  # fmt: skip
    services.experiment_close(
        experiment=shared, by=mona, result="confirmed", lessons="Doppelt so viele Ideen."
    )
    services.experiment_share(experiment=shared, by=mona, note="Es hat funktioniert!")
    pages = (
        ("idea-own", f"/ideas/{own.pk}/"),
        ("idea-edit", f"/ideas/{own.pk}/edit/"),
        ("experiment-edit", f"/ideas/experiments/{running.pk}/edit/"),
        ("experiment-shared", f"/ideas/experiments/{shared.pk}/"),
        ("ideas", "/ideas/"),
        ("idea", f"/ideas/{ideas[0].pk}/"),
        ("invitation", f"/ideas/{ideas[0].pk}/invitation/"),
        ("idea-new", f"/ideas/new/?community={community.slug}"),
        ("campaign", f"/ideas/campaigns/{campaign.pk}/"),
        ("campaign-new", "/ideas/campaigns/new/"),
        ("board", f"/ideas/board/?campaign={campaign.pk}"),
        ("log", "/ideas/experiments/"),
        ("experiment-running", f"/ideas/experiments/{running.pk}/"),
        ("experiment-closed", f"/ideas/experiments/{closed.pk}/"),
        ("experiment-new", "/ideas/experiments/new/"),
    )
    # One sign-in; each page is loaded once and then resized through the widths.
    page = german_page(mona)
    for name, url in pages:
        page.goto(url)
        look_at_widths(page, name, axe=axe_check)
    page.context.close()
