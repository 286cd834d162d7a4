"""The first-day checklist: each step read from real data, suggestions, dismissal, the one
congratulation, and what it costs the start page."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from hanse.communities import services as community_services
from hanse.communities.models import Community
from hanse.notifications import services as notification_services
from hanse.onboarding import selectors, services
from hanse.onboarding.models import FirstDayChecklist
from hanse.people import services as people_services
from hanse.people.models import OrgUnit
from hanse.posts.services.posts import post_create

pytestmark = pytest.mark.django_db

HOME = reverse("home:index")
TITLE = "Your first steps in Hanse"
CONGRATULATION = "Well done: you have arrived in Hanse!"


def _photo() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (120, 120), (10, 120, 200)).save(out, format="PNG")
    return SimpleUploadedFile("me.png", out.getvalue(), content_type="image/png")


def _done(user: Any) -> dict[str, bool]:
    first_day = selectors.first_day_of(user=user, include_hidden=True)
    assert first_day is not None
    return {step.key: step.done for step in first_day.steps}


@pytest.fixture
def newcomer(make_user, org):
    return make_user("nele", first_name="Nele", last_name="Neumann", org_unit=org["moelln"])


@pytest.fixture
def team(make_user, org):
    """The branch's manager and three colleagues; someone from elsewhere."""
    boss = make_user("bernd", first_name="Bernd", last_name="Zander", org_unit=org["moelln"])
    people_services.orgunit_update(unit=org["moelln"], manager=boss)
    colleagues = [
        make_user(f"kollege{i}", last_name=f"Albers{i}", org_unit=org["moelln"]) for i in range(3)
    ]
    elsewhere = make_user("fremd", org_unit=org["it_ops"])
    return {"boss": boss, "colleagues": colleagues, "elsewhere": elsewhere}


def _do_everything(user: Any, others: list[Any], communities: list[Community]) -> None:
    people_services.avatar_set(user=user, upload=_photo())
    people_services.profile_update(
        user=user, by=user, about="Neu in Mölln.", skills=["Kasse"], ask_me_about=["Onboarding"]
    )
    for community in communities[:2]:
        community_services.membership_join(community=community, user=user)
    for other in others[:3]:
        people_services.follow(follower=user, followee=other)
    notification_services.preference_set(
        user=user, type_key="reaction", channel="in_app", enabled=False
    )
    post_create(author=user, body="Moin, ich bin Nele aus der Filiale Mölln!")


def test_a_new_person_sees_every_step_open(client_for, newcomer):
    """Nothing done yet: six open steps, 0 of 6, links to do each."""
    body = client_for(newcomer).get(HOME).content.decode()
    assert TITLE in body
    assert "0 of 6 steps done" in body
    assert 'max="6" value="0"' in body
    for link in (
        reverse("people:profile_edit") + "#photo-heading",
        reverse("people:profile_edit") + "#about-heading",
        reverse("communities:directory"),
        reverse("notifications:preferences"),
        HOME + "#composer-title",
    ):
        assert link in body
    assert "Still missing: About me, Skills, Ask me about" in body
    assert FirstDayChecklist.objects.count() == 0  # showing it writes nothing


def test_each_step_is_read_from_the_data(newcomer, team, make_community):
    """Doing a step anywhere marks it done; no flag is stored for it."""
    owner = team["elsewhere"]
    communities = [make_community(owner=owner) for _ in range(2)]
    assert _done(newcomer) == dict.fromkeys(selectors.STEP_KEYS, False)

    people_services.avatar_set(user=newcomer, upload=_photo())
    assert _done(newcomer)["photo"]

    people_services.profile_update(user=newcomer, by=newcomer, about="Hallo", skills=["Kasse"])
    first_day = selectors.first_day_of(user=newcomer)
    assert first_day is not None
    assert not first_day.step("profile").done
    assert first_day.profile_missing == ["ask_me_about"]
    people_services.profile_update(user=newcomer, by=newcomer, ask_me_about=["Onboarding"])
    assert _done(newcomer)["profile"]

    community_services.membership_join(community=communities[0], user=newcomer)
    step = selectors.first_day_of(user=newcomer).step("communities")  # type: ignore[union-attr]
    assert (step.done, step.count, step.goal) == (False, 1, 2)
    community_services.membership_join(community=communities[1], user=newcomer)
    assert _done(newcomer)["communities"]

    for other in [team["boss"], *team["colleagues"][:2]]:
        assert not _done(newcomer)["follow"]
        people_services.follow(follower=newcomer, followee=other)
    assert _done(newcomer)["follow"]

    notification_services.delivery_settings_update(user=newcomer, email_frequency="weekly")
    assert _done(newcomer)["notifications"]

    post_create(author=newcomer, body="Moin zusammen!")
    assert _done(newcomer) == dict.fromkeys(selectors.STEP_KEYS, True)
    assert FirstDayChecklist.objects.count() == 0


