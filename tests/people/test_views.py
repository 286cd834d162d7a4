"""People pages: directory, profile, editing, photo, follow, org chart, unit pages."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from hanse.people.models import Follow, User
from hanse.people.services import follow, orgunit_update, profile_update


@pytest.fixture
def people(org, make_user):
    anna = make_user(
        "anna",
        first_name="Anna",
        last_name="Becker",
        job_title="Kundenberaterin",
        org_unit=org["moelln"],
        location=org["moelln_location"],
        phone="+49 4542 123",
        email="anna@example.org",
    )
    ben = make_user(
        "ben",
        first_name="Ben",
        last_name="Krüger",
        job_title="Systemadministrator",
        org_unit=org["it_ops"],
        location=org["head_office"],
    )
    profile_update(
        user=ben,
        by=ben,
        skills=["Linux", "Python"],
        ask_me_about=["Netzwerke"],
        languages=["de", "en"],
        about="Ich betreue die Server.",
    )
    orgunit_update(unit=org["it_ops"], manager=anna)
    return {"anna": anna, "ben": ben}


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (300, 200), (10, 120, 200)).save(out, format="PNG")
    return out.getvalue()


@pytest.mark.parametrize(
    "url",
    [
        "/people/",
        "/people/?q=ben&unit=it-und-organisation&location=1&skill=python",
        "/people/org/",
        "/people/org/it-betrieb/",
        "/people/me/edit/",
        "/people/ben/",
        "/people/anna/",
    ],
)
def test_pages_render_for_signed_in_user(people, client_for, url):
    """Every people page answers 200 with one h1."""
    response = client_for(people["anna"]).get(url)
    assert response.status_code == 200
    assert response.content.decode().count("<h1") == 1


@pytest.mark.parametrize(
    "url",
    ["/people/", "/people/org/", "/people/org/it-betrieb/", "/people/me/edit/", "/people/ben/"],
)
def test_anonymous_is_redirected_to_login(people, client_for, url):
    """Nothing about people is visible without signing in."""
    response = client_for(None).get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_unknown_and_inactive_profiles_are_404(people, client_for, make_user):
    """Unknown and deactivated people are not found; unknown units neither."""
    make_user("gone", is_active=False)
    client = client_for(people["anna"])
    assert client.get("/people/gone/").status_code == 404
    assert client.get("/people/nobody/").status_code == 404
    assert client.get("/people/org/nowhere/").status_code == 404


def test_directory_search_and_count(people, client_for):
    """The directory finds by skill and shows the count and cards."""
    response = client_for(people["anna"]).get("/people/", {"q": "python"})
    html = response.content.decode()
    assert "1 person found" in html
    assert "Ben Krüger" in html
    assert "Anna Becker" not in html


def test_directory_filters_by_skill_slug_and_unknown_skill(people, client_for):
    """A skill chip link filters by slug; an unknown skill finds nobody."""
    client = client_for(people["anna"])
    html = client.get("/people/", {"skill": "python"}).content.decode()
    assert "1 person found" in html
    html = client.get("/people/", {"skill": "Quantenphysik"}).content.decode()
    assert "0 people found" in html


def test_directory_unit_filter_includes_subtree(people, client_for):
    """The unit filter includes sub-units; an unknown unit is ignored."""
    client = client_for(people["anna"])
    html = client.get("/people/", {"unit": "it-und-organisation"}).content.decode()
    assert "Ben Krüger" in html
    assert "Anna Becker" not in html
    html = client.get("/people/", {"unit": "nope"}).content.decode()
    assert "2 people found" in html


def test_directory_paginates(org, make_user, client_for, settings):
    """24 people a page; the second page holds the rest, with the filters kept in links."""
    settings.DIRECTORY_PAGE_SIZE = 24
    people = [make_user(f"p{n:02d}", last_name=f"Nachname{n:02d}") for n in range(30)]
    client = client_for(people[0])
    page1 = client.get("/people/", {"q": "nachname"}).content.decode()
    assert "30 people found" in page1
    assert page1.count('class="person-card"') == 24
    assert "q=nachname&amp;page=2" in page1
    page2 = client.get("/people/", {"q": "nachname", "page": 2}).content.decode()
    assert page2.count('class="person-card"') == 6
    assert "Page 2 of 2" in page2


def test_directory_htmx_returns_partial(people, client_for):
    """Live search gets only the results."""
    response = client_for(people["anna"]).get(
        "/people/", {"q": "ben"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="directory-results"
    )
    html = response.content.decode()
    assert "<html" not in html
    assert "Ben Krüger" in html


def test_directory_query_count(org, make_user, client_for, django_assert_max_num_queries):
    """The directory page costs a fixed number of queries for a full page."""
    for n in range(30):
        p = make_user(f"p{n}", org_unit=org["it_ops"], location=org["head_office"])
        profile_update(user=p, by=p, skills=[f"Skill {n}"])
    client = client_for(p)
    # session, user, count, unit options, location options, page, skills, bell, chat badge,
    # the badges apps above people add (hanse/people/badges.py: one query per page)
    with django_assert_max_num_queries(10):
        response = client.get("/people/", {"q": "p"})
    assert response.status_code == 200
    assert "Skill " in response.content.decode()


def test_unit_page_query_count(org, make_user, client_for, django_assert_max_num_queries):
    """A unit page with a full page of members costs a fixed number of queries."""
    for n in range(30):
        p = make_user(f"p{n}", org_unit=org["it_ops"], location=org["head_office"])
        profile_update(user=p, by=p, skills=[f"Skill {n}"])
    client = client_for(p)
    with django_assert_max_num_queries(12):
        response = client.get("/people/org/it-betrieb/")
    assert response.status_code == 200


def test_org_chart_query_count(org, make_user, client_for, django_assert_max_num_queries):
    """The org chart costs a fixed number of queries whatever the tree size."""
    from hanse.people.models import OrgUnit
    from hanse.people.services import orgunit_create

    boss = make_user("boss")
    for n in range(20):
        unit = orgunit_create(
            name=f"Team {n}", kind=OrgUnit.Kind.TEAM, parent=org["it_ops"], manager=boss
        )
        make_user(f"m{n}", org_unit=unit)
    client = client_for(boss)
    # session, user, units with managers, headcounts, bell, chat badge
    with django_assert_max_num_queries(6):
        response = client.get("/people/org/")
    html = response.content.decode()
    assert html.count('class="orgtoggle"') == 4  # only units with sub-units get a toggle
    assert "Team 19" in html
    link = f'<a class="orgnode__manager" href="/people/boss/">{boss.display_name}</a>'
    assert f"Manager: {link}" in html


def test_org_chart_links_units_and_managers_and_offers_a_filter(org, make_user, client_for):
    """Every unit and every manager is a link; the filter and expand/collapse are there for
    JavaScript to reveal (without it the tree is simply open)."""
    from hanse.people.services import orgunit_update

    boss = make_user("chefin", first_name="Clara", last_name="Chef", org_unit=org["moelln"])
    orgunit_update(unit=org["moelln"], manager=boss)
    html = client_for(boss).get("/people/org/").content.decode()
    assert 'href="/people/chefin/">Clara Chef</a>' in html
    assert 'href="/people/org/filiale-molln/"' in html
    assert '<div class="orgchart-tools" data-orgchart-tools hidden>' in html
    assert '<label for="org-filter">Find a unit or manager</label>' in html
    assert 'data-org-expand="all"' in html and 'data-org-expand="none"' in html
    assert "people/orgchart.js" in html


def test_org_chart_is_nested_and_top_levels_open(people, client_for):
    """Units appear as a nested tree with toggles, the first two levels open, with counts."""
    html = client_for(people["anna"]).get("/people/org/").content.decode()
    assert 'class="orgtoggle" aria-expanded="true"' in html
    assert 'data-collapsed="false"' in html
    assert 'href="/people/org/it-betrieb/"' in html
    assert "2 people in total" in html


def test_unit_page_lists_people_and_sub_units(people, client_for):
    """A unit page shows its members, manager and sub-units."""
    html = client_for(people["ben"]).get("/people/org/it-und-organisation/").content.decode()
    assert "IT-Betrieb" in html
    assert 'href="/people/org/sparkasse-hanse/"' in html
    html = client_for(people["ben"]).get("/people/org/it-betrieb/").content.decode()
    assert "Ben Krüger" in html
    assert "Anna Becker" in html  # the manager


def test_profile_shows_everything(people, client_for):
    """A colleague's profile shows contact, unit chain, manager, chips and a follow button."""
    html = client_for(people["anna"]).get("/people/ben/").content.decode()
    assert "Ben Krüger" in html
    assert "Systemadministrator" in html
    assert 'href="/people/org/it-betrieb/"' in html
    assert 'href="/people/org/sparkasse-hanse/"' in html
    assert 'href="mailto:ben@example.org"' in html
    # A skill opens "Wer weiß was?" for it: who else knows about it.
    assert 'href="/search/experts/?topic=Python"' in html
    assert 'href="/search/experts/?topic=Netzwerke"' in html
    assert "Ich betreue die Server." in html
    assert "German, English" in html
    assert 'href="/people/anna/"' in html  # manager of IT-Betrieb
    assert 'action="/people/ben/follow/"' in html
    assert "Edit profile</a>" not in html.split("<main")[1]


