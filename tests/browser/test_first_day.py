"""A new employee's first day in a real Chromium: the checklist on the start page, its
buttons, a notification preset, the one-form profile, and hiding the checklist; axe-core on
every page of the flow at desktop and phone width."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from playwright.sync_api import Page, expect

from hanse.communities.models import Community
from hanse.communities.services import membership_join
from hanse.notifications.services import preferences_preset_apply
from hanse.onboarding.models import FirstDayChecklist
from hanse.people.models import Follow, User
from hanse.people.services import avatar_set, follow, orgunit_update, profile_update
from hanse.posts.services.posts import post_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def first_day(make_user: Callable[..., Any], make_community: Callable[..., Any], org: Any) -> Any:
    """Nele starts today in the Mölln branch: a manager, two colleagues, two communities."""
    boss = make_user("bernd", first_name="Bernd", last_name="Zander", org_unit=org["moelln"])
    orgunit_update(unit=org["moelln"], manager=boss)
    colleagues = [
        make_user(name, first_name=name.capitalize(), last_name="Albers", org_unit=org["moelln"])
        for name in ("jana", "tim")
    ]
    nele = make_user("nele", first_name="Nele", last_name="Neumann", org_unit=org["moelln"])
    branch = make_community(owner=boss, name="Filiale Mölln", members=tuple(colleagues))
    everyone = make_community(owner=boss, name="Hilfe und Feedback")
    make_community(Community.Kind.SECRET, owner=boss, name="Geheimprojekt")
    return {"nele": nele, "boss": boss, "branch": branch, "everyone": everyone}


def _photo(tmp_path: Path) -> Path:
    target = tmp_path / "nele.png"
    Image.new("RGB", (200, 200), (11, 110, 115)).save(target, format="PNG")
    return target


def test_first_day_checklist_flow(
    first_day: Any,
    new_page: Callable[..., Page],
    login: Callable[..., None],
    axe_check: Callable[..., list[dict[str, Any]]],
    tmp_path: Path,
) -> None:
    """From 0 of 6 to a hidden checklist: follow, join, preset, profile with photo, hide."""
    nele = first_day["nele"]
    page = new_page()
    login(page, nele)
    page.goto(reverse("home:index"))
    checklist = page.get_by_role("region", name="Your first steps in Hanse")
    expect(checklist).to_contain_text("0 of 6 steps done")
    expect(checklist).not_to_contain_text("Geheimprojekt")
    axe_check(page)

    # Only the next step is unfolded; the others open from their titles.
    expect(checklist.get_by_role("link", name="Upload your photo")).to_be_visible()
    expect(checklist.get_by_role("button", name="Follow Bernd Zander")).to_be_hidden()
    checklist.get_by_text("Follow colleagues").click()
    # Follow the manager, suggested first, and come back to the checklist.
    expect(checklist.get_by_text("Your manager", exact=True)).to_be_visible()
    checklist.get_by_role("button", name="Follow Bernd Zander").click()
    expect(page).to_have_url(re.compile(r"/#first-day$"))
    expect(page.get_by_text("You now follow Bernd Zander.")).to_be_visible()
    assert Follow.objects.filter(follower=nele, followee=first_day["boss"]).exists()
    checklist = page.get_by_role("region", name="Your first steps in Hanse")
    expect(checklist).to_contain_text("1 of 3")

    # The branch's community comes first: its colleagues are in it.
    checklist.get_by_text("Join a few communities").click()
    suggestions = checklist.locator(".first-day__suggestions").first.get_by_role("link")
    expect(suggestions.first).to_have_text("Filiale Mölln")
    checklist.get_by_role("button", name="Join Filiale Mölln").click()
    checklist = page.get_by_role("region", name="Your first steps in Hanse")
    expect(checklist).to_contain_text("1 of 2")

    # A notification preset in one click.
    checklist.get_by_text("Choose how Hanse keeps you informed").click()
    checklist.get_by_role("link", name="Notification settings").click()
    expect(page.get_by_text("Your current setting:")).to_contain_text("Balanced")
    axe_check(page)
    page.get_by_role("button", name="Only what matters").click()
    expect(page.get_by_text("Your current setting:")).to_contain_text("Only what matters")
    expect(page.get_by_role("button", name="Only what matters")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(page.get_by_label("Comments on my posts: E-mail")).not_to_be_checked()

    # The profile: one form, photo included.
    page.goto(reverse("home:index"))
    page.get_by_text("Say what you do and know").click()
    page.get_by_role("link", name="Complete your profile").click()
    expect(page).to_have_url(re.compile(r"/people/me/edit/#about-heading$"))
    page.get_by_label("About me").fill("Seit heute in der Filiale Mölln.")
    page.get_by_label("Skills", exact=True).fill("Kasse, Kundenservice")
    page.get_by_label("Ask me about").fill("Plattdeutsch")
    page.get_by_label("First name").fill("")
    page.get_by_label("New photo").set_input_files(str(_photo(tmp_path)))
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("alert")).to_contain_text("Nothing has been saved yet.")
    expect(page.get_by_label("About me")).to_have_value("Seit heute in der Filiale Mölln.")
    expect(page.locator("#id_photo_errors")).to_contain_text("Please choose it again")
    axe_check(page)
    page.get_by_label("First name").fill("Nele")
    page.get_by_label("New photo").set_input_files(str(_photo(tmp_path)))
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Your profile has been saved.")).to_be_visible()

    page.goto(reverse("home:index"))
    checklist = page.get_by_role("region", name="Your first steps in Hanse")
    expect(checklist).to_contain_text("3 of 6 steps done")
    expect(page.locator("#first-day-bar")).to_have_attribute("value", "3")

    # Hide it (htmx swaps in a note); it stays away after a reload.
    checklist.get_by_role("button", name="Hide checklist").click()
    expect(page.get_by_role("status").filter(has_text="The checklist is hidden.")).to_be_visible()
    assert FirstDayChecklist.objects.get(user=nele).dismissed_at is not None
    page.reload()
    expect(page.get_by_role("region", name="Your first steps in Hanse")).to_have_count(0)
    # Still reachable from the account menu.
    page.goto(reverse("onboarding:first_day"))
    expect(page.get_by_role("region", name="Your first steps in Hanse")).to_contain_text(
        "3 of 6 steps done"
    )


@pytest.mark.parametrize("url_name", ["home:index", "onboarding:first_day"])
def test_checklist_on_a_phone(
    url_name: str,
    first_day: Any,
    new_page: Callable[..., Page],
    login: Callable[..., None],
    axe_check: Callable[..., list[dict[str, Any]]],
) -> None:
    """At 390 px the checklist fits, nothing scrolls sideways, axe finds nothing serious."""
    page = new_page(phone=True)
    login(page, first_day["nele"])
    page.goto(reverse(url_name))
    expect(page.get_by_role("region", name="Your first steps in Hanse")).to_be_visible()
    scroll, inner = page.evaluate("() => [document.documentElement.scrollWidth, innerWidth]")
    assert scroll <= inner
    axe_check(page)


def test_everything_done_congratulates_once(
    first_day: Any,
    page: Page,
    login: Callable[..., None],
) -> None:
    """The last step done: one congratulation, then the start page is back to normal."""
    nele = first_day["nele"]
    out = io.BytesIO()
    Image.new("RGB", (64, 64), (1, 2, 3)).save(out, format="PNG")
    avatar_set(user=nele, upload=SimpleUploadedFile("n.png", out.getvalue(), "image/png"))
    profile_update(user=nele, by=nele, about="Moin", skills=["Kasse"], ask_me_about=["Platt"])
    membership_join(community=first_day["branch"], user=nele)
    membership_join(community=first_day["everyone"], user=nele)
    for other in User.objects.exclude(pk=nele.pk)[:3]:
        follow(follower=nele, followee=other)
    preferences_preset_apply(user=nele, preset="balanced")
    post_create(author=nele, body="Moin, ich bin Nele!")

    login(page, nele)  # signing in lands on the start page
    expect(page).to_have_url(re.compile(r"/$"))
    done = page.get_by_role("heading", name="Well done: you have arrived in Hanse!")
    expect(done).to_be_visible()
    page.reload()
    expect(page.locator("#first-day")).to_have_count(0)