def test_undoing_a_step_opens_it_again(newcomer, team, make_community):
    """Leaving a community counts: the checklist follows the data, not a flag."""
    community = make_community(owner=team["elsewhere"])
    community_services.membership_join(community=community, user=newcomer)
    people_services.follow(follower=newcomer, followee=team["boss"])
    assert selectors.first_day_of(user=newcomer).step("follow").count == 1  # type: ignore[union-attr]
    people_services.unfollow(follower=newcomer, followee=team["boss"])
    assert selectors.first_day_of(user=newcomer).step("follow").count == 0  # type: ignore[union-attr]


def test_a_preset_counts_as_choosing_notifications(newcomer):
    """Choosing the default preset writes no per-type row, yet the step is done."""
    notification_services.preferences_preset_apply(user=newcomer, preset="balanced")
    assert _done(newcomer)["notifications"]


def test_suggested_communities_unit_first_never_secret_or_joined(
    newcomer, team, make_community, make_user
):
    """Open communities only; those of the unit's colleagues first, then the big ones."""
    owner = team["elsewhere"]
    crowd = [make_user() for _ in range(4)]
    big = make_community(owner=owner, name="Alle an Bord", members=tuple(crowd))
    branch = make_community(owner=owner, name="Filialteam", members=tuple(team["colleagues"]))
    small = make_community(owner=owner, name="Kleiner Kreis")
    make_community(Community.Kind.PRIVATE, owner=owner, name="Privatrunde")
    make_community(
        Community.Kind.SECRET, owner=owner, name="Geheimrunde", members=tuple(team["colleagues"])
    )
    joined = make_community(owner=owner, name="Schon dabei", members=(newcomer, *crowd))

    suggested = selectors.suggested_communities(user=newcomer)
    assert [c.name for c in suggested] == [branch.name, big.name, small.name]
    assert suggested[0].colleagues == 3
    assert joined not in suggested


def test_suggested_colleagues_manager_first_not_followed(newcomer, team):
    """The manager, then colleagues of the unit; never oneself, the followed or outsiders."""
    people_services.follow(follower=newcomer, followee=team["colleagues"][0])
    people = selectors.first_day_of(user=newcomer).suggested_people  # type: ignore[union-attr]
    assert people == [team["boss"], team["colleagues"][1], team["colleagues"][2]]


def test_suggestions_show_on_the_start_page_with_buttons(
    client_for, newcomer, team, make_community
):
    """Join and follow buttons post to the existing actions and come back to the checklist."""
    community = make_community(owner=team["elsewhere"], name="Filialteam")
    body = client_for(newcomer).get(HOME).content.decode()
    assert reverse("communities:join", args=[community.slug]) in body
    assert reverse("people:follow", args=[team["boss"].username]) in body
    assert "Your manager" in body

    client = client_for(newcomer)
    response = client.post(
        reverse("people:follow", args=[team["boss"].username]), {"next": HOME + "#first-day"}
    )
    assert response.status_code == 302
    assert response["Location"] == HOME + "#first-day"
    response = client.post(
        reverse("communities:join", args=[community.slug]), {"next": HOME + "#first-day"}
    )
    assert response["Location"] == HOME + "#first-day"
    body = client.get(HOME).content.decode()
    assert "1 of 3" in body  # follows
    assert "1 of 2" in body  # communities