def test_own_profile_has_edit_link_and_no_follow(people, client_for):
    """On one's own profile: Edit profile, no follow button; phone as tel: link."""
    html = client_for(people["anna"]).get("/people/anna/").content.decode()
    main = html.split("<main")[1]
    assert 'href="/people/me/edit/"' in main
    assert "/follow/" not in main
    assert 'href="tel:+494542123"' in main


def test_follow_and_unfollow_by_post(people, client_for):
    """Follow and unfollow work by POST and redirect back to the profile."""
    client = client_for(people["anna"])
    response = client.post("/people/ben/follow/")
    assert response.status_code == 302
    assert response["Location"] == "/people/ben/"
    assert Follow.objects.filter(follower=people["anna"], followee=people["ben"]).exists()
    html = client.get("/people/ben/").content.decode()
    assert 'action="/people/ben/unfollow/"' in html
    assert "You now follow Ben Krüger." in html
    client.post("/people/ben/unfollow/")
    assert not Follow.objects.exists()


def test_follow_requires_post(people, client_for):
    """GET on follow and unfollow is refused and changes nothing."""
    client = client_for(people["anna"])
    assert client.get("/people/ben/follow/").status_code == 405
    assert client.get("/people/ben/unfollow/").status_code == 405
    assert not Follow.objects.exists()


