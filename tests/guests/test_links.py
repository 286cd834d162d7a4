"""Every link a guest is shown opens: the navigation, the user menu and the start page offer
a guest only what is theirs (the company's own pages answer them 404)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from hanse.communities.models import Community, Membership
from hanse.people.models import User
from tests.conftest import PASSWORD

HREF = re.compile(r'href="(/[^"#?]*)[^"]*"')
# Links that do something other than show a page, or that belong to the account itself.
NOT_PAGES = ("/static/", "/media/", "/accounts/logout/", "/i18n/", "/jsi18n/")


def _links(html: str) -> set[str]:
    return {h for h in HREF.findall(html) if not h.startswith(NOT_PAGES)}


@pytest.mark.parametrize("start", ["/", "/communities/gemeinsam/", "/chat/"])
def test_every_link_a_guest_sees_opens(start: str, db: None) -> None:
    guest = User.objects.create_user(
        "gast",
        "gast@partner.example",
        PASSWORD,
        is_guest=True,
        guest_organisation="Sparkasse Nordheide",
        guest_expires_at=timezone.now() + timedelta(days=30),
    )
    shared = Community.objects.create(name="Gemeinsam", slug="gemeinsam", kind="private")
    Membership.objects.create(community=shared, user=guest)
    client = Client()
    client.force_login(guest)
    page = client.get(start, follow=True)
    assert page.status_code == 200
    links = _links(page.content.decode())
    assert links, "the page shows no links at all"
    broken = {}
    for link in sorted(links):
        answer = client.get(link)
        if answer.status_code == 404:
            broken[link] = answer.status_code
    assert not broken, f"a guest is shown links that answer 404: {sorted(broken)}"
