"""Praise: thank a colleague for a value, in the stream and on the profile, hideable by the
recipient, a notification; counts per value for the organisation, never per person."""

from __future__ import annotations

import pytest
from django.urls import reverse

from hanse.core.errors import PermissionRefused, ServiceError
from hanse.notifications.models import Notification
from hanse.participation import selectors
from hanse.participation.models import Praise, PraiseValue
from hanse.participation.praise import praise_create, praise_hide


@pytest.fixture
def values(db):
    return {
        name: PraiseValue.objects.create(name=name, position=i)
        for i, name in enumerate(["Mut", "Neugier", "Offenheit"])
    }


def test_thank_a_colleague_company_wide(
    user, make_user, values, django_capture_on_commit_callbacks
):
    ben = make_user("ben")
    with django_capture_on_commit_callbacks(execute=True):
        praise = praise_create(
            author=user, recipient=ben, value=values["Mut"], message="Danke für die Präsentation!"
        )
    assert praise.post.scope == "company" and praise.post.body == "Danke für die Präsentation!"
    note = Notification.objects.get(type="praise_received")
    assert note.recipient == ben and note.actor == user


@pytest.mark.parametrize("case", ["self", "inactive_value", "empty"])
def test_refusals(user, make_user, values, case):
    value = values["Mut"]
    recipient = make_user()
    message = "Danke!"
    if case == "self":
        recipient = user
    elif case == "inactive_value":
        PraiseValue.objects.filter(pk=value.pk).update(active=False)
        value.refresh_from_db()
    else:
        message = "  "
    with pytest.raises(ServiceError):
        praise_create(author=user, recipient=recipient, value=value, message=message)
    assert not Praise.objects.exists()


def test_in_a_community_only_where_both_belong(user, make_user, make_community, values):
    ben, outsider = make_user(), make_user()
    community = make_community("private", owner=user, members=(ben,))
    praise_create(
        author=user, recipient=ben, value=values["Neugier"], message="Danke!", community=community
    )
    with pytest.raises(PermissionRefused):
        praise_create(
            author=user,
            recipient=outsider,
            value=values["Neugier"],
            message="Danke!",
            community=community,
        )


def test_profile_shows_praise_the_viewer_may_see_and_recipient_can_hide(
    user, make_user, make_community, values, client_for
):
    """A praise in a private community shows on the profile for members only; the recipient
    hides one, which leaves the stream alone."""
    ben, outsider = make_user("ben"), make_user()
    community = make_community("private", owner=user, members=(ben,))
    open_praise = praise_create(
        author=user, recipient=ben, value=values["Mut"], message="Offener Dank"
    )
    praise_create(
        author=user, recipient=ben, value=values["Offenheit"], message="Interner Dank",
        community=community,
    )  # fmt: skip
    profile = reverse("people:profile", args=[ben.username])
    member_page = client_for(user).get(profile).content.decode()
    assert "Offener Dank" in member_page and "Interner Dank" in member_page
    outsider_page = client_for(outsider).get(profile).content.decode()
    assert "Offener Dank" in outsider_page and "Interner Dank" not in outsider_page
    with pytest.raises(PermissionRefused):
        praise_hide(praise=open_praise, by=user)
    response = client_for(ben).post(reverse("participation:praise_hide", args=[open_praise.pk]))
    assert response.status_code == 302
    assert "Offener Dank" not in client_for(outsider).get(profile).content.decode()
    assert "Hidden from your profile." in client_for(ben).get(profile).content.decode()
    stream = client_for(outsider).get("/stream/").content.decode()
    assert "Offener Dank" in stream and "for <strong" in stream


def test_counts_per_value_only(user, make_user, values, client_for):
    """The organisation's counts per value; no person is ranked or counted."""
    ben, carla = make_user("ben"), make_user("carla")
    for person in (ben, carla):
        praise_create(author=user, recipient=person, value=values["Mut"], message="Danke!")
    praise_create(author=ben, recipient=carla, value=values["Neugier"], message="Danke!")
    counts = [(v.name, n) for v, n in selectors.praise_counts(viewer=user)]
    assert counts == [("Mut", 2), ("Neugier", 1), ("Offenheit", 0)]
    page = client_for(user).get(reverse("participation:praise_new")).content.decode()
    assert "2 times" in page
    assert carla.display_name not in page


def test_praise_form(user, make_user, values, client_for):
    ben = make_user("ben")
    client = client_for(user)
    bad = client.post(
        reverse("participation:praise_new"),
        {"recipient": "niemand", "value": values["Mut"].pk, "message": "x", "where": "company"},
    )
    assert (
        bad.status_code == 200 and "Nobody with this username works here." in bad.content.decode()
    )
    ok = client.post(
        reverse("participation:praise_new"),
        {"recipient": "@ben", "value": values["Mut"].pk, "message": "Danke", "where": "company"},
    )
    praise = Praise.objects.get()
    assert ok["Location"] == reverse("posts:detail", args=[praise.post_id])
    assert praise.recipient == ben