def test_follow_htmx_returns_button(people, client_for):
    """An htmx follow gets the swapped button and the new follower count."""
    response = client_for(people["anna"]).post("/people/ben/follow/", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert 'action="/people/ben/unfollow/"' in html
    assert 'id="followers-count-' in html


def test_follow_yourself_is_refused_with_message(people, client_for):
    """Following oneself shows the error and writes nothing."""
    client = client_for(people["anna"])
    response = client.post("/people/anna/follow/", follow=True)
    assert "You cannot follow yourself." in response.content.decode()
    assert not Follow.objects.exists()


def test_profile_edit_saves_own_profile(people, client_for, org):
    """The form saves all fields and redirects to the profile with a message."""
    client = client_for(people["anna"])
    response = client.post(
        "/people/me/edit/",
        {
            "first_name": "Anna",
            "last_name": "Becker-Lange",
            "phone": "04542 1234",
            "mobile": "",
            "about": "Hallo!",
            "skills": "Baufinanzierung, Führung ,, Python",
            "ask_me_about": "Working Out Loud",
            "languages": ["de", "pl"],
            "ui_language": "",
        },
        follow=True,
    )
    assert response.redirect_chain == [("/people/anna/", 302)]
    assert "Your profile has been saved." in response.content.decode()
    anna = User.objects.get(pk=people["anna"].pk)
    assert anna.last_name == "Becker-Lange"
    assert anna.languages == ["de", "pl"]
    assert sorted(s.name for s in anna.skills.all()) == ["Baufinanzierung", "Führung", "Python"]
    assert [s.name for s in anna.ask_me_about.all()] == ["Working Out Loud"]


def test_profile_edit_shows_errors_next_to_fields(people, client_for):
    """Invalid input re-renders the form with messages at the fields; nothing is saved."""
    client = client_for(people["anna"])
    response = client.post(
        "/people/me/edit/",
        {"first_name": "", "last_name": "Becker", "skills": "x" * 61, "phone": "abc"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_first_name_errors"' in html
    assert "Please enter your first name." in html
    assert "a skill or topic may have at most 60 characters." in html
    assert "Please enter a phone number with digits" in html
    assert User.objects.get(pk=people["anna"].pk).first_name == "Anna"


def test_profile_edit_errors_in_german(people, client_for):
    """With German as the interface language, errors come in German (if translated)."""
    anna = people["anna"]
    anna.ui_language = "de"
    anna.save(update_fields=["ui_language"])
    response = client_for(anna).post("/people/me/edit/", {"first_name": "", "last_name": "B"})
    assert response.status_code == 400
    assert '<html lang="de">' in response.content.decode()


def test_profile_edit_only_edits_own_profile(people, client_for):
    """There is no way to edit someone else's profile through the page."""
    client = client_for(people["ben"])
    client.post("/people/me/edit/", {"first_name": "Hacked", "last_name": "X", "username": "anna"})
    assert User.objects.get(pk=people["anna"].pk).first_name == "Anna"
    assert User.objects.get(pk=people["ben"].pk).first_name == "Hacked"


def _form(**changes):
    """What the browser posts for Anna's profile page, with ``changes``."""
    data = {
        "first_name": "Anna",
        "last_name": "Becker",
        "phone": "",
        "mobile": "",
        "about": "",
        "skills": "",
        "ask_me_about": "",
        "ui_language": "",
        "show_presence": "on",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_one_form_saves_photo_and_fields_together(
    people, client_for, django_capture_on_commit_callbacks
):
    """Photo, text and settings are saved by the one button; removing brings back initials."""
    client = client_for(people["anna"])
    response = client.post(
        "/people/me/edit/",
        _form(about="Neu im Team", photo=SimpleUploadedFile("me.png", _png(), "image/png")),
        follow=True,
    )
    assert response.redirect_chain == [("/people/anna/", 302)]
    html = response.content.decode()
    assert "Your profile has been saved." in html
    anna = User.objects.get(pk=people["anna"].pk)
    assert anna.avatar_thumbnail and anna.about == "Neu im Team"
    assert f'src="{anna.avatar_thumbnail.url}"' in html
    assert 'alt="Anna Becker"' in html
    edit = client.get("/people/me/edit/").content.decode()
    assert "Remove my photo" in edit
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/people/me/edit/", _form(about="Neu im Team", remove_photo="on"))
    anna.refresh_from_db()
    assert not anna.avatar
    assert anna.about == "Neu im Team"


def test_refused_photo_saves_nothing_and_keeps_the_typing(people, client_for):
    """A PDF disguised as PNG: the error at the photo, the typed text still in the form, and
    the text not saved either (all or nothing)."""
    response = client_for(people["anna"]).post(
        "/people/me/edit/",
        _form(
            about="Mein neuer Text",
            photo=SimpleUploadedFile("x.png", b"%PDF-1.4 ...", "image/png"),
        ),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "This file is not a picture. Please upload a JPEG, PNG, WebP or GIF image." in html
    assert 'id="id_photo_errors"' in html
    assert "Mein neuer Text</textarea>" in html
    assert "Nothing has been saved yet." in html
    anna = User.objects.get(pk=people["anna"].pk)
    assert not anna.avatar
    assert anna.about == ""


def test_field_error_asks_for_the_photo_again(people, client_for):
    """A chosen photo cannot survive the reload: the page says so at the photo field."""
    response = client_for(people["anna"]).post(
        "/people/me/edit/",
        _form(first_name="", photo=SimpleUploadedFile("me.png", _png(), "image/png")),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Please enter your first name." in html
    assert "Your photo was not saved yet. Please choose it again before saving." in html
    assert '<a href="#id_first_name">First name</a>' in html
    assert not User.objects.get(pk=people["anna"].pk).avatar


def test_hiding_presence_in_the_form_forgets_it_at_once(
    people, client_for, django_capture_on_commit_callbacks
):
    """The online status is part of the one form; switching it off clears the dot now."""
    from hanse.realtime import presence

    anna = people["anna"]
    presence.heartbeat(anna.pk, active=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(anna).post("/people/me/edit/", _form(show_presence=None))
    assert response.status_code == 302
    anna.refresh_from_db()
    assert anna.show_presence is False
    assert presence.states([anna.pk]) == {anna.pk: "offline"}


def test_profile_edit_has_one_form_and_one_save(people, client_for):
    """Photo, profile and online status share one form and one button."""
    html = client_for(people["anna"]).get("/people/me/edit/").content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    assert main.count("<form") == 1
    assert main.count('type="submit"') == 1
    assert 'enctype="multipart/form-data"' in main
    for name in ("photo", "about", "skills", "ask_me_about", "show_presence", "ui_language"):
        assert f'name="{name}"' in main


def test_profile_edit_errors_in_german_text(people, client_for):
    """A German interface gets German field errors and the German summary."""
    anna = people["anna"]
    anna.ui_language = "de"
    anna.save(update_fields=["ui_language"])
    html = client_for(anna).post("/people/me/edit/", _form(first_name="")).content.decode()
    assert "Bitte gib deinen Vornamen ein." in html
    assert "Es wurde noch nichts gespeichert." in html


def test_avatar_partial_without_picture_shows_initials(people, client_for):
    """Without a photo the header shows initials, hidden from screen readers there."""
    html = client_for(people["anna"]).get("/people/ben/").content.decode()
    assert '<span class="avatar avatar--sm" aria-hidden="true">AB</span>' in html
    assert 'role="img" aria-label="Ben Krüger">BK</span>' in html


def test_pages_in_german_and_english(people, client_for, settings):
    """The language follows the browser: lang="de" for German, lang="en" for English."""
    settings.LANGUAGE_CODE = "de"
    client = client_for(people["anna"])
    for url in ("/people/", "/people/ben/", "/people/org/", "/people/me/edit/"):
        de = client.get(url, HTTP_ACCEPT_LANGUAGE="de")
        assert '<html lang="de">' in de.content.decode()
        en = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        assert '<html lang="en">' in en.content.decode()


def test_people_followers_counts_on_profile(people, client_for):
    """Followers and following counts are shown."""
    follow(follower=people["anna"], followee=people["ben"])
    html = client_for(people["anna"]).get("/people/ben/").content.decode()
    assert f'<span id="followers-count-{people["ben"].pk}">1</span>' in html


def test_profile_edit_cannot_change_hr_fields(people, client_for, org):
    """Posting org unit, location or job title changes nothing: the form has no such fields."""
    client = client_for(people["anna"])
    response = client.post(
        "/people/me/edit/",
        {
            "first_name": "Anna",
            "last_name": "Becker",
            "about": "Neu hier",
            "job_title": "Vorständin",
            "org_unit": org["it_ops"].pk,
            "location": org["head_office"].pk,
        },
    )
    assert response.status_code == 302
    anna = User.objects.get(pk=people["anna"].pk)
    assert anna.about == "Neu hier"
    assert (anna.job_title, anna.org_unit, anna.location) == (
        "Kundenberaterin",
        org["moelln"],
        org["moelln_location"],
    )


def test_profile_edit_shows_hr_fields_read_only(people, client_for, settings):
    """Job title, unit, location and manager are shown, marked as HR's, with no inputs."""
    html = client_for(people["ben"]).get("/people/me/edit/").content.decode()
    for name in ("job_title", "org_unit", "location", "manager"):
        assert f'name="{name}"' not in html
    section = html[html.index('class="hr-facts"') :]
    section = section[: section.index("</section>")]
    assert "Managed by HR" in section
    for text in ("Systemadministrator", "IT-Betrieb", "Hauptstelle", "Anna Becker"):
        assert text in section
    assert html.count("Save profile") == 1
    settings.LANGUAGE_CODE = "de"
    anna = people["anna"]
    anna.ui_language = "de"
    anna.save(update_fields=["ui_language"])
    html = client_for(anna).get("/people/me/edit/").content.decode()
    assert "Wird von der Personalabteilung gepflegt" in html
