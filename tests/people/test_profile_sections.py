"""What apps above people add to a profile arrives through hanse/people/profile_sections.py."""

from __future__ import annotations

import pytest
from django.urls import reverse

from hanse.people import profile_sections

pytestmark = pytest.mark.django_db


def test_praise_and_posts_are_registered_sections_in_order(client, make_user):
    """The profile shows the praise section, then the posts, without naming either app."""
    anna = make_user("anna")
    client.force_login(anna)
    html = client.get(reverse("people:profile", args=[anna.username])).content.decode()
    assert html.index('id="praise-title"') < html.index('id="profile-posts-heading"')


def test_a_registered_section_renders_on_the_profile(client, make_user):
    """A section registered by another app appears on the profile; removing it removes it."""
    anna = make_user("anna")
    client.force_login(anna)

    def section(request, person):
        return f'<section id="extra-section">{person.username}</section>'

    profile_sections.register("zz-test", section, order=1)
    try:
        html = client.get(reverse("people:profile", args=[anna.username])).content.decode()
        assert '<section id="extra-section">anna</section>' in html
        assert html.index('id="extra-section"') < html.index('id="praise-title"')
    finally:
        profile_sections._sections.pop("zz-test")
    html = client.get(reverse("people:profile", args=[anna.username])).content.decode()
    assert "extra-section" not in html
