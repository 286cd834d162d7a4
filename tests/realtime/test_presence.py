"""Presence: shown only while the site and the person allow it; a person can hide it."""

from __future__ import annotations

from typing import Any

import pytest
from django.template import Context, Template

from hanse.core.models import SiteConfiguration
from hanse.realtime import presence
from hanse.realtime.ratelimit import allow
from hanse.realtime.services import presence_preference_set

pytestmark = pytest.mark.django_db


def dot(person: Any) -> str:
    return Template("{% load realtime_tags %}{% presence_dot person %}").render(
        Context({"person": person})
    )


def test_online_person_shows_a_labelled_dot(make_user: Any) -> None:
    """A person with an open, active tab shows a green dot labelled "Online"."""
    person = make_user()
    presence.heartbeat(person.pk, active=True)
    html = dot(person)
    assert 'class="presence presence--online"' in html
    assert 'aria-label="Online"' in html


def test_idle_tab_shows_away(make_user: Any) -> None:
    """Only idle tabs: "Away"."""
    person = make_user()
    presence.heartbeat(person.pk, active=False)
    assert 'aria-label="Away"' in dot(person)


def test_nothing_without_heartbeat(make_user: Any) -> None:
    """Offline people get no dot at all."""
    assert dot(make_user()) == ""


def test_site_switch_hides_everyone(make_user: Any) -> None:
    """With the administrator's switch off nobody's presence is shown or recorded."""
    person = make_user()
    presence.heartbeat(person.pk, active=True)
    config = SiteConfiguration.get()
    config.presence_enabled = False
    config.save(update_fields=["presence_enabled"])
    assert dot(person) == ""
    assert presence.visible_states([person]) == {}
    assert presence.may_track(person) is False


def test_person_can_hide_presence(make_user: Any, django_capture_on_commit_callbacks: Any) -> None:
    """Hiding one's presence removes the dot and forgets the current state at once."""
    person = make_user()
    presence.heartbeat(person.pk, active=True)
    with django_capture_on_commit_callbacks(execute=True):
        presence_preference_set(user=person, show=False)
    person.refresh_from_db()
    assert person.show_presence is False
    assert presence.states([person.pk]) == {person.pk: "offline"}
    assert dot(person) == ""


def test_presence_states_tag_loads_a_list_at_once(
    make_user: Any, django_assert_max_num_queries: Any
) -> None:
    """A list of people costs one query (the site switch) and one cache round trip."""
    people = [make_user() for _ in range(5)]
    presence.heartbeat(people[0].pk, active=True)
    SiteConfiguration.get()  # the row exists on every real site
    template = Template(
        "{% load realtime_tags %}{% presence_states people as states %}"
        "{% for p in people %}{% presence_dot p states %}{% endfor %}"
    )
    with django_assert_max_num_queries(1):
        html = template.render(Context({"people": people}))
    assert html.count("presence--online") == 1


def test_rate_limit_allows_the_limit_then_refuses(make_user: Any) -> None:
    """allow() admits `limit` calls per window and refuses the next one."""
    person = make_user()
    results = [allow(person.pk, "test.action", limit=3, per_seconds=60) for _ in range(4)]
    assert results == [True, True, True, False]
    assert allow(person.pk, "other.action", limit=3, per_seconds=60) is True