def test_dismiss_hides_it_for_good_but_its_page_remains(client_for, newcomer):
    """Dismissed once (stored per person): the start page no longer shows it."""
    client = client_for(newcomer)
    response = client.post(reverse("onboarding:dismiss"), {"next": HOME})
    assert response.status_code == 302
    row = FirstDayChecklist.objects.get(user=newcomer)
    assert row.dismissed_at is not None and row.completed_at is None
    assert TITLE not in client.get(HOME).content.decode()
    page = client.get(reverse("onboarding:first_day")).content.decode()
    assert TITLE in page
    assert reverse("onboarding:dismiss") not in page  # nothing to hide there

    first = row.dismissed_at
    client.post(reverse("onboarding:dismiss"))
    row.refresh_from_db()
    assert row.dismissed_at == first


def test_dismiss_with_htmx_swaps_in_a_note(client_for, newcomer):
    """htmx replaces the card by a short note saying where to find it again."""
    response = client_for(newcomer).post(
        reverse("onboarding:dismiss"), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "You find it again under “First steps” in your menu." in response.content.decode()
    assert FirstDayChecklist.objects.filter(user=newcomer, dismissed_at__isnull=False).exists()


def test_anonymous_gets_nothing(client):
    """No checklist, no page and no write without a session."""
    for response in (
        client.get(reverse("onboarding:first_day")),
        client.post(reverse("onboarding:dismiss")),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    assert FirstDayChecklist.objects.count() == 0


def test_dismiss_needs_post(client_for, newcomer):
    """A link cannot hide the checklist."""
    assert client_for(newcomer).get(reverse("onboarding:dismiss")).status_code == 405
    assert FirstDayChecklist.objects.count() == 0


def test_complete_congratulates_once_then_goes_away(client_for, newcomer, team, make_community):
    """All six steps done: one congratulation, recorded, then nothing on the start page."""
    communities = [make_community(owner=team["elsewhere"]) for _ in range(2)]
    _do_everything(newcomer, [team["boss"], *team["colleagues"]], communities)
    client = client_for(newcomer)
    body = client.get(HOME).content.decode()
    assert CONGRATULATION in body
    assert FirstDayChecklist.objects.get(user=newcomer).completed_at is not None
    body = client.get(HOME).content.decode()
    assert CONGRATULATION not in body and TITLE not in body
    assert services.first_day_complete(user=newcomer).completed_at is not None


def test_inactive_person_gets_no_checklist(newcomer):
    """A deactivated account is not onboarded."""
    newcomer.is_active = False
    newcomer.save(update_fields=["is_active"])
    assert selectors.first_day_of(user=newcomer) is None


def _home_queries(client: Any) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(HOME).status_code == 200
    return len(ctx.captured_queries)


def test_start_page_cost_is_fixed(client_for, newcomer, team, make_community, make_user):
    """The checklist costs the start page one query when hidden and four while its
    suggestions are open, whatever the number of communities and colleagues."""
    client = client_for(newcomer)
    _home_queries(client)  # warm the per-process caches (site settings, suggestions)
    open_small = _home_queries(client)
    for _ in range(5):
        make_community(owner=team["elsewhere"])
    for i in range(6):
        make_user(f"mehr{i}", org_unit=OrgUnit.objects.get(pk=newcomer.org_unit_id))
    _home_queries(client)
    open_large = _home_queries(client)
    assert open_large == open_small

    services.first_day_dismiss(user=newcomer)
    hidden = _home_queries(client)
    assert open_small - hidden == 3  # the state and the two suggestion lists; the check remains


def test_fixed_cost_of_the_selector(newcomer, team, make_community, django_assert_num_queries):
    """Hidden?, state, suggested communities, suggested colleagues: four queries; once
    dismissed, the first alone (a primary-key lookup, no state query built)."""
    make_community(owner=team["elsewhere"])
    with django_assert_num_queries(4):
        selectors.first_day_of(user=newcomer)
    services.first_day_dismiss(user=newcomer)
    with django_assert_num_queries(1) as hidden:
        assert selectors.first_day_of(user=newcomer) is None
    assert "posts_post" not in hidden.captured_queries[0]["sql"]  # not the state query
